"""Landing files of one source -> DataFrames for its raw tables, with lineage. No Dagster, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import board, ods, schemas, staff_survey, wres
from .landing import LandedFile, discover, refuse_duplicate_keys

_CSV_PARSERS: dict[str, Callable[[LandedFile, dict], list[tuple]]] = {
    "ods": ods.parse, "wres": wres.parse, "board": board.parse,
}


@dataclass
class SourceLoad:
    source: str
    tables: dict[str, pd.DataFrame]
    files: list[dict] = field(default_factory=list)  # rows of raw.landing_files

    @property
    def absent(self) -> bool:
        return not self.files


def load_source(source: str, landing: Path, *, periods: Collection[str] | None = None,
                log: Callable[[str], None] = lambda _: None) -> SourceLoad:
    """Parse every landed file of a source (or only those of `periods`, e.g. {"2024"}: a partitioned ingest).
    Raises SourceError (file, sheet, row, rule) on bad input."""
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    rows: dict[str, list[pd.DataFrame]] = {t: [] for t in schemas.SOURCE_TABLES[source]}
    files, keyed = [], {}
    landed = discover(landing, source)
    if periods is not None:
        landed = [f for f in landed if f.period in set(periods)]
    for file in landed:
        kind, per_table = _parse(file, keyed)
        count = 0
        for table, frame in per_table.items():
            frame = frame.assign(_source_file=file.relpath, _source_sha256=file.sha256, _loaded_at=loaded_at)
            rows[table].append(frame[schemas.column_names(table)])
            count += len(frame)
        files.append({"source": source, "period": file.period, "file_kind": kind, "path": file.relpath,
                      "sha256": file.sha256, "rows": count})
        log(f"{file.relpath}: {kind}, {count} rows")
    tables = {t: pd.concat(frames, ignore_index=True) if frames else _empty(t) for t, frames in rows.items()}
    return SourceLoad(source, tables, files)


def _parse(file: LandedFile, keyed: dict) -> tuple[str, dict[str, pd.DataFrame]]:
    """Each parser emits the raw table's own columns then `_row_number`; ingest adds the other lineage."""
    if file.source == "staff_survey":
        parsed = staff_survey.parse_workbook(file)
        refuse_duplicate_keys(keyed, ("staff_survey", parsed.year, parsed.kind), file.relpath,
                              f"the {parsed.year} {parsed.kind.replace('_', ' ')}")
        return parsed.kind, {t: pd.DataFrame(r, columns=_own_columns(t)) for t, r in parsed.tables.items()}
    table = schemas.SOURCE_TABLES[file.source][0]
    return table, {table: pd.DataFrame(_CSV_PARSERS[file.source](file, keyed), columns=_own_columns(table))}


def _own_columns(table: str) -> list[str]:
    return schemas.column_names(table, lineage=False) + ["_row_number"]


def _empty(table: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in schemas.column_names(table)})
