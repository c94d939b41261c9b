"""Arrow columns of repeated values (pipelines/sources/columns.py) equal those Arrow builds value by value."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from pipelines.sources import columns


def test_repeated_tiled_and_constant_columns():
    values = ["Q1", None, "", "Ünïcode – text"]
    assert columns.repeated(values, 3).to_pylist() == [v for v in values for _ in range(3)]
    assert columns.tiled(values, 3).to_pylist() == values * 3
    assert columns.repeated(values, 0).to_pylist() == [] and columns.tiled([], 5).to_pylist() == []
    assert columns.constant("staff_survey/2024/a.xlsx", 4).to_pylist() == ["staff_survey/2024/a.xlsx"] * 4
    assert columns.constant(dt.datetime(2024, 1, 2, 3, 4, 5), 2).type == pa.timestamp("us")
    assert columns.repeated(values, 2).null_count == 2 and columns.repeated(values, 2).type == columns.STRING


def test_a_string_column_reads_into_pandas_as_from_python_strings():
    built = pa.table({"a": columns.tiled(["x", None], 2)}).to_pandas()
    direct = pa.table({"a": pa.array(["x", None, "x", None])}).to_pandas()
    assert built.equals(direct) and built.dtypes.equals(direct.dtypes)
