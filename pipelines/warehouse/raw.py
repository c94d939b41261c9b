"""The raw schema as both engines write it: column definitions, period prefixes, and bad values said as input
errors naming file, row and column."""

from __future__ import annotations

import duckdb
import pandas as pd

from ..safe_text import shown
from ..sources import schemas
from ..sources.landing import SourceError
from .base import ident

RAW = "raw"


def ddl(table: str, types: dict[str, str] | None = None) -> str:
    """The column list of a raw table, with the engine's names for the schema's types."""
    return ", ".join(f'{ident(c.name)} {(types or {}).get(c.type, c.type)}' for c in schemas.columns(table))


def period_prefix(source: str, period: str) -> str:
    """The `_source_file` prefix of a period's rows: files sit in `<source>/<period>/` (docs/sources.md)."""
    return f"{source}/{period}/"


def refuse_drift(table: str, existing: list[str]) -> None:
    if existing != schemas.column_names(table):
        raise ValueError(f"raw.{table} has other columns than this version of wellled writes: a period cannot "
                         "be replaced inside it. Run a national refresh (wellled refresh), which recreates it.")


def landing_files_frame(files: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(files, columns=schemas.column_names("landing_files"))


def engine_error(table: str, frame: pd.DataFrame, error: Exception) -> SourceError:
    """The first value of `frame` the raw table's column type cannot hold, as a SourceError naming the file,
    row, column and type; found on a separate in-memory engine (the failed transaction accepts no query)."""
    cols = [c for c in schemas.columns(table) if c.name in frame.columns and c.type != "VARCHAR"]
    lineage = {"_source_file", "_row_number"} <= set(frame.columns)
    with duckdb.connect() as probe:
        probe.register("incoming", frame)
        for c in cols:
            where = f'{ident(c.name)} is not null and try_cast({ident(c.name)} as {c.type}) is null'
            found = probe.execute(f'select {"_source_file, _row_number" if lineage else "null, null"}, '
                                  f'cast({ident(c.name)} as varchar) from incoming where {where} limit 1').fetchall()
            if found:
                file, row, value = found[0]
                return SourceError(file or f"raw.{table}", f"{c.name} '{shown(value)}' cannot be stored as "
                                                            f"{c.type} (out of range or not a {c.type.lower()}).",
                                   row=row, hint="Correct the value in the file and land it again.")
    return SourceError(f"raw.{table}", f"could not be written by the engine: {first_line(error)}",
                       hint="Check the files of this source; the message above names the engine's complaint.")


def first_line(error: Exception, limit: int = 200) -> str:
    """An engine's complaint as a message may quote it: its first line (else its kind), escaped and cut."""
    text = str(error).strip()
    return shown(text.splitlines()[0] if text else type(error).__name__, limit)
