"""The raw tables: what each source parser returns and ingest writes to the `raw` schema.

One entry per table: column name, DuckDB type, description. The parsers build DataFrames with exactly
these columns (in this order, lineage last); dbt staging, the GX source suites and the Dagster column
metadata all read from here, so a column is described once.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


LINEAGE = (
    Column("_source_file", "VARCHAR", "Landing file the row came from, relative to the landing folder."),
    Column("_source_sha256", "VARCHAR", "SHA-256 of that file's bytes when it was loaded."),
    Column("_loaded_at", "TIMESTAMP", "When this refresh loaded the file (UTC)."),
    Column("_row_number", "INTEGER", "Row in the source file or sheet as a spreadsheet shows it (1-based)."),
)

_ORG_SURVEY_ID = (
    Column("survey_year", "INTEGER", "Survey fieldwork year (autumn); results are published the next March."),
    Column("org_code", "VARCHAR", "Organisation or reporting-unit code as the survey publishes it (e.g. R1F1)."),
)

RAW_TABLES: dict[str, tuple[Column, ...]] = {
    "ods_trusts": (
        Column("org_code", "VARCHAR", "ODS organisation code (R + 2 characters, or a new-style 5-character code)."),
        Column("org_name", "VARCHAR", "Organisation name as ODS publishes it (upper case)."),
        Column("region_code", "VARCHAR", "NHS England region code (Y56..Y63); blank for Welsh trusts."),
        Column("icb_code", "VARCHAR", "High level health geography (ICB) code."),
        Column("postcode", "VARCHAR", "Postcode of the registered address."),
        Column("open_date", "DATE", "Date the organisation opened."),
        Column("close_date", "DATE", "Date the organisation closed; null while open."),
        Column("gor_code", "VARCHAR", "Government office region letter; W for Wales."),
    ),
    "staff_survey_organisations": (
        *_ORG_SURVEY_ID,
        Column("org_name", "VARCHAR", "Organisation name as the survey publishes it."),
        Column("benchmarking_group", "VARCHAR", "Benchmarking group label as published that year."),
        Column("region", "VARCHAR", "NHS England region name; null where not applicable (ICBs, CSUs)."),
        Column("ics", "VARCHAR", "Integrated care system name; null where not applicable."),
        Column("weighting", "VARCHAR", "'Occupation Group' (weighted) or 'Unweighted'."),
    ),
    "staff_survey_scores": (
        *_ORG_SURVEY_ID,
        Column("measure_code", "VARCHAR", "Published code (PP1, PP1_1, E_1, ...); themes as ENGAGEMENT, MORALE."),
        Column("measure_name", "VARCHAR", "Published name of the measure (e.g. 'Burnout')."),
        Column("score", "DOUBLE", "Score 0-10, higher is better; null when suppressed."),
        Column("base_n", "INTEGER", "Number of responses behind the score; null when suppressed."),
        Column("is_suppressed", "BOOLEAN", "True where the file shows '-' (fewer than 10 responses)."),
        Column("_sheet", "VARCHAR", "Sheet the value came from."),
    ),
    "staff_survey_question_options": (
        *_ORG_SURVEY_ID,
        Column("question_code", "VARCHAR", "Question code as published that year (e.g. Q26a, Q16c_3)."),
        Column("question_text", "VARCHAR", "Question text from the sheet's row-1 label."),
        Column("option_order", "INTEGER", "Position of the option within the question (1-based, as published)."),
        Column("option_label", "VARCHAR", "Response option without the '% ' prefix (e.g. 'Strongly agree')."),
        Column("pct", "DOUBLE", "Percentage of respondents choosing the option, 0-100; null when suppressed."),
        Column("base_n", "INTEGER", "Responses to the question; null when suppressed."),
        Column("is_suppressed", "BOOLEAN", "True where the file shows '-' for this option."),
        Column("_sheet", "VARCHAR", "Sheet the value came from."),
    ),
    "staff_survey_national": (
        Column("survey_year", "INTEGER", "Survey fieldwork year (autumn); results are published the next March."),
        Column("base_label", "VARCHAR", "The file's Base column: 'National' (all trusts) on every row."),
        Column("breakdown", "VARCHAR", "Breakdown (Region, Ethnic background (summary), Occupation group, ...); "
                                       "null on the all-trusts row."),
        Column("breakdown_subgroup", "VARCHAR", "Subgroup within the breakdown (e.g. 'White staff'); null on the "
                                                "all-trusts row."),
        Column("weighting", "VARCHAR", "'Organisation Size and Occupation Group' (all trusts) or 'Organisation Size'."),
        Column("result_kind", "VARCHAR",
               "'question' (an option percentage) or 'score' (a theme or People Promise score)."),
        Column("code", "VARCHAR", "Question code as published that year (Q26a) or measure code (PP4_2, ENGAGEMENT)."),
        Column("label_text", "VARCHAR", "Question text or measure name from the sheet's row-1 label."),
        Column("option_order", "INTEGER", "Position of the option within the question (1-based); null for scores."),
        Column("option_label", "VARCHAR", "Response option without the '% ' prefix; 'score' for scores."),
        Column("value", "DOUBLE", "Percentage 0-100 (question option) or score 0-10; null when suppressed."),
        Column("base_n", "INTEGER", "Responses behind the value; null when suppressed."),
        Column("is_suppressed", "BOOLEAN", "True where the file shows '-' (fewer than 10 responses)."),
        Column("_sheet", "VARCHAR", "Sheet the value came from."),
    ),
    "staff_survey_wres": (
        *_ORG_SURVEY_ID,
        Column("benchmarking_group", "VARCHAR", "Benchmark workbook sheet (group label as that workbook spells it)."),
        Column("stem", "VARCHAR", "Variable stem: har_from_pat (WRES 5), har_from_staff (6), equal (7), q16b (8)."),
        Column("ethnicity", "VARCHAR", "'white' (eth_summary_1) or 'bme' (eth_summary_2)."),
        Column("pct", "DOUBLE", "Rate as a percentage 0-100 (the workbook's 0-1 fraction x 100); null when blank."),
        Column("base_n", "INTEGER", "Respondents in the ethnicity group; null when blank."),
        Column("_sheet", "VARCHAR", "Sheet the value came from."),
    ),
    "wres_returns": (
        Column("org_code", "VARCHAR", "Legal trust code (ODS)."),
        Column("reporting_year", "INTEGER", "Year of the 31 March workforce snapshot."),
        Column("indicator", "INTEGER", "WRES indicator number: 1-4 or 9."),
        Column("staff_group", "VARCHAR", "Indicator 1: non_clinical | clinical | medical; 9: voting | non_voting."),
        Column("band", "VARCHAR", "Indicator 1: AfC band or medical grade; 9: executive | non_executive."),
        Column("ethnicity", "VARCHAR", "white | bme | unknown."),
        Column("measure", "VARCHAR",
               "headcount, shortlisted, appointed, entered_disciplinary, accessed_cpd, board_members"),
        Column("count", "BIGINT", "Number of people; a non-negative integer."),
    ),
    "board_registers": (
        Column("org_code", "VARCHAR", "Legal trust code (ODS)."),
        Column("as_at_date", "DATE", "Date the register describes (a quarter end)."),
        Column("post_id", "VARCHAR", "Stable identifier of the board post."),
        Column("member_id", "VARCHAR", "Pseudonymous member identifier; null for a vacant post."),
        Column("role_title", "VARCHAR", "Title of the post as the trust writes it."),
        Column("role_category", "VARCHAR", "chair, chief_executive, executive_director, non_executive_director, ..."),
        Column("is_executive", "BOOLEAN", "Executive post."),
        Column("is_voting", "BOOLEAN", "Voting member of the board."),
        Column("is_interim", "BOOLEAN", "Held on an interim basis."),
        Column("gender", "VARCHAR", "female | male | other | not_stated. Special category: aggregates only."),
        Column("ethnic_category", "VARCHAR", "NHS data dictionary ethnic category. Special category: aggregates only."),
        Column("start_date", "DATE", "Start in this post."),
        Column("end_date", "DATE", "Planned end after the as-at date, or null."),
    ),
    "sickness_absence_rates": (
        Column("month", "DATE", "Data month (first day); the file's DATE (last day of the month) or legacy 2014-APR."),
        Column("org_code", "VARCHAR", "Organisation code as published (ODS: 3 characters for most, 5 for some)."),
        Column("org_name", "VARCHAR", "Organisation name as published."),
        Column("org_type", "VARCHAR", "Organisation type as published (e.g. 'Acute', 'Integrated Care Board')."),
        Column("region_code", "VARCHAR", "The file's region code: NHS England region (current layout) or Health "
                                         "Education England region (legacy series)."),
        Column("region_name", "VARCHAR", "The file's region name (as region_code)."),
        Column("ics_code", "VARCHAR", "Integrated care system code; null in layouts without ICS columns."),
        Column("ics_name", "VARCHAR", "Integrated care system name; null in layouts without ICS columns."),
        Column("fte_days_lost", "DOUBLE", "Full-time-equivalent days lost to sickness absence; null when suppressed."),
        Column("fte_days_available", "DOUBLE", "Full-time-equivalent days available; null when suppressed."),
        Column("rate_pct", "DOUBLE", "Sickness absence rate as published, percent 0-100; null when suppressed."),
        Column("is_suppressed", "BOOLEAN", "True where all three measures are blank (the publisher suppresses "
                                           "organisations with 330 FTE days available or fewer)."),
        Column("layout", "VARCHAR", "Layout recognised: monthly (with ICS columns), monthly_no_ics or legacy "
                                    "(the 2009-2022 long series)."),
    ),
    "cqc_ratings": (
        Column("release_date", "DATE", "Release date of the Latest ratings file (its landing folder)."),
        Column("provider_id", "VARCHAR", "CQC Provider ID; for NHS trusts the 3-character ODS trust code."),
        Column("provider_ods_code", "VARCHAR", "Provider ODS Code as published; null where blank or absent."),
        Column("provider_name", "VARCHAR", "Provider name as published."),
        Column("provider_type", "VARCHAR", "Provider Type: 'NHS Healthcare Organisation' for every kept row."),
        Column("primary_inspection_category", "VARCHAR", "Provider Primary Inspection Category as published."),
        Column("provider_nhs_region", "VARCHAR", "Provider NHS Region as published."),
        Column("service_population_group", "VARCHAR", "Service / Population Group: 'Overall' for every kept row "
                                                      "(the trust-level ratings)."),
        Column("domain", "VARCHAR", "Key question: Overall, Safe, Effective, Caring, Responsive or Well-led."),
        Column("rating", "VARCHAR", "Latest Rating as published (Outstanding, Good, Requires improvement, "
                                    "Inadequate, Insufficient evidence to rate, Not Rated)."),
        Column("rating_publication_date", "DATE", "Publication Date of the rating (ratings are often years old)."),
        Column("report_type", "VARCHAR", "Report Type as published (e.g. 'Provider')."),
        Column("is_inherited", "BOOLEAN", "Inherited Rating (Y/N): true when carried over from a predecessor; "
                                          "null where blank."),
        Column("_sheet", "VARCHAR", "Sheet the row came from."),
    ),
    "fft_responses": (
        Column("month", "DATE", "Data month (first day), from the landing folder."),
        Column("setting", "VARCHAR", "inpatient or ae (accident and emergency), recognised from the workbook."),
        Column("org_code", "VARCHAR", "Trust Code as published: NHS trusts and independent-sector providers."),
        Column("org_name", "VARCHAR", "Trust Name as published."),
        Column("icb_code", "VARCHAR", "ICB Code as published."),
        Column("total_responses", "BIGINT", "Total Responses; null when shown as * (suppressed) or -."),
        Column("total_eligible", "BIGINT", "Total Eligible; null when shown as * or - or blank."),
        Column("pct_positive", "DOUBLE", "Percentage Positive, 0-100 (the file's 0-1 fraction x 100); null at * or -."),
        Column("pct_negative", "DOUBLE", "Percentage Negative, 0-100; null when * or -."),
        Column("very_good", "BIGINT", "Responses 'Very Good'; null when suppressed."),
        Column("good", "BIGINT", "Responses 'Good'; null when suppressed."),
        Column("neither_good_nor_poor", "BIGINT", "Responses 'Neither Good nor Poor'; null when suppressed."),
        Column("poor", "BIGINT", "Responses 'Poor'; null when suppressed."),
        Column("very_poor", "BIGINT", "Responses 'Very Poor'; null when suppressed."),
        Column("dont_know", "BIGINT", "Responses 'Don't Know'; null when suppressed."),
        Column("is_suppressed", "BOOLEAN", "True where the row shows * (fewer than 5 responses, or suppressed so "
                                           "that another cell cannot be worked out)."),
        Column("_sheet", "VARCHAR", "Sheet the value came from."),
    ),
    # One row per landing file seen by a refresh: the source of the manifest's file hashes.
    "landing_files": (
        Column("source", "VARCHAR", "Source name: ods, staff_survey, wres, board, sickness_absence, cqc_ratings, "
                                    "fft."),
        Column("period", "VARCHAR", "Period key from the path (year or as-at date); null for reference data."),
        Column("file_kind", "VARCHAR", "What the file was recognised as (e.g. organisational_results)."),
        Column("path", "VARCHAR", "File path relative to the landing folder."),
        Column("sha256", "VARCHAR", "SHA-256 of the file's bytes."),
        Column("rows", "BIGINT", "Rows the file contributed to its raw table."),
    ),
}

# Respondent-level survey data (docs/respondent_format.md): one column per question code any survey year
# publishes (lower case), holding the 1-based answer code. The codes of each year and the largest answer code
# of each are listed in respondent_questions.csv, written with the dbt crosswalk seeds from the question
# catalogue (python -m pipelines.sample_data.crosswalk) and read here, so ingest needs no dbt file.
RESPONDENT_QUESTIONS = Path(__file__).with_name("respondent_questions.csv")


@dataclass(frozen=True)
class RespondentQuestion:
    survey_year: int
    code: str
    highest_answer_code: int


def respondent_questions() -> tuple[RespondentQuestion, ...]:
    with RESPONDENT_QUESTIONS.open(encoding="utf-8") as handle:
        return tuple(RespondentQuestion(int(row["survey_year"]), row["question_code"], int(row["highest_answer_code"]))
                     for row in csv.DictReader(handle))


def _question_columns() -> tuple[Column, ...]:
    codes = {q.code for q in respondent_questions()}

    def key(code: str) -> tuple:
        m = re.fullmatch(r"q(\d+)([a-z]?)(?:_(\d+))?", code)
        return (int(m.group(1)), m.group(2), int(m.group(3) or 0)) if m else (999, code, 0)

    return tuple(Column(c, "SMALLINT", f"Answer code (1-based option position) to {c.upper()} as published that "
                                       "survey year; null when not answered.") for c in sorted(codes, key=key))


RAW_TABLES["staff_survey_respondents"] = (
    Column("org_code", "VARCHAR", "Reporting unit as the survey publishes it (e.g. RXA, R1F1)."),
    Column("survey_year", "INTEGER", "Survey fieldwork year; equals the file's folder."),
    Column("respondent_id", "VARCHAR", "Pseudonymous respondent id, unique within organisation and year."),
    Column("occupation_group", "VARCHAR", "Occupation group used for weighting; null when not stated."),
    Column("directorate", "VARCHAR", "The trust's own directorate; null where not recorded."),
    Column("ethnicity_group", "VARCHAR", "white | bme | not_stated. Protected: aggregates only."),
    Column("gender", "VARCHAR", "female | male | non_binary | self_describe | not_stated. Protected: aggregates only."),
    Column("disability", "VARCHAR", "yes | no | not_stated. Protected: aggregates only."),
    *_question_columns(),
)
# Respondent columns never shown in previews, samples or check metadata.
RESPONDENT_PROTECTED = frozenset({"ethnicity_group", "gender", "disability", "respondent_id", "directorate"})

# Which raw tables each source fills.
SOURCE_TABLES: dict[str, tuple[str, ...]] = {
    "ods": ("ods_trusts",),
    "staff_survey": ("staff_survey_organisations", "staff_survey_scores", "staff_survey_question_options",
                     "staff_survey_wres", "staff_survey_national"),
    "wres": ("wres_returns",),
    "board": ("board_registers",),
    "sickness_absence": ("sickness_absence_rates",),
    "cqc_ratings": ("cqc_ratings",),
    "fft": ("fft_responses",),
}

# Protected characteristics of named people: never shown in previews, samples or check metadata.
PROTECTED_COLUMNS = frozenset({"gender", "ethnic_category"})


def columns(table: str, *, lineage: bool = True) -> tuple[Column, ...]:
    own = RAW_TABLES[table]
    return own + LINEAGE if lineage and table != "landing_files" else own


def column_names(table: str, *, lineage: bool = True) -> list[str]:
    return [c.name for c in columns(table, lineage=lineage)]
