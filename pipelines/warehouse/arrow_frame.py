"""A DuckDB result as the pandas frame DuckDB's own `.df()` would give, built from Arrow.

`.df()` turns every VARCHAR into Python `str` objects that pandas then packs into an Arrow-backed `str`
column again, which is most of the time a gate spends reading a large table. Arrow hands the strings over
as they are. The frame must be the same one `.df()` returns, dtype for dtype and value for value, because
the quality suites run on it (GX picks its code path by dtype): so each column type is mapped as `.df()`
maps it, and a result with any other type is returned as None for the caller to read with `.df()`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# `.df()`: a column holding only text is pandas' default string dtype; one with no text at all (empty, or
# all NULL) stays an object column of None.
_TEXT = pd.StringDtype(storage="pyarrow", na_value=np.nan)
# Integers and booleans keep their numpy dtype unless a NULL is present, then become pandas' nullable ones.
_NULLABLE = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
             pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
# HUGEINT arrives as decimal(38, 0); `.df()` gives float64, exact only below 2**53 (counts and sums are).
_EXACT_FLOAT_INT = 2**53


def frame_from_arrow(table: pa.Table) -> pd.DataFrame | None:
    """The frame `.df()` gives for `table`, or None when a column has a type not mapped here."""
    table = table.combine_chunks()  # one chunk per column, as `.df()` gives: filtering many chunks is slow
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        converted = _column(column)
        if converted is None:
            return None
        columns[name] = converted
    if len(columns) != table.num_columns:  # a repeated column name
        return None
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))


def _column(column: pa.ChunkedArray) -> np.ndarray | pd.api.extensions.ExtensionArray | None:
    kind = column.type
    rows = len(column)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        if column.null_count == rows:
            return np.full(rows, None, dtype=object)
        return _TEXT.__from_arrow__(column)
    if kind in _NULLABLE:
        if column.null_count:
            return _NULLABLE[kind].__from_arrow__(column)
        return column.to_numpy()
    if pa.types.is_float64(kind):
        return column.to_numpy()
    if pa.types.is_decimal(kind) and kind.scale == 0:
        extremes = pc.min_max(column)
        if any(v is not None and abs(v) >= _EXACT_FLOAT_INT
               for v in (extremes["min"].as_py(), extremes["max"].as_py())):
            return None
        return column.cast(pa.float64()).to_numpy()
    if pa.types.is_date32(kind):
        return column.cast(pa.timestamp("us")).to_pandas().to_numpy()
    if pa.types.is_timestamp(kind) and kind.tz is None and kind.unit == "us":
        return column.to_pandas().to_numpy()
    return None
