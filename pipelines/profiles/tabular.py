"""Table rows as CSV lines and as workbook XML, rendered by DuckDB for a whole table at once.

Downloads hold every organisation's rows of every published table (about a million rows for the demo):
building those strings cell by cell in Python takes minutes, DuckDB's vectorised string functions take
seconds. Each value is turned into text once (`Rendering.inner`), and both the CSV line and the row's XML are
concatenated from that text. Cells carry no reference (they are placed left to right, an empty cell is
`<c/>`), so a row's XML does not depend on where it is written and an organisation's sheet is a run of its
table's rows.

Text cells are inline strings (escaped per cell: fine for one workbook) or, for the site's hundreds of
workbooks, an index into one shared-strings part: the published text columns hold a few thousand distinct
values, so each is escaped once and a cell is `<c t="s"><v>n</v></c>`. DuckDB maps text to its index by a
cast to an ENUM type whose values are those strings.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from xml.sax.saxutils import escape

import duckdb
import numpy as np
import pandas as pd

from ..warehouse.base import ident

_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # characters XML 1.0 cannot hold
_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
             "UHUGEINT")


def _is_number(kind: str) -> bool:
    return kind in ("DOUBLE", "FLOAT") or kind.startswith("DECIMAL") or kind in _INTEGERS


def _is_text(kind: str) -> bool:
    """Written as a string cell (dates too, as ISO text) and possibly needing CSV quotes."""
    return not _is_number(kind) and kind != "BOOLEAN"


@dataclass(frozen=True)
class Rendering:
    inner: str  # a select list over the table: each column's text, computed once
    csv: str  # over `inner`: the row as one CSV line with its line break
    xml: str  # over `inner`: the row as workbook XML


def rendering(columns: list[tuple[str, str]], *, shared: str | None = None,
              quoted: Collection[str] = ()) -> Rendering:
    """SQL rendering (column, DuckDB type) pairs; text cells index the ENUM type `shared` when given, else are
    inline; `quoted` names the text columns holding a comma, quote or line break somewhere (quoted_columns)."""
    inner, fields, cells = [], [], []
    for i, (column, kind) in enumerate(columns):
        c, t = ident(column), f"t{i}"
        if kind in ("DOUBLE", "FLOAT"):
            inner.append(f"if(isfinite({c}), cast({c} as varchar), null) as {t}")
        elif kind.startswith("TIMESTAMP"):  # midnight timestamps as dates, like the source files
            inner.append(f"replace(cast({c} as varchar), ' 00:00:00', '') as {t}")
        else:
            inner.append(f"cast({c} as varchar) as {t}")
        fields.append(f"""'"' || replace({t}, '"', '""') || '"'""" if column in quoted else t)
        if kind == "BOOLEAN":
            inner.append(f"case when {c} then '1' when not {c} then '0' end as x{i}")
            cells.append(_cell(f"x{i}", '<c t="b"><v>', "</v></c>"))
        elif _is_number(kind):
            cells.append(_cell(t, "<c><v>", "</v></c>"))
        elif kind == "VARCHAR" and shared:
            inner.append(f"cast(enum_code(cast({c} as {shared})) as varchar) as x{i}")
            cells.append(_cell(f"x{i}", '<c t="s"><v>', "</v></c>"))
        else:
            escaped = (f"replace(replace(replace(regexp_replace(cast({c} as varchar), '{_CONTROL}', '', 'g'), "
                       "'&', '&amp;'), '<', '&lt;'), '>', '&gt;')")
            is_date = kind in ("DATE", "TIME") or kind.startswith("TIMESTAMP")  # ISO text never needs escaping
            inner.append(f"{t} as x{i}" if is_date else f"{escaped} as x{i}")
            cells.append(_cell(f"x{i}", '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"))
    if not columns:
        return Rendering("1 as nothing", "chr(10)", "'<row/>'")
    return Rendering(", ".join(inner), "concat(" + ", ',', ".join(fields) + ", chr(10))",
                     "concat('<row>', " + ", ".join(cells) + ", '</row>')")


def _cell(text: str, start: str, end: str) -> str:
    """A cell's XML around `text`, or an empty cell when it is null (one concatenation per cell)."""
    return f"case when {text} is null then '<c/>' else concat('{start}', {text}, '{end}') end"


def quoted_columns(cursor: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]]) -> set[str]:
    """The text columns of `table` with a value that CSV must quote (checked once, not per row)."""
    text = [c for c, kind in columns if _is_text(kind)]
    if not text:
        return set()
    checks = ", ".join(f"coalesce(bool_or({_needs_quotes(f'cast({ident(c)} as varchar)')}), false)" for c in text)
    flags = cursor.execute(f"select {checks} from {ident(table)}").fetchall()[0]
    return {c for c, flag in zip(text, flags, strict=True) if flag}


def _needs_quotes(text: str) -> str:
    """SQL: `text` holds a comma, a quote or a line break (four substring tests: cheaper than a regex)."""
    return " or ".join(f"contains({text}, {ch})" for ch in ("','", "'\"'", "chr(10)", "chr(13)"))


def csv_header(columns: list[str]) -> bytes:
    quoted = ('"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\n\r') else c for c in columns)
    return (",".join(quoted) + "\n").encode()


def shared_string_xml(values: list[str]) -> bytes:
    """The shared-strings part holding `values` in order (a cell's index is its value's position)."""
    items = "".join(f'<si><t xml:space="preserve">{escape(re.sub(_CONTROL, "", v))}</t></si>' for v in values)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'uniqueCount="{len(values)}">{items}</sst>').encode()


def row_xml(frame: pd.DataFrame) -> np.ndarray:
    """Each row of a data frame as sheet XML with inline strings, in its row order (one workbook's worth)."""
    if not len(frame) or not frame.shape[1]:
        return np.array([], dtype=object)
    with duckdb.connect() as con:
        source = frame.copy(deep=False)
        source.columns = [f"c{i}" for i in range(frame.shape[1])]
        con.register("source", source)
        kinds = con.execute("select column_name, column_type from (describe source)").fetchall()
        sql = rendering(kinds)
        result = con.execute(f"select {sql.xml} as x from (select {sql.inner} from source)").fetchnumpy()
    return result["x"].astype(object)
