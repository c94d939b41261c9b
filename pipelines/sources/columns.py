"""Arrow columns of repeated values, for parsers that give a long table column by column.

A long table repeats a few values many times: each row's identifiers once per value it holds, a question's
code and text once per row, a file's lineage once per row. Arrow's `take` and `repeat` build such string
columns value by value; here the bytes of the values are repeated in one piece and the offsets computed by
numpy, about ten times faster. Strings are `large_string` (64-bit offsets), so no column can overflow; pandas
reads them as the same `str` columns as from Python strings.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

STRING = pa.large_string()


def repeated(values: list[str | None], times: int) -> pa.Array:
    """Each value `times` times in a row: [a, a, b, b] for ([a, b], 2)."""
    encoded = _encoded(values)
    return _strings(np.repeat(_lengths(encoded), times), b"".join(e * times for e in encoded),
                    np.repeat(_nulls(values), times))


def tiled(values: list[str | None], times: int) -> pa.Array:
    """The whole list `times` times: [a, b, a, b] for ([a, b], 2)."""
    encoded = _encoded(values)
    return _strings(np.tile(_lengths(encoded), times), b"".join(encoded) * times, np.tile(_nulls(values), times))


def constant(value, size: int) -> pa.Array:
    """`value` (a string, number, date or time) `size` times."""
    if isinstance(value, str):
        return repeated([value], size)
    return pa.repeat(pa.scalar(value), size)


def _encoded(values: list[str | None]) -> list[bytes]:
    return [b"" if v is None else v.encode() for v in values]


def _lengths(encoded: list[bytes]) -> np.ndarray:
    return np.array([len(e) for e in encoded], dtype=np.int64)


def _nulls(values: list[str | None]) -> np.ndarray:
    return np.array([v is None for v in values], dtype=bool)


def _strings(lengths: np.ndarray, data: bytes, nulls: np.ndarray) -> pa.Array:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    validity = pa.py_buffer(np.packbits(~nulls, bitorder="little")) if nulls.any() else None
    return pa.Array.from_buffers(STRING, len(lengths), [validity, pa.py_buffer(offsets), pa.py_buffer(data)],
                                 null_count=int(nulls.sum()))
