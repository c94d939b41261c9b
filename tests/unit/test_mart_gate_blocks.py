"""A corrupted mart fails its Dagster gate with severity ERROR (which stops the publication), and a run blocked at
a mart gate gets its GX pages at once: it never reaches the publish step that renders them otherwise."""

from __future__ import annotations

from types import SimpleNamespace

import dagster as dg

from pipelines import quality
from pipelines.defs import gates
from tests.unit.test_quality import frame, good_rows


def test_corrupted_mart_blocks_and_its_pages_are_rendered(tmp_path, monkeypatch):
    monkeypatch.setenv("WELLLED_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    context = SimpleNamespace(run=SimpleNamespace(run_id="run-1"))
    good = gates.gate_result(context, "dim_organisation",
                          quality.validate("dim_organisation", frame(tmp_path, "dim_organisation")))
    assert good.passed
    docs = tmp_path / "warehouse" / "data_docs" / "run-1"
    assert not list((docs / "gx" / "site").rglob("*.html"))  # a passing mart gate leaves rendering to publish

    rows = good_rows("fct_wres_indicators")
    rows[0]["value"] = 5.0  # outside its confidence interval
    bad = gates.gate_result(context, "fct_wres_indicators",
                         quality.validate("fct_wres_indicators", frame(tmp_path, "fct_wres_indicators", rows)))
    assert not bad.passed and bad.severity == dg.AssetCheckSeverity.ERROR
    assert len(list((docs / "gx" / "site" / "validations").rglob("*.html"))) == 2
    assert (docs / "gx" / "site" / "index.html").is_file()
    assert "Publication blocked by: fct_wres_indicators" in (docs / "index.html").read_text(encoding="utf-8")
