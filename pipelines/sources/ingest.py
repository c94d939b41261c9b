"""Landing files of one source -> DataFrames for its raw tables, with lineage. No Dagster, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from . import board, columns, cqc_ratings, fft, ods, schemas, sickness_absence, staff_survey, wres
from .landing import LandedFile, SourceError, discover, refuse_duplicate_keys

# Sources whose files each fill one raw table: parse(file, keyed) -> that table's rows.
_TABLE_PARSERS: dict[str, Callable[[LandedFile, dict], list[tuple]]] = {
    "ods": ods.parse, "wres": wres.parse, "board": board.parse,
    "sickness_absence": sickness_absence.parse, "cqc_ratings": cqc_ratings.parse, "fft": fft.parse,
}

# Sources whose contract lets a landed file hold no rows (none yet): elsewhere an empty file is refused, not
# read as "this organisation reported nothing".
MAY_BE_EMPTY: frozenset[str] = frozenset()


@dataclass
class SourceLoad:
    source: str
    tables: dict[str, pd.DataFrame]
    files: list[dict] = field(default_factory=list)  # rows of raw.landing_files
    skipped: list[str] = field(default_factory=list)  # symbolic links and special files found, never read

    @property
    def absent(self) -> bool:
        return not self.files


def load_source(source: str, landing: Path, *, periods: Collection[str] | None = None,
                log: Callable[[str], None] = lambda _: None) -> SourceLoad:
    """Parse every landed file of a source (or only those of `periods`, e.g. {"2024"}: a partitioned ingest).
    Raises SourceError (file, sheet, row, rule) on bad input. `log` gets one line per period, not per file
    (a board refresh lands thousands of files)."""
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    # Rows are gathered as tuples (or Arrow tables, from parsers that build columns) and framed once per table:
    # a DataFrame per file costs more than parsing it.
    rows: dict[str, list[tuple]] = {t: [] for t in schemas.SOURCE_TABLES[source]}
    arrow_tables: dict[str, list[pa.Table]] = {t: [] for t in schemas.SOURCE_TABLES[source]}
    files, keyed, skipped = [], {}, []
    landed = discover(landing, source, skipped)
    if periods is not None:
        landed = [f for f in landed if f.period in set(periods)]
    for file in landed:
        kind, per_table = _parse(file, keyed)
        if not any(per_table.values()) and source not in MAY_BE_EMPTY:
            raise SourceError(file.relpath, "gives no rows: an empty file cannot say what it reports.",
                              hint="Land the complete file, or remove it (an absent file is not an empty one).")
        lineage = (file.relpath, file.sha256, loaded_at)
        for table, parsed in per_table.items():
            if isinstance(parsed, pa.Table):
                arrow_tables[table].append(_with_lineage(table, parsed, lineage))
            else:
                rows[table].extend(row[:-1] + lineage + row[-1:] for row in parsed)  # parsers end with _row_number
        files.append({"source": source, "period": file.period, "file_kind": kind, "path": file.relpath,
                      "sha256": file.sha256, "rows": sum(len(parsed) for parsed in per_table.values())})
    for period in dict.fromkeys(f["period"] for f in files):
        landed_then = [f for f in files if f["period"] == period]
        log(f"{source}/{period or ''}: {len(landed_then)} file(s), {sum(f['rows'] for f in landed_then):,} rows")
    tables = {t: _frame(t, rows[t], arrow_tables[t]) for t in rows}
    return SourceLoad(source, tables, files, skipped)


def _parse(file: LandedFile, keyed: dict) -> tuple[str, dict[str, list[tuple]]]:
    """Each parser emits the raw table's own columns then `_row_number`; ingest adds the other lineage."""
    if file.source == "staff_survey":
        parsed = staff_survey.parse_workbook(file)
        refuse_duplicate_keys(keyed, ("staff_survey", parsed.year, parsed.kind), file.relpath,
                              f"the {parsed.year} {parsed.kind.replace('_', ' ')}")
        return parsed.kind, parsed.tables
    table = schemas.SOURCE_TABLES[file.source][0]
    return table, {table: _TABLE_PARSERS[file.source](file, keyed)}


def _with_lineage(table: str, parsed: pa.Table, lineage: tuple) -> pa.Table:
    """The lineage columns before the parser's last column, _row_number, as in the tuples."""
    lineage_columns = [columns.constant(value, parsed.num_rows) for value in lineage]
    return pa.Table.from_arrays([*parsed.columns[:-1], *lineage_columns, parsed.column(parsed.num_columns - 1)],
                                names=schemas.column_names(table))


def _frame(table: str, rows: list[tuple], arrow_tables: list[pa.Table]) -> pd.DataFrame:
    """The table's rows as the DataFrame pd.DataFrame(rows) would give: a column holding only nulls is an
    object column of None, as from tuples."""
    if arrow_tables:  # a parser gives a table's rows one way
        arrow = pa.concat_tables(arrow_tables)
        arrow = pa.table({name: pa.nulls(len(c)) if c.null_count == len(c) else c
                          for name, c in zip(arrow.column_names, arrow.columns, strict=True)})
        return arrow.to_pandas() if arrow.num_rows else _empty(table)
    return pd.DataFrame(rows, columns=schemas.column_names(table)) if rows else _empty(table)


def _empty(table: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in schemas.column_names(table)})
