"""A table's rows as workbook XML and as CSV lines, rendered once for the whole table by DuckDB.

Downloads hold every organisation's rows of every published table (about a million rows for the demo): building
those strings cell by cell in Python takes minutes, DuckDB's vectorised string functions take seconds. Each
table is rendered once; each organisation's files are a selection of its rows. Cells of a workbook row carry no
reference (they are placed left to right, an empty cell is `<c/>`), so a row's XML does not depend on where it
is written.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # characters XML 1.0 cannot hold


def _ident(column: str) -> str:
    return '"' + str(column).replace('"', '""') + '"'


def _text(expression: str, kind: str) -> str:
    """The column as text: ISO dates (timestamps at midnight as dates), shortest round-trip numbers."""
    if kind.startswith("TIMESTAMP"):
        return f"replace(cast({expression} as varchar), ' 00:00:00', '')"
    return f"cast({expression} as varchar)"


def _cell(column: str, kind: str) -> str:
    c = _ident(column)
    if kind == "BOOLEAN":
        return f"""case when {c} is null then '<c/>' when {c} then '<c t="b"><v>1</v></c>'
                   else '<c t="b"><v>0</v></c>' end"""
    if kind in ("DOUBLE", "FLOAT"):
        return (f"case when {c} is null or isinf({c}) or isnan({c}) then '<c/>' "
                f"else '<c><v>' || {_text(c, kind)} || '</v></c>' end")
    if kind.startswith("DECIMAL") or kind in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                                              "USMALLINT", "UINTEGER", "UBIGINT"):
        return f"case when {c} is null then '<c/>' else '<c><v>' || {_text(c, kind)} || '</v></c>' end"
    escaped = (f"replace(replace(replace(regexp_replace({_text(c, kind)}, '{_CONTROL}', '', 'g'), '&', '&amp;'), "
               "'<', '&lt;'), '>', '&gt;')")
    return f"""case when {c} is null then '<c/>'
               else '<c t="inlineStr"><is><t xml:space="preserve">' || {escaped} || '</t></is></c>' end"""


def _field(column: str, kind: str) -> str:
    """A CSV field: empty for null, quoted when it holds a comma, quote or line break."""
    c = _ident(column)
    if kind == "BOOLEAN":
        return f"case when {c} is null then '' when {c} then 'True' else 'False' end"
    if kind in ("DOUBLE", "FLOAT"):
        return f"case when {c} is null or isnan({c}) then '' else {_text(c, kind)} end"
    text = _text(c, kind)
    return (f"case when {c} is null then '' when regexp_matches({text}, '[,\"\\n\\r]') "
            f"then '\"' || replace({text}, '\"', '\"\"') || '\"' else {text} end")


def render(frame: pd.DataFrame) -> tuple[np.ndarray, str, np.ndarray]:
    """(row XML per row, CSV header line, CSV line per row) of the frame, in its row order."""
    empty = np.array([], dtype=object)
    header = ",".join(_csv_header(str(c)) for c in frame.columns)
    if not len(frame) or not frame.shape[1]:
        return empty, header, empty
    with duckdb.connect() as con:
        source = frame.copy(deep=False)
        source.columns = [f"c{i}" for i in range(frame.shape[1])]
        con.register("source", source)
        kinds = [k for _, k in con.execute("select column_name, column_type from (describe source)").fetchall()]
        columns = list(source.columns)
        xml = " || ".join(_cell(c, k) for c, k in zip(columns, kinds, strict=True))
        csv = " || ',' || ".join(_field(c, k) for c, k in zip(columns, kinds, strict=True))
        result = con.execute(f"select '<row>' || {xml} || '</row>' as x, {csv} as l from source").fetchnumpy()
    return result["x"].astype(object), header, result["l"].astype(object)


def _csv_header(name: str) -> str:
    return '"' + name.replace('"', '""') + '"' if any(ch in name for ch in ',"\n\r') else name
