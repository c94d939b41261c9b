"""Text that came from a landed file, made safe for where it goes next.

Two destinations need care, and each has one rule here (docs/hostile_input.md):

- a terminal, a log, Dagster's run storage or an alert: `shown()` escapes every control or format
  character (ESC becomes the four characters `\\x1b`, so an escape sequence in a cell cannot retitle a
  window or recolour a line) and cuts long values;
- a published table or Parquet file that an analyst may export and open in a spreadsheet: `neutralise()`
  (and `neutralise_updates()`, the same rule applied by the engine at publication) prefixes text a
  spreadsheet would run as a formula with an apostrophe, so `=HYPERLINK(...)` is shown as text. Raw tables
  keep the original.
"""

from __future__ import annotations

import unicodedata

# Long enough for any code, name or date a message needs to quote; a 50 MB field is cut to this.
MAX_SHOWN_CHARS = 80
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (OWASP, "CSV
# injection"): equals, plus, minus, at, tab and carriage return.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISING_PREFIX = "'"


def escape(text: str) -> str:
    """Every control (Cc) or format (Cf: bidi overrides, zero-width) character as a visible escape."""
    return "".join(_escaped(ch) if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(value: object, limit: int = MAX_SHOWN_CHARS) -> str:
    """A value as a message may quote it: escaped, and cut to `limit` characters (saying how long it was)."""
    text = escape(str(value))
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula, prefixed with an apostrophe; anything else unchanged."""
    return NEUTRALISING_PREFIX + text if text.startswith(FORMULA_PREFIXES) else text


def _starts_like_formula_sql(expression: str) -> str:
    return f"left({expression}, 1) in ({', '.join(f'chr({ord(p)})' for p in FORMULA_PREFIXES)})"


def neutralise_updates(schema: str, text_columns: list[tuple[str, str]]) -> list[str]:
    """UPDATE statements applying `neutralise` to every (table, column) given, touching only the rows that
    need it; for the publication step of either engine, on its copy of the marts."""
    return [f'update {schema}."{table}" set "{column}" = chr({ord(NEUTRALISING_PREFIX)}) || "{column}" '
            f'where {_starts_like_formula_sql(chr(34) + column + chr(34))}' for table, column in text_columns]
