"""A run's GX site index is built once, after its gates: each gate renders its own page, and nothing is lost."""

from __future__ import annotations

from pipelines import quality
from tests.test_quality import frame, good_rows


def test_pages_without_the_index_then_one_index_listing_every_page(tmp_path):
    docs = tmp_path / "docs"
    passed = quality.validate("dim_organisation", frame(tmp_path, "dim_organisation"))
    rows = good_rows("fct_wres_indicators")
    rows[0]["value"] = 5.0  # outside its interval: a critical failure
    failed = quality.validate("fct_wres_indicators", frame(tmp_path, "fct_wres_indicators", rows))
    assert not quality.blocked(docs)

    overview = quality.build_data_docs([passed], docs, site_index=False)
    pages = sorted((docs / "gx" / "site" / "validations").rglob("*.html"))
    assert len(pages) == 1 and not (docs / "gx" / "site" / "index.html").exists()
    assert "dim_organisation" in overview.read_text(encoding="utf-8")  # the overview is current after every gate

    quality.build_data_docs([failed], docs, site_index=False)
    assert quality.blocked(docs)
    index = quality.build_site_index(docs).read_text(encoding="utf-8")
    assert "dim_organisation" in index and "fct_wres_indicators" in index
    assert len(list((docs / "gx" / "site" / "validations").rglob("*.html"))) == 2


def test_an_index_of_a_run_with_nothing_validated(tmp_path):
    skipped = quality.validate("raw_wres_returns", frame(tmp_path, "raw_wres_returns", []),
                               skipped_reason="source wres absent")
    quality.build_data_docs([skipped], tmp_path / "docs", site_index=False)
    assert quality.build_site_index(tmp_path / "docs").is_file()
