"""Respondent-level files -> raw.staff_survey_respondents, copied by DuckDB itself (never through pandas).

DuckDB's `read_parquet` / `read_csv` copy each file into the raw table inside the caller's transaction, adding
the lineage columns, under the connection's `memory_limit`. The file format's rules (which columns, which
years) are `pipelines/sources/respondents.py`'s; the rules that need the rows (a value its column's type
cannot hold, a year that disagrees with the folder, two files for one organisation and year) are checked here,
each refusal a SourceError naming the file, the column or row, and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb

from ..sources import respondents as fmt
from ..sources import schemas
from ..sources.landing import LandedFile, SourceError
from .base import RespondentsLoad, ident, quote
from .raw import RAW, ddl, first_line

TABLE = f"{RAW}.{fmt.TABLE}"


def load(con: duckdb.DuckDBPyConnection, files: list[LandedFile], *, loaded_at: dt.datetime | None = None,
         log: Callable[[str], None] = lambda _m: None) -> RespondentsLoad:
    """Replace raw.staff_survey_respondents with the given files, inside the caller's transaction."""
    loaded_at = loaded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    # Rows carry their file and row number, so their order in the table means nothing: letting DuckDB insert
    # in any order about halves the copy's time and memory.
    con.execute("set preserve_insertion_order = false")
    con.execute(f"create schema if not exists {RAW}")
    con.execute(f"drop table if exists {TABLE}")
    con.execute(f"create table {TABLE} ({ddl(fmt.TABLE)})")
    rows = []
    for file in files:
        n = _load_file(con, file, loaded_at)
        rows.append({"source": fmt.SOURCE, "period": file.period, "file_kind": "respondents", "path": file.relpath,
                     "sha256": file.sha256, "rows": n})
        log(f"{file.relpath}: respondents, {n} rows")
    duplicate = con.execute(
        f"select org_code, survey_year, min(_source_file), max(_source_file) from {TABLE} "
        "group by org_code, survey_year having min(_source_file) <> max(_source_file) limit 1").fetchall()
    if duplicate:
        org, year, first, second = duplicate[0]
        raise SourceError(second, f"gives respondents of {org} in {year}, already given by {first}.",
                          hint="Remove the stale file from the landing folder.")
    return RespondentsLoad(rows, sum(r["rows"] for r in rows))


def _reader(file: LandedFile) -> str:
    if file.path.suffix.lower() == ".parquet":
        return f"read_parquet({quote(str(file.path))}, file_row_number = true)"
    return f"read_csv({quote(str(file.path))}, header = true, all_varchar = true)"


def _row_number(file: LandedFile) -> str:
    """Parquet: 1-based row in the file; CSV: the line as a spreadsheet shows it (header is row 1)."""
    return "file_row_number + 1" if file.path.suffix.lower() == ".parquet" else "row_number() over () + 1"


def _load_file(con: duckdb.DuckDBPyConnection, file: LandedFile, loaded_at: dt.datetime) -> int:
    reader = _reader(file)
    try:
        names = [r[0] for r in con.execute(f"describe select * from {reader}").fetchall()]
    except duckdb.Error as error:
        raise SourceError(file.relpath, f"cannot be read as {file.path.suffix[1:]}: {first_line(error, 300)}",
                          hint=fmt.FIX_HINT) from None
    by_lower = fmt.checked_columns(file, [n for n in names if n != "file_row_number"])
    lineage = {"_source_file": quote(file.relpath), "_source_sha256": quote(file.sha256),
               "_loaded_at": f"cast({quote(loaded_at.isoformat(sep=' '))} as timestamp)",
               "_row_number": f"cast({_row_number(file)} as integer)"}
    select = [f"cast({ident(by_lower[c.name])} as {c.type})" if c.name in by_lower
              else lineage.get(c.name, f"cast(null as {c.type})") for c in schemas.columns(fmt.TABLE)]
    try:
        n = con.execute(f"insert into {TABLE} select {', '.join(select)} from {reader}").fetchall()[0][0]
    except duckdb.Error as error:
        raise _first_bad_value(file, reader, by_lower) or SourceError(
            file.relpath, f"could not be copied: {first_line(error, 300)}", hint=fmt.FIX_HINT) from None
    year = int(file.period)
    years = [y for (y,) in con.execute(f"select distinct survey_year from {TABLE} where _source_file = ?",
                                       [file.relpath]).fetchall()]
    wrong = [y for y in years if y != year]
    if wrong:
        row = con.execute(f"select min(_row_number) from {TABLE} where _source_file = ? and "
                          "survey_year is distinct from ?", [file.relpath, year]).fetchall()[0][0]
        raise SourceError(file.relpath, f"gives survey_year {wrong[0]} but is in the {year} folder.", row=row,
                          hint="Move the file to its year's folder.")
    return int(n)


def _first_bad_value(file: LandedFile, reader: str, by_lower: dict[str, str]) -> SourceError | None:
    """The first row and column whose value its column's type cannot hold, found in one scan on a separate
    in-memory engine (the failed transaction accepts no further query)."""
    typed = [c for c in schemas.columns(fmt.TABLE) if c.name in by_lower and c.type != "VARCHAR"]
    if not typed:
        return None
    firsts = ", ".join(f"min(case when {ident(by_lower[c.name])} is not null and try_cast({ident(by_lower[c.name])} "
                       f"as {c.type}) is null then _row end)" for c in typed)
    with duckdb.connect() as probe:
        try:
            found = probe.execute(f"select {firsts} from (select {_row_number(file)} as _row, * from {reader})"
                                  ).fetchall()[0]
        except duckdb.Error:
            return None
    bad = [(r, c) for r, c in zip(found, typed, strict=True) if r is not None]
    if not bad:
        return None
    row_number, column = min(bad, key=lambda pair: pair[0])
    return SourceError(file.relpath, f"column {column.name} holds a value that is not a {column.type.lower()} in "
                                     "the column's range.", row=int(row_number), hint=fmt.FIX_HINT)
