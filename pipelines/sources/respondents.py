"""Respondent-level staff survey files (docs/respondent_format.md): what a file must hold, and the gate's inputs.

The files are national in size (about 750,000 rows x 130 columns a year), so they never pass through pandas:
the DuckDB engine copies them into raw.staff_survey_respondents itself
(`pipelines/warehouse/duckdb_respondents.py`), checking them by the rules here. Bad input (a file outside a
year folder, a missing column, an unknown question column, a value that is not an answer code, a year that
disagrees with its folder, two files for one organisation and year) raises SourceError naming the file, the
column or row, and the rule. No Dagster here.
"""

from __future__ import annotations

from functools import cache

from . import schemas
from .landing import LandedFile, SourceError

SOURCE = "respondents"
TABLE = "staff_survey_respondents"
REQUIRED = ("org_code", "survey_year", "respondent_id", "occupation_group", "ethnicity_group", "gender",
            "disability")
OPTIONAL = ("directorate",)
FIX_HINT = "See docs/respondent_format.md for the format, correct the file and land it again."


@cache
def question_codes_by_year() -> dict[int, frozenset[str]]:
    """Lower-case question codes a respondent file may hold, per survey year."""
    out: dict[int, set[str]] = {}
    for question in schemas.respondent_questions():
        out.setdefault(question.survey_year, set()).add(question.code)
    return {y: frozenset(c) for y, c in out.items()}


def checked_columns(file: LandedFile, names: list[str]) -> dict[str, str]:
    """The file's column names by their lower-case form, once they pass the format's rules: every required
    column present, and every other one a question code of the file's survey year (its folder)."""
    by_lower = {n.lower(): n for n in names}
    missing = [c for c in REQUIRED if c not in by_lower]
    if missing:
        raise SourceError(file.relpath, f"lacks the column(s) {', '.join(missing)}.", row=1, hint=FIX_HINT)
    year = int(file.period)
    known = question_codes_by_year().get(year)
    if known is None:
        raise SourceError(file.relpath, f"is for survey year {year}, which the question crosswalk does not know.",
                          hint="Add the year to the question catalogue and rerun "
                               "python -m pipelines.sample_data.crosswalk.")
    unknown = [by_lower[c] for c in by_lower if c not in REQUIRED + OPTIONAL and c not in known]
    if unknown:
        raise SourceError(file.relpath, f"has column(s) {', '.join(unknown[:5])} that are not {year} question codes "
                                        "(the crosswalk lists that year's codes).", row=1, hint=FIX_HINT)
    return by_lower


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
