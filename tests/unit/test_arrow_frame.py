"""The gates read tables through Arrow: the frame must be the one DuckDB's `.df()` gives, dtype for dtype and
value for value (GX picks its code path by dtype), or the read falls back to `.df()`."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from pipelines.warehouse.arrow_frame import frame_from_arrow
from pipelines.warehouse.duckdb_engine import DuckDBWarehouse

VALUES = {"VARCHAR": "'a'", "TINYINT": "1", "SMALLINT": "2", "INTEGER": "3", "BIGINT": "4", "HUGEINT": "5",
          "DOUBLE": "1.5", "BOOLEAN": "true", "DATE": "DATE '2024-01-02'",
          "TIMESTAMP": "TIMESTAMP '2024-01-02 03:04:05'"}


def assert_same_frame(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    assert list(expected.columns) == list(got.columns) and expected.index.equals(got.index)
    for name in expected.columns:
        old, new = expected[name], got[name]
        assert repr(old.dtype) == repr(new.dtype), name
        if hasattr(old.array, "_pa_array"):  # Arrow-backed text: the same storage type
            assert old.array._pa_array.type == new.array._pa_array.type, name
            assert old.array._pa_array.num_chunks == new.array._pa_array.num_chunks, name
        if old.dtype == object:  # None stays None, not NaN
            assert [type(v) for v in old] == [type(v) for v in new], name
        pd.testing.assert_series_equal(old, new, check_exact=True)


@pytest.fixture
def con():
    con = duckdb.connect()
    select = ", ".join(f"{v}::{t} as c_{t.lower()}" for t, v in VALUES.items())
    con.execute(f"create table t as select {select}")
    con.execute(f"insert into t values ({', '.join(f'NULL::{t}' for t in VALUES)})")
    yield con
    con.close()


@pytest.mark.parametrize("rows", ["true", "false", "c_varchar is null", "c_varchar is not null"])
@pytest.mark.parametrize("string_view", [False, True])
def test_every_column_type_matches_duckdb_df(con, rows, string_view):
    """With and without NULLs, no rows, only NULLs: nullable dtypes and object text columns appear as in .df()."""
    con.execute(f"set produce_arrow_string_view = {str(string_view).lower()}")
    sql = f"select * from t where {rows}"
    frame = frame_from_arrow(con.sql(sql).to_arrow_table())
    assert frame is not None
    assert_same_frame(con.execute(sql).df(), frame)


@pytest.mark.parametrize("sql", ["select 1::UINTEGER u", "select 1.5::DECIMAL(5, 2) d", "select 1::FLOAT f",
                                 "select [1] l", "select now() ts", "select 1 a, 2 a",
                                 "select 18014398509481984::HUGEINT h"])
def test_a_type_not_mapped_is_left_to_df(con, sql):
    assert frame_from_arrow(con.sql(sql).to_arrow_table()) is None


def test_read_table_gives_what_df_gives(tmp_path):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema raw")
        select = ", ".join(f"{v}::{t} as c_{t.lower()}" for t, v in VALUES.items())
        con.execute(f"create table raw.t as select {select} union all select 'b', null, 1, 2, 3, 4, 2.5, false, "
                    "null, null")
        con.execute("create table raw.odd as select 1.5::DECIMAL(5, 2) d, 'x' s")
        expected = {t: con.execute(f"select * from raw.{t}").df() for t in ("t", "odd")}
    store = DuckDBWarehouse(db)
    for table, frame in expected.items():
        assert_same_frame(frame, store.read_table("raw", table))
