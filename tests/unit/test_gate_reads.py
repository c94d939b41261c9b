"""A gate reads its table and the landed sources through one connection to the build file (opening one costs
more than reading a small table), and the reads through `reading()` are the ones the warehouse's own give."""

from __future__ import annotations

from types import SimpleNamespace

import dagster as dg
import pandas as pd

from pipelines.defs import gates
from pipelines.warehouse import DuckDBWarehouse, duckdb_engine
from pipelines.warehouse.resource import WarehouseResource
from tests.unit.test_quality import frame

ODS_FILE = {"source": "ods", "period": None, "file_kind": "etr", "path": "ods/etr.csv", "sha256": "0" * 64, "rows": 3}


def _build(tmp_path, monkeypatch) -> DuckDBWarehouse:
    """A build file holding raw.ods_trusts (ods landed) and an empty raw.wres_returns (wres absent)."""
    monkeypatch.setenv("WELLLED_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.delenv("WELLLED_WAREHOUSE_URL", raising=False)
    from pipelines import settings

    store = DuckDBWarehouse(settings.build_db_path())
    store.write_source("ods", {"ods_trusts": frame(tmp_path, "raw_ods_trusts")}, [ODS_FILE])
    store.write_source("wres", {"wres_returns": pd.DataFrame()}, [])
    return store


def _count_opens(monkeypatch) -> list[bool]:
    opened: list[bool] = []
    real = duckdb_engine.open_duckdb

    def counting(*args, **kwargs):
        opened.append(kwargs.get("read_only", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(duckdb_engine, "open_duckdb", counting)
    return opened


def _run_gate(table: str, suite: str) -> dg.AssetCheckResult:
    """The gate's own function, as a run calls it (a directly invoked check has no run for its records)."""
    check = gates.gx_gate(dg.AssetKey(["raw", table]), "raw", table, suite, "test.")
    context = SimpleNamespace(run=SimpleNamespace(run_id="run-1"))
    return check.op.compute_fn.decorated_fn(context, WarehouseResource())


def test_a_gate_opens_the_build_file_once(tmp_path, monkeypatch):
    _build(tmp_path, monkeypatch)
    opened = _count_opens(monkeypatch)
    passed = _run_gate("ods_trusts", "raw_ods_trusts")
    assert passed.passed and passed.metadata["status"].value == "passed"
    assert passed.metadata["rows_validated"].value == 3
    assert opened == [True]  # one read-only connection for the table and the landed sources

    skipped = _run_gate("wres_returns", "raw_wres_returns")
    assert skipped.passed and skipped.metadata["status"].value == "skipped"
    assert opened == [True, True]


def test_reading_gives_what_the_one_shot_reads_give(tmp_path, monkeypatch):
    store = _build(tmp_path, monkeypatch)
    opened = _count_opens(monkeypatch)
    with store.reading() as reader:
        landed = reader.landed_sources()
        table = reader.read_table("raw", "ods_trusts")
        queried = reader.query("select count(*) as n from raw.ods_trusts where org_code = ?", ["RXA"])
    assert opened == [True]
    assert landed == store.landed_sources() == {"ods"}
    pd.testing.assert_frame_equal(table, store.read_table("raw", "ods_trusts"))
    pd.testing.assert_frame_equal(queried, store.query("select count(*) as n from raw.ods_trusts where org_code = ?",
                                                       ["RXA"]))
