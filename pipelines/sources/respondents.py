"""Respondent-level staff survey files -> raw.staff_survey_respondents, by the DuckDB engine itself.

The files (docs/respondent_format.md) are national in size (about 750,000 rows x 130 columns a year), so
they never pass through pandas: DuckDB's `read_parquet` / `read_csv` copy each file into the raw table
inside one transaction, adding the lineage columns, with DuckDB's `memory_limit` set. Bad input (a file
outside a year folder, an unknown question column, a value that is not an answer code, a year that
disagrees with its folder, two files for one organisation and year) raises SourceError naming the file,
the column or row, and the rule. No Dagster here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import duckdb

from ..safe_text import shown
from . import schemas
from .landing import LandedFile, SourceError

SOURCE = "respondents"
TABLE = "staff_survey_respondents"
REQUIRED = ("org_code", "survey_year", "respondent_id", "occupation_group", "ethnicity_group", "gender",
            "disability")
OPTIONAL = ("directorate",)
_FIX = "See docs/respondent_format.md for the format, correct the file and land it again."


@cache
def question_codes_by_year() -> dict[int, frozenset[str]]:
    """Lower-case question codes a respondent file may hold, per survey year."""
    out: dict[int, set[str]] = {}
    for question in schemas.respondent_questions():
        out.setdefault(question.survey_year, set()).add(question.code)
    return {y: frozenset(c) for y, c in out.items()}


def create_table_sql(table: str = f"raw.{TABLE}", *, types: dict[str, str] | None = None) -> str:
    cols = ", ".join(f'"{c.name}" {(types or {}).get(c.type, c.type)}' for c in schemas.columns(TABLE))
    return f"create table {table} ({cols})"


@dataclass
class Loaded:
    files: list[dict]  # rows of raw.landing_files
    rows: int


def load(con: duckdb.DuckDBPyConnection, files: list[LandedFile], *, loaded_at: dt.datetime | None = None,
         log=lambda _m: None) -> Loaded:
    """Replace raw.staff_survey_respondents with the given files, inside the caller's transaction."""
    loaded_at = loaded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    # Rows carry their file and row number, so their order in the table means nothing: letting DuckDB insert
    # in any order about halves the copy's time and memory.
    con.execute("set preserve_insertion_order = false")
    con.execute("create schema if not exists raw")
    con.execute(f"drop table if exists raw.{TABLE}")
    con.execute(create_table_sql())
    rows = []
    for file in files:
        n = _load_file(con, file, loaded_at)
        rows.append({"source": SOURCE, "period": file.period, "file_kind": "respondents", "path": file.relpath,
                     "sha256": file.sha256, "rows": n})
        log(f"{file.relpath}: respondents, {n} rows")
    duplicate = con.execute(
        f"select org_code, survey_year, min(_source_file), max(_source_file) from raw.{TABLE} "
        "group by org_code, survey_year having min(_source_file) <> max(_source_file) limit 1").fetchall()
    if duplicate:
        org, year, first, second = duplicate[0]
        raise SourceError(second, f"gives respondents of {org} in {year}, already given by {first}.",
                          hint="Remove the stale file from the landing folder.")
    return Loaded(rows, sum(r["rows"] for r in rows))


def _reader(file: LandedFile) -> str:
    path = str(file.path).replace("'", "''")
    if file.path.suffix.lower() == ".parquet":
        return f"read_parquet('{path}', file_row_number = true)"
    return f"read_csv('{path}', header = true, all_varchar = true)"


def _load_file(con: duckdb.DuckDBPyConnection, file: LandedFile, loaded_at: dt.datetime) -> int:
    reader = _reader(file)
    try:
        names = [r[0] for r in con.execute(f"describe select * from {reader}").fetchall()]
    except duckdb.Error as error:
        raise SourceError(file.relpath, f"cannot be read as {file.path.suffix[1:]}: {_first_line(error)}",
                          hint=_FIX) from None
    by_lower = {n.lower(): n for n in names if n != "file_row_number"}
    missing = [c for c in REQUIRED if c not in by_lower]
    if missing:
        raise SourceError(file.relpath, f"lacks the column(s) {', '.join(missing)}.", row=1, hint=_FIX)
    year = int(file.period)
    known = question_codes_by_year().get(year)
    if known is None:
        raise SourceError(file.relpath, f"is for survey year {year}, which the question crosswalk does not know.",
                          hint="Add the year to the question catalogue and rerun "
                               "python -m pipelines.sample_data.crosswalk.")
    unknown = [by_lower[c] for c in by_lower if c not in REQUIRED + OPTIONAL and c not in known]
    if unknown:
        raise SourceError(file.relpath, f"has column(s) {', '.join(unknown[:5])} that are not {year} question codes "
                                        "(the crosswalk lists that year's codes).", row=1, hint=_FIX)
    select = []
    for c in schemas.columns(TABLE):
        if c.name in by_lower:
            select.append(f'cast("{by_lower[c.name]}" as {c.type})')
        elif c.name == "_source_file":
            select.append(_literal(file.relpath))
        elif c.name == "_source_sha256":
            select.append(_literal(file.sha256))
        elif c.name == "_loaded_at":
            select.append(f"cast({_literal(loaded_at.isoformat(sep=' '))} as timestamp)")
        elif c.name == "_row_number":
            # Parquet: 1-based row in the file; CSV: the line as a spreadsheet shows it (header is row 1).
            select.append("cast(file_row_number + 1 as integer)" if file.path.suffix.lower() == ".parquet"
                          else "cast(row_number() over () + 1 as integer)")
        else:
            select.append(f"cast(null as {c.type})")
    try:
        n = con.execute(f"insert into raw.{TABLE} select {', '.join(select)} from {reader}").fetchall()[0][0]
    except duckdb.Error as error:
        raise _first_bad_value(file, reader, by_lower) or SourceError(
            file.relpath, f"could not be copied: {_first_line(error)}", hint=_FIX) from None
    years = [y for (y,) in con.execute(f"select distinct survey_year from raw.{TABLE} where _source_file = ?",
                                       [file.relpath]).fetchall()]
    wrong = [y for y in years if y != year]
    if wrong:
        row = con.execute(f"select min(_row_number) from raw.{TABLE} where _source_file = ? and "
                          "survey_year is distinct from ?", [file.relpath, year]).fetchall()[0][0]
        raise SourceError(file.relpath, f"gives survey_year {wrong[0]} but is in the {year} folder.", row=row,
                          hint="Move the file to its year's folder.")
    return int(n)


def _first_bad_value(file: LandedFile, reader: str, by_lower: dict[str, str]) -> SourceError | None:
    """The first row and column whose value its column's type cannot hold, found in one scan on a separate
    in-memory engine (the failed transaction accepts no further query)."""
    typed = [c for c in schemas.columns(TABLE) if c.name in by_lower and c.type != "VARCHAR"]
    row = "file_row_number + 1" if file.path.suffix.lower() == ".parquet" else "row_number() over () + 1"
    firsts = ", ".join(f'min(case when "{by_lower[c.name]}" is not null and try_cast("{by_lower[c.name]}" as '
                       f'{c.type}) is null then _row end)' for c in typed)
    if not typed:
        return None
    with duckdb.connect() as probe:
        try:
            found = probe.execute(f"select {firsts} from (select {row} as _row, * from {reader})").fetchall()[0]
        except duckdb.Error:
            return None
    bad = [(r, c) for r, c in zip(found, typed, strict=True) if r is not None]
    if not bad:
        return None
    row_number, column = min(bad, key=lambda pair: pair[0])
    return SourceError(file.relpath, f"column {column.name} holds a value that is not a {column.type.lower()} in "
                                     "the column's range.", row=int(row_number), hint=_FIX)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(error: Exception) -> str:
    return shown((str(error).strip().splitlines() or [""])[0], 300)


# --- the gate's inputs, computed by the engine ---------------------------------------------------------
@cache
def answer_code_limits() -> dict[str, int]:
    """Largest answer code of each question column: its response scale's options (60 for nominal questions)."""
    out: dict[str, int] = {}
    for question in schemas.respondent_questions():
        out[question.code] = max(out.get(question.code, 0), question.highest_answer_code)
    return out


def profile_sql(table: str = f"raw.{TABLE}") -> str:
    """One row per file, year and organisation: counts the gate checks (no respondent-level values).

    Range checks are evaluated row by row (vectorised comparisons, one grouped sum), not as a grouped minimum
    and maximum per column, which would be 300 aggregates per organisation.
    """
    questions = [c.name for c in schemas.columns(TABLE) if c.name.startswith("q")]
    limits = answer_code_limits()
    answered = " + ".join(f'count("{q}")' for q in questions)
    outside = " + ".join(f'(case when "{q}" < 1 or "{q}" > {limits.get(q, 60)} then 1 else 0 end)'
                         for q in questions)
    lowest = ", ".join(f'"{q}"' for q in questions)
    return f"""
        select _source_file as source_file, survey_year, org_code,
               count(*) as respondents,
               count(distinct respondent_id) as distinct_respondent_ids,
               count(*) - count(respondent_id) as missing_respondent_ids,
               count(*) filter (where ethnicity_group not in ('white', 'bme', 'not_stated')
                                or ethnicity_group is null) as bad_ethnicity_groups,
               count(*) filter (where gender not in ('female', 'male', 'non_binary', 'self_describe', 'not_stated')
                                or gender is null) as bad_genders,
               count(*) filter (where disability not in ('yes', 'no', 'not_stated')
                                or disability is null) as bad_disabilities,
               count(*) filter (where occupation_group not in {_OCCUPATIONS}) as bad_occupation_groups,
               cast({answered} as bigint) as answers,
               cast(min(least({lowest})) as integer) as min_answer_code,
               cast(sum({outside}) as bigint) as answers_out_of_scale,
               cast(count(occupation_group) as double) / count(*) as occupation_stated_share
        from {table}
        group by _source_file, survey_year, org_code
        order by survey_year, org_code
    """


_OCCUPATIONS = ("('ahp_scientific_technical', 'medical_dental', 'ambulance', 'general_management', "
                "'registered_nurses_midwives', 'nursing_healthcare_assistants', 'social_care', 'admin_clerical', "
                "'estates_ancillary', 'other')")
