"""The quality gate library: suites load and match the schemas; good data passes; each defect fails with its
severity; warnings do not block; absent sources are skipped; protected values never leave the gate."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines import quality, settings
from pipelines.quality import read_suite, suite_names, validate
from pipelines.quality.suites import REDACTED_COLUMNS, condition_columns, domain_columns, referenced_columns
from pipelines.sources import schemas
from pipelines.sources.ingest import load_source
from pipelines.warehouse import DuckDBWarehouse
from tests.conftest import real_file

RAW_SUITES = {f"raw_{t}": t for tables in schemas.SOURCE_TABLES.values() for t in tables}
PUBLISHED_SUITES = ("dim_organisation", "fct_staff_survey_scores", "fct_wres_indicators", "fct_board_composition",
                    "fct_staff_survey_questions", "fct_staff_survey_question_options", "fct_staff_survey_benchmarks",
                    "fct_staff_survey_score_reconciliation")

# Values that must never appear outside the gate: protected characteristics and member pseudonyms.
SECRET_GENDER = "zz-secret-gender"
SECRET_ETHNIC = "zz-secret-ethnic"
SECRET_MEMBER = "zz-secret-member"

LINEAGE = {"_source_sha256": "0" * 64, "_loaded_at": dt.datetime(2026, 11, 1, 9, 30)}
AS_AT = dt.date(2024, 3, 31)


# ------------------------------------------------------------------ frames, read back through DuckDB as in production

def _duckdb_frame(tmp_path: Path, schema: str, table: str, columns: list[tuple[str, str]], rows: list[dict]):
    db = tmp_path / f"{schema}_{table}.duckdb"
    frame = pd.DataFrame([{name: row.get(name) for name, _ in columns} for row in rows],
                         columns=[name for name, _ in columns], dtype=object)
    con = duckdb.connect(str(db))
    con.execute(f"create schema if not exists {schema}")
    con.execute(f"create or replace table {schema}.{table} ("
                + ", ".join(f'"{name}" {typ}' for name, typ in columns) + ")")
    con.register("frame", frame)
    con.execute(f"insert into {schema}.{table} select * from frame")
    con.close()
    return DuckDBWarehouse(db).read_table(schema, table)


def raw(tmp_path: Path, table: str, rows: list[dict]) -> pd.DataFrame:
    """A raw table as ingest writes it (schemas.py types, lineage filled) and the gate reads it."""
    full = [{"_source_file": f"{table}/file.csv", **LINEAGE, "_row_number": i + 2, **row} for i, row in enumerate(rows)]
    return _duckdb_frame(tmp_path, "raw", table, [(c.name, c.type) for c in schemas.columns(table)], full)


def mart(tmp_path: Path, table: str, rows: list[dict]) -> pd.DataFrame:
    return _duckdb_frame(tmp_path, "marts", table, MART_TYPES[table], rows)


def _types(spec: str) -> list[tuple[str, str]]:
    return [tuple(item.split(":")) for item in spec.split()]


MART_TYPES = {
    "dim_organisation": _types(
        "org_code:VARCHAR org_name:VARCHAR org_kind:VARCHAR legal_org_code:VARCHAR in_ods:BOOLEAN is_open:BOOLEAN "
        "nation:VARCHAR region_code:VARCHAR region_name:VARCHAR icb_code:VARCHAR benchmarking_group_code:VARCHAR "
        "benchmarking_group:VARCHAR open_date:DATE close_date:DATE first_survey_year:INTEGER "
        "latest_survey_year:INTEGER"),
    "fct_staff_survey_scores": _types(
        "org_code:VARCHAR survey_year:INTEGER measure_code:VARCHAR indicator_code:VARCHAR measure_name:VARCHAR "
        "measure_level:VARCHAR parent_measure_code:VARCHAR score:DOUBLE base_n:INTEGER is_suppressed:BOOLEAN "
        "benchmarking_group_code:VARCHAR"),
    "fct_wres_indicators": _types(
        "org_code:VARCHAR reporting_year:INTEGER indicator_code:VARCHAR indicator_number:INTEGER white_value:DOUBLE "
        "bme_value:DOUBLE value:DOUBLE value_unit:VARCHAR ci_lower:DOUBLE ci_upper:DOUBLE is_non_adverse:BOOLEAN "
        "spans_non_adverse_band:BOOLEAN direction_of_good:VARCHAR white_numerator:INTEGER white_denominator:INTEGER "
        "bme_numerator:INTEGER bme_denominator:INTEGER unknown_ethnicity_pct:DOUBLE is_unknown_ethnicity_high:BOOLEAN "
        "survey_year:INTEGER"),
    "fct_staff_survey_questions": _types(
        "org_code:VARCHAR survey_year:INTEGER question_id:VARCHAR question_code:VARCHAR "
        "indicator_code:VARCHAR pct_positive:DOUBLE pct_at_least_once:DOUBLE base_n:INTEGER "
        "is_suppressed:BOOLEAN ci_lower:DOUBLE ci_upper:DOUBLE is_comparable_with_prior:BOOLEAN "
        "is_trend_break:BOOLEAN change_pct_positive:DOUBLE is_change_significant:BOOLEAN is_mapped:BOOLEAN"),
    "fct_staff_survey_question_options": _types(
        "org_code:VARCHAR survey_year:INTEGER question_id:VARCHAR option_order:INTEGER question_code:VARCHAR "
        "option_label:VARCHAR pct:DOUBLE base_n:INTEGER is_suppressed:BOOLEAN is_favourable:BOOLEAN"),
    "fct_staff_survey_benchmarks": _types(
        "geography_level:VARCHAR geography_code:VARCHAR survey_year:INTEGER result_kind:VARCHAR code:VARCHAR "
        "indicator_code:VARCHAR organisation_count:INTEGER min_value:DOUBLE p25_value:DOUBLE "
        "median_value:DOUBLE p75_value:DOUBLE max_value:DOUBLE"),
    "fct_staff_survey_score_reconciliation": _types(
        "org_code:VARCHAR survey_year:INTEGER measure_code:VARCHAR published_score:DOUBLE "
        "recomputed_score:DOUBLE abs_difference:DOUBLE reconciliation_status:VARCHAR "
        "outside_tolerance_label:VARCHAR is_reconcilable:BOOLEAN"),
    "fct_board_composition": _types(
        "org_code:VARCHAR as_at_date:DATE board_size:INTEGER voting_members:INTEGER executive_members:INTEGER "
        "non_executive_members:INTEGER vacant_posts:INTEGER interim_posts:INTEGER women_pct:DOUBLE "
        "women_pct_voting:DOUBLE is_gender_parity:BOOLEAN bme_pct_voting:DOUBLE bme_pct_executive:DOUBLE "
        "bme_pct_non_executive:DOUBLE wres9_gap_pp:DOUBLE ceo_tenure_days:INTEGER chair_tenure_days:INTEGER "
        "ceo_changes_3y:INTEGER exec_appointed_12m_pct:DOUBLE"),
}


def good_rows(suite: str) -> list[dict]:
    """Small, realistic rows that meet every expectation of the suite."""
    org = {"survey_year": 2024, "org_code": "RXA"}
    if suite == "raw_ods_trusts":
        return [
            dict(org_code="RXA", org_name="EXAMPLE HOSPITALS NHS TRUST", region_code="Y56", icb_code="QMJ",
                 postcode="NW1 0PE", open_date=dt.date(1994, 4, 1), close_date=None, gor_code="H"),
            dict(org_code="G6V2S", org_name="NEW STYLE NHS TRUST", region_code="Y62", icb_code="QOP",
                 postcode="M13 9WL", open_date=dt.date(2024, 4, 1), close_date=dt.date(2026, 6, 30), gor_code="B"),
            dict(org_code="RQF", org_name="VELINDRE UNIVERSITY NHS TRUST", region_code=None, icb_code=None,
                 postcode="CF15 7QZ", open_date=dt.date(1994, 4, 1), close_date=None, gor_code="W"),
        ]
    if suite == "raw_staff_survey_organisations":
        return [
            dict(org, org_name="Example Hospitals NHS Trust", benchmarking_group="Acute and Acute & Community Trusts",
                 region="London", ics="North Central London", weighting="Occupation Group"),
            dict(org, org_code="R1F1", org_name="Isle of Wight NHS Trust (acute)",
                 benchmarking_group="Acute and Acute & Community Trusts", region="South East",
                 ics="Hampshire and Isle of Wight", weighting="Occupation Group"),
            dict(org, org_code="QMJ", org_name="NHS North Central London ICB", benchmarking_group="ICBs", region=None,
                 ics=None, weighting="Unweighted"),
        ]
    if suite == "raw_staff_survey_scores":
        return [
            dict(org, measure_code="PP4_2", measure_name="Burnout", score=5.1, base_n=1500, is_suppressed=False,
                 _sheet="PEOPLE PROMISE ELEMENTS"),
            dict(org, measure_code="PP4", measure_name="We are safe and healthy", score=6.0, base_n=1510,
                 is_suppressed=False, _sheet="PEOPLE PROMISE ELEMENTS"),
            dict(org, measure_code="ENGAGEMENT", measure_name="Staff Engagement", score=6.9, base_n=1520,
                 is_suppressed=False, _sheet="THEMES"),
            dict(org, measure_code="M_1", measure_name="Thinking about leaving", score=None, base_n=None,
                 is_suppressed=True, _sheet="THEMES"),
        ]
    if suite == "raw_staff_survey_question_options":
        q26a = dict(org, question_code="Q26a", question_text="I often think about leaving this organisation.",
                    base_n=1490, is_suppressed=False, _sheet="YOUR ORGANISATION Q25-26")
        options = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
        rows = [dict(q26a, option_order=i + 1, option_label=o, pct=p)
                for i, (o, p) in enumerate(zip(options, [20.5, 30.0, 19.5, 18.0, 12.0], strict=True))]
        rows.append(dict(org, question_code="Q16c_3", question_text="Religion", option_order=1, option_label="Yes",
                         pct=None, base_n=None, is_suppressed=True, _sheet="HEALTH WELLBEING SAFETY Q15-17"))
        return rows
    if suite == "raw_staff_survey_wres":
        return [dict(org, benchmarking_group="Acute&Acute Community Trusts", stem=s, ethnicity=e, pct=p, base_n=n,
                     _sheet="Acute&Acute Community Trusts")
                for s, e, p, n in [("har_from_pat", "white", 23.5, 1200), ("har_from_pat", "bme", 28.6, 300),
                                   ("q16b", "white", 6.8, 1190), ("q16b", "bme", None, None)]]
    if suite == "raw_wres_returns":
        wres = {"org_code": "RXA", "reporting_year": 2025}
        return [
            dict(wres, indicator=1, staff_group="clinical", band="band_5", ethnicity="white", measure="headcount",
                 count=400),
            dict(wres, indicator=1, staff_group="clinical", band="band_5", ethnicity="bme", measure="headcount",
                 count=150),
            dict(wres, indicator=1, staff_group="medical", band="consultant", ethnicity="unknown",
                 measure="headcount", count=0),
            dict(wres, indicator=2, ethnicity="white", measure="shortlisted", count=900),
            dict(wres, indicator=2, ethnicity="white", measure="appointed", count=120),
            dict(wres, indicator=3, ethnicity="bme", measure="entered_disciplinary", count=4),
            dict(wres, indicator=4, ethnicity="bme", measure="accessed_cpd", count=230),
            dict(wres, indicator=9, staff_group="voting", band="executive", ethnicity="bme", measure="board_members",
                 count=1),
        ]
    if suite == "raw_board_registers":
        post = dict(org_code="RXA", as_at_date=AS_AT, is_interim=False, end_date=None)
        return [
            dict(post, post_id="P01", member_id="M001", role_title="Chair", role_category="chair", is_executive=False,
                 is_voting=True, gender="female", ethnic_category="A", start_date=dt.date(2021, 6, 1)),
            dict(post, post_id="P02", member_id="M002", role_title="Chief Executive", role_category="chief_executive",
                 is_executive=True, is_voting=True, gender="male", ethnic_category="H", start_date=dt.date(2019, 1, 7),
                 end_date=dt.date(2024, 9, 30)),
            dict(post, post_id="P03", member_id="M003", role_title="Associate NED",
                 role_category="associate_non_executive_director", is_executive=False, is_voting=False,
                 gender="not_stated", ethnic_category="99", start_date=AS_AT),
            dict(post, post_id="P04", member_id=None, role_title="Non-executive Director",
                 role_category="non_executive_director", is_executive=False, is_voting=True, gender=None,
                 ethnic_category=None, start_date=None),
        ]
    if suite == "raw_sickness_absence_rates":
        month = dict(month=dt.date(2024, 6, 1), org_type="Acute", region_code="Y56", region_name="London",
                     ics_code="QMJ", ics_name="North Central London", layout="monthly")
        return [
            dict(month, org_code="RXA", org_name="EXAMPLE HOSPITALS NHS TRUST", fte_days_lost=4650.0,
                 fte_days_available=100000.0, rate_pct=4.65, is_suppressed=False),
            dict(month, org_code="RXA", org_name="EXAMPLE HOSPITALS NHS TRUST", fte_days_lost=4200.0,
                 fte_days_available=100000.0, rate_pct=4.2, is_suppressed=False, layout="legacy",
                 ics_code=None, ics_name=None),
            dict(month, org_code="G6V2S", org_name="NEW STYLE NHS TRUST", fte_days_lost=None,
                 fte_days_available=None, rate_pct=None, is_suppressed=True),
        ]
    if suite == "raw_cqc_ratings":
        provider = dict(release_date=dt.date(2026, 9, 1), provider_id="RXA", provider_ods_code="RXA",
                        provider_name="Example Hospitals NHS Trust", provider_type="NHS Healthcare Organisation",
                        primary_inspection_category="NHS Trust", provider_nhs_region="London",
                        service_population_group="Overall", report_type="Provider", is_inherited=False,
                        _sheet="Providers")
        return [
            dict(provider, domain="Overall", rating="Requires improvement",
                 rating_publication_date=dt.date(2023, 2, 14)),
            dict(provider, domain="Well-led", rating="Good", rating_publication_date=dt.date(2023, 2, 14)),
            dict(provider, domain="Caring", rating="Insufficient evidence to rate",
                 rating_publication_date=dt.date(2019, 5, 2), is_inherited=None),
        ]
    if suite == "raw_fft_responses":
        month = dict(month=dt.date(2024, 6, 1), org_code="RXA", org_name="Example Hospitals NHS Trust",
                     icb_code="QMJ", _sheet="Trusts")
        return [
            dict(month, setting="inpatient", total_responses=1000, total_eligible=4000, pct_positive=94.0,
                 pct_negative=2.0, very_good=800, good=140, neither_good_nor_poor=30, poor=15, very_poor=5,
                 dont_know=10, is_suppressed=False),
            dict(month, setting="ae", total_responses=None, total_eligible=None, pct_positive=None,
                 pct_negative=None, very_good=None, good=None, neither_good_nor_poor=None, poor=None,
                 very_poor=None, dont_know=None, is_suppressed=True),
        ]
    if suite == "dim_organisation":
        return [
            dict(org_code="RXA", org_name="Example Hospitals NHS Trust", org_kind="trust", legal_org_code="RXA",
                 in_ods=True, is_open=True, nation="England", region_code="Y56", region_name="London",
                 icb_code="QMJ", benchmarking_group_code="acute",
                 benchmarking_group="Acute and Acute & Community Trusts",
                 open_date=dt.date(1994, 4, 1), close_date=None, first_survey_year=2021, latest_survey_year=2024),
            dict(org_code="R1F1", org_name="Isle of Wight (acute)", org_kind="split_unit", legal_org_code="R1F",
                 in_ods=False, is_open=None, nation="England", region_code="Y59", first_survey_year=2024,
                 latest_survey_year=2024),
        ]
    if suite == "fct_staff_survey_scores":
        return [
            dict(org_code="RXA", survey_year=2024, measure_code="PP4_2", indicator_code="nss_pp4_2",
                 measure_name="Burnout", measure_level="sub_score", parent_measure_code="PP4", score=5.1, base_n=1500,
                 is_suppressed=False, benchmarking_group_code="acute"),
            dict(org_code="RXA", survey_year=2024, measure_code="M_1", indicator_code="nss_m_1",
                 measure_name="Thinking about leaving", measure_level="sub_score", parent_measure_code="MORALE",
                 score=None, base_n=None, is_suppressed=True, benchmarking_group_code="acute"),
        ]
    if suite == "fct_wres_indicators":
        base = dict(org_code="RXA", reporting_year=2025, value_unit="ratio", direction_of_good="closer_to_1",
                    unknown_ethnicity_pct=4.0, is_unknown_ethnicity_high=False)
        return [
            dict(base, indicator_code="wres_2", indicator_number=2, white_value=46.99, bme_value=14.65, value=3.2,
                 ci_lower=2.5, ci_upper=4.1, is_non_adverse=False, spans_non_adverse_band=False,
                 white_numerator=470, white_denominator=1000, bme_numerator=44, bme_denominator=300),
            dict(base, indicator_code="wres_8", indicator_number=8, white_value=6.77, bme_value=15.2, value=8.43,
                 value_unit="percentage_points", direction_of_good="lower", ci_lower=4.0, ci_upper=12.9,
                 white_numerator=80, white_denominator=1190, bme_numerator=45, bme_denominator=296, survey_year=2024,
                 unknown_ethnicity_pct=12.5, is_unknown_ethnicity_high=True),
            dict(base, indicator_code="wres_9", indicator_number=9, white_value=None, bme_value=None, value=-5.0,
                 value_unit="percentage_points", direction_of_good="at_least_0"),
        ]
    if suite == "fct_board_composition":
        return [dict(org_code="RXA", as_at_date=AS_AT, board_size=14, voting_members=12, executive_members=6,
                     non_executive_members=8, vacant_posts=1, interim_posts=2, women_pct=50.0,
                     women_pct_voting=41.7, is_gender_parity=False, bme_pct_voting=16.7, bme_pct_executive=16.7,
                     bme_pct_non_executive=12.5, wres9_gap_pp=-8.3, ceo_tenure_days=1910, chair_tenure_days=1034,
                     ceo_changes_3y=0, exec_appointed_12m_pct=16.7)]
    if suite == "raw_staff_survey_national":
        base = dict(survey_year=2024, base_label="National", weighting="Organisation Size", _sheet="THEMES")
        return [
            dict(base, breakdown=None, breakdown_subgroup=None, weighting="Organisation Size and Occupation Group",
                 result_kind="score", code="PP1", label_text="We are compassionate and inclusive", option_order=None,
                 option_label="score", value=7.28, base_n=744358, is_suppressed=False),
            dict(base, breakdown="Ethnic background (summary)", breakdown_subgroup="White staff",
                 result_kind="question",
                 code="Q14a", label_text="Harassment from patients", option_order=1, option_label="Never", value=76.5,
                 base_n=530727, is_suppressed=False, _sheet="HEALTH WELLBEING SAFETY Q13-14"),
            dict(base, breakdown="Region", breakdown_subgroup="London", result_kind="question", code="Q16c_3",
                 label_text="Religion", option_order=1, option_label="Religion", value=None, base_n=None,
                 is_suppressed=True, _sheet="HEALTH WELLBEING SAFETY Q15-17"),
        ]
    if suite == "fct_staff_survey_questions":
        row = dict(org_code="RXA", survey_year=2024, question_id="q26a_leave", question_code="Q26a",
                   indicator_code="nss_q26a_leave", pct_positive=55.0, pct_at_least_once=None, base_n=1000,
                   is_suppressed=False, ci_lower=51.9, ci_upper=58.1, is_comparable_with_prior=True,
                   is_trend_break=False, change_pct_positive=-5.0, is_change_significant=True, is_mapped=True)
        return [row, dict(row, org_code="NAX", pct_positive=None, base_n=None, is_suppressed=True, ci_lower=None,
                          ci_upper=None, change_pct_positive=None, is_change_significant=None)]
    if suite == "fct_staff_survey_question_options":
        row = dict(org_code="RXA", survey_year=2024, question_id="q26a_leave", option_order=1, question_code="Q26a",
                   option_label="Strongly disagree", pct=20.5, base_n=1000, is_suppressed=False, is_favourable=True)
        return [row, dict(row, org_code="NAX", pct=None, base_n=None, is_suppressed=True)]
    if suite == "fct_staff_survey_benchmarks":
        return [dict(geography_level="national", geography_code="ENG", survey_year=2024, result_kind="score",
                     code="PP1", indicator_code="nss_pp1", organisation_count=210, min_value=6.5, p25_value=7.1,
                     median_value=7.3, p75_value=7.4, max_value=7.9)]
    if suite == "fct_staff_survey_score_reconciliation":
        row = dict(org_code="RXA", survey_year=2024, measure_code="PP1_1", published_score=7.07, recomputed_score=7.06,
                   abs_difference=0.01, reconciliation_status="within_tolerance", outside_tolerance_label=None,
                   is_reconcilable=True)
        return [row, dict(row, measure_code="PP4_1", recomputed_score=6.8, abs_difference=0.27,
                          reconciliation_status="not_reconcilable", is_reconcilable=False)]
    raise AssertionError(f"no good rows for {suite}")


def frame(tmp_path: Path, suite: str, rows: list[dict] | None = None) -> pd.DataFrame:
    rows = good_rows(suite) if rows is None else rows
    if suite in RAW_SUITES:
        return raw(tmp_path, RAW_SUITES[suite], rows)
    return mart(tmp_path, suite, rows)


def failures(outcome, expectation: str, column: str | None = None):
    return [f for f in outcome.failed if f.expectation == expectation and (column is None or f.column == column)]


# ------------------------------------------------------------------ the suite files

def test_suite_list_is_one_per_raw_table_and_published_table():
    """Every raw table has its suite, and every other suite gates a published mart that dbt builds."""
    names = set(suite_names())
    assert set(RAW_SUITES) <= names
    marts = {p.stem for p in (settings.DBT_PROJECT_DIR / "models" / "marts").rglob("*.sql")}
    for name in names - set(RAW_SUITES):
        assert read_suite(name).layer == "published" and name in marts, name


@pytest.mark.parametrize("name", sorted(set(RAW_SUITES) | set(PUBLISHED_SUITES)))
def test_suite_loads_in_gx_with_severity_and_description(name):
    spec = read_suite(name)
    suite = quality.load_suite(name)
    assert len(suite.expectations) == len(spec.expectations) >= 3  # the columns, privacy and a rule of its own
    for exp in suite.expectations:
        assert str(getattr(exp.severity, "value", exp.severity)) in ("critical", "warning")
        assert exp.description
    severities = {e["severity"] for e in spec.expectations}
    assert "critical" in severities


@pytest.mark.parametrize("name", sorted(RAW_SUITES))
def test_raw_suite_matches_schemas_py(name):
    spec = read_suite(name)
    table = RAW_SUITES[name]
    assert spec.table == table
    known = set(schemas.column_names(table))
    for exp in spec.expectations:
        unknown = referenced_columns(exp["kwargs"]) - known
        assert not unknown, f"{name}: {exp['type']} reads columns not in schemas.py: {unknown}"
    (schema_check,) = [e for e in spec.expectations if e["type"] == "expect_table_columns_to_match_set"]
    assert schema_check["kwargs"]["column_set"] == schemas.column_names(table)
    assert schema_check["kwargs"]["exact_match"] is True
    assert schema_check["severity"] == "critical"
    assert set(spec.sample_columns) <= known and not set(spec.sample_columns) & REDACTED_COLUMNS


@pytest.mark.parametrize("name", PUBLISHED_SUITES)
def test_published_suite_reads_contract_columns_and_proves_privacy(name):
    spec = read_suite(name)
    (contract,) = [e for e in spec.expectations if e["type"] == "expect_table_columns_to_match_set"]
    assert contract["kwargs"]["exact_match"] is False  # later issues add columns
    assert {name for name, _ in MART_TYPES[name]} == set(contract["kwargs"]["column_set"])
    for exp in spec.expectations:
        assert referenced_columns(exp["kwargs"]) <= set(contract["kwargs"]["column_set"]), exp
    (privacy,) = [e for e in spec.expectations if e["type"] == "expect_table_columns_to_not_contain"]
    assert set(privacy["kwargs"]["column_set"]) == REDACTED_COLUMNS and privacy["severity"] == "critical"


def test_condition_and_domain_columns_are_found():
    kwargs = {"column": "gender", "row_condition": {"type": "and", "conditions": [
        {"column": {"name": "member_id"}, "is_null": True, "type": "nullity"},
        {"column": {"name": "org_code"}, "operator": "==", "parameter": "RXA", "type": "comparison"}]}}
    assert domain_columns(kwargs) == ["gender"]
    assert condition_columns(kwargs) == {"member_id", "org_code"}
    assert domain_columns({"column_A": "a", "column_B": "b"}) == ["a", "b"]


def test_invalid_suite_is_refused(tmp_path, monkeypatch):
    bad = {"name": "raw_bad", "meta": {"wellled": {"layer": "raw", "table": "t", "sample_columns": []}},
           "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"},
                             "severity": "fatal", "description": "x"}]}
    (tmp_path / "raw_bad.json").write_text(json.dumps(bad))
    monkeypatch.setattr("pipelines.settings.EXPECTATIONS_DIR", tmp_path)
    with pytest.raises(ValueError, match="severity"):
        read_suite("raw_bad")
    bad["expectations"][0].update(severity="critical", kwargs={"colum": "x"})  # a typo GX would only log
    (tmp_path / "raw_bad.json").write_text(json.dumps(bad))
    with pytest.raises(ValueError, match="did not load"):
        quality.load_suite("raw_bad")


# ------------------------------------------------------------------ good data passes

@pytest.mark.parametrize("name", sorted(set(RAW_SUITES) | set(PUBLISHED_SUITES)))
def test_good_frame_passes(tmp_path, name):
    outcome = validate(name, frame(tmp_path, name))
    assert outcome.failed == [], outcome.summary()
    assert outcome.status == "passed" and not outcome.blocking
    assert outcome.evaluated == len(read_suite(name).expectations)
    assert outcome.rows == len(good_rows(name))
    assert "passed" in outcome.summary()


def test_validation_leaves_no_data_in_the_gx_engine(tmp_path):
    """GX's engine would keep each gate's frame and every metric it computed until the process ends: over a
    refresh, hundreds of MB. A passing suite and a failing one (validated twice) both leave it empty, and no
    filtered copy of the frame is kept either."""
    from pipelines.quality import _gx

    rows = good_rows("raw_staff_survey_scores")
    for data in (rows, [*rows, rows[0]]):
        validate("raw_staff_survey_scores", frame(tmp_path, "raw_staff_survey_scores", data))
        engine = _gx.context().data_sources.get(_gx.DATASOURCE).get_execution_engine()
        assert not engine._metric_cache and not engine.batch_manager.batch_data_cache
        assert not engine.batch_manager.batch_cache
        assert not _gx._STATE["filtered"]  # the frame's copies filtered by row condition


def test_validated_frames_are_not_hashed_and_a_second_frame_is_still_validated(tmp_path):
    """GX would hash each frame (twice per validation) for a Data Docs marker; wellled turns that off. The
    batch's identity never depended on the hash: a bad frame after a good one, same suite, still fails."""
    rows = good_rows("raw_staff_survey_scores")
    good = validate("raw_staff_survey_scores", frame(tmp_path, "raw_staff_survey_scores", rows))
    bad = validate("raw_staff_survey_scores", frame(tmp_path, "raw_staff_survey_scores", [*rows, rows[0]]))
    assert (good.status, bad.status) == ("passed", "failed")
    for outcome in (good, bad):
        markers = outcome.gx_result.meta["batch_markers"]
        assert "ge_load_time" in markers and "pandas_data_fingerprint" not in markers


# ------------------------------------------------------------------ each defect fails with its severity

def test_duplicate_key_is_critical(tmp_path):
    rows = good_rows("raw_staff_survey_scores")
    outcome = validate("raw_staff_survey_scores", frame(tmp_path, "raw_staff_survey_scores", [*rows, rows[0]]))
    assert outcome.status == "failed" and outcome.blocking
    (dup,) = failures(outcome, "expect_compound_columns_to_be_unique")
    assert dup.severity == "critical" and dup.unexpected_count == 2
    assert dup.column == "survey_year, org_code, measure_code"
    assert {s["measure_code"] for s in dup.sample} == {"PP4_2"} and {s["_row_number"] for s in dup.sample} == {2, 6}


def test_duplicate_key_with_blank_columns_is_found(tmp_path):
    rows = good_rows("raw_wres_returns")
    duplicate = dict(rows[3])  # indicator 2: staff_group and band are blank
    outcome = validate("raw_wres_returns", frame(tmp_path, "raw_wres_returns", [*rows, duplicate]))
    assert [f.severity for f in failures(outcome, "expect_compound_columns_to_be_unique")] == ["critical"]


def test_out_of_range_percentage_is_critical(tmp_path):
    rows = good_rows("raw_staff_survey_question_options")
    rows[0]["pct"] = 0.205 * 1000  # e.g. a fraction scaled twice
    outcome = validate("raw_staff_survey_question_options", frame(tmp_path, "raw_staff_survey_question_options", rows))
    (bad,) = failures(outcome, "expect_column_values_to_be_between", "pct")
    assert bad.severity == "critical" and outcome.blocking
    assert bad.sample == [{"survey_year": 2024, "org_code": "RXA", "question_code": "Q26a", "option_order": 1,
                           "_source_file": "staff_survey_question_options/file.csv",
                           "_sheet": "YOUR ORGANISATION Q25-26", "_row_number": 2, "pct": 205.0}]


def test_bad_code_is_critical(tmp_path):
    rows = good_rows("raw_wres_returns")
    rows[0]["org_code"] = "rxa!"
    rows[1]["measure"] = "hired"
    outcome = validate("raw_wres_returns", frame(tmp_path, "raw_wres_returns", rows))
    assert [f.severity for f in failures(outcome, "expect_column_values_to_match_regex", "org_code")] == ["critical"]
    # "hired" is no known measure, and not one of its indicator's own measures either
    assert [f.severity for f in failures(outcome, "expect_column_values_to_be_in_set", "measure")] == ["critical"] * 2
    assert outcome.status == "failed"


def test_null_key_is_critical(tmp_path):
    rows = good_rows("raw_staff_survey_organisations")
    rows[1]["org_code"] = None
    outcome = validate("raw_staff_survey_organisations", frame(tmp_path, "raw_staff_survey_organisations", rows))
    (null,) = failures(outcome, "expect_column_values_to_not_be_null", "org_code")
    assert null.severity == "critical" and null.unexpected_count == 1 and outcome.blocking


def test_implausible_year_and_date_are_critical(tmp_path):
    next_year = dt.date.today().year + 1
    rows = good_rows("raw_staff_survey_scores")
    rows[0]["survey_year"] = next_year + 1
    outcome = validate("raw_staff_survey_scores", frame(tmp_path, "raw_staff_survey_scores", rows))
    (year,) = failures(outcome, "expect_column_values_to_be_between", "survey_year")
    assert year.severity == "critical"
    rows[0]["survey_year"] = next_year  # the end of the window is still plausible
    assert validate("raw_staff_survey_scores", frame(tmp_path, "raw_staff_survey_scores", rows)).status == "passed"
    board = good_rows("raw_board_registers")
    for row in board:
        row["as_at_date"] = dt.date(2009, 12, 31)
        row["start_date"] = None
    outcome = validate("raw_board_registers", frame(tmp_path, "raw_board_registers", board))
    assert [f.severity for f in failures(outcome, "expect_column_values_to_be_between", "as_at_date")] == ["critical"]


def test_suppression_must_agree_with_values(tmp_path):
    rows = good_rows("raw_staff_survey_scores")
    rows[3]["score"] = 4.2  # flagged suppressed but has a score
    rows[0]["is_suppressed"] = None
    outcome = validate("raw_staff_survey_scores", frame(tmp_path, "raw_staff_survey_scores", rows))
    assert [f.severity for f in failures(outcome, "expect_column_values_to_be_null", "score")] == ["critical"]
    assert [f.severity for f in failures(outcome, "expect_column_values_to_not_be_null", "is_suppressed")] == [
        "critical"]


def test_published_interval_must_contain_its_estimate(tmp_path):
    rows = good_rows("fct_wres_indicators")
    rows[0]["value"] = 5.0  # outside 2.5..4.1
    outcome = validate("fct_wres_indicators", frame(tmp_path, "fct_wres_indicators", rows))
    (bad,) = failures(outcome, "expect_column_pair_values_a_to_be_greater_than_b", "ci_upper, value")
    assert bad.severity == "critical" and outcome.blocking
    assert bad.sample[0]["indicator_code"] == "wres_2"


def test_published_privacy_gates(tmp_path):
    rows = good_rows("fct_staff_survey_scores")
    rows[1]["score"] = 3.3  # suppressed row published with a value
    rows[0]["base_n"] = 7  # a score from fewer than 10 responses
    outcome = validate("fct_staff_survey_scores", frame(tmp_path, "fct_staff_survey_scores", rows))
    assert [f.severity for f in failures(outcome, "expect_column_values_to_be_null", "score")] == ["critical"]
    assert [f.severity for f in failures(outcome, "expect_column_values_to_be_between", "base_n")] == ["critical"]

    board = frame(tmp_path, "fct_board_composition").assign(gender=SECRET_GENDER)
    outcome = validate("fct_board_composition", board)
    (leak,) = failures(outcome, "expect_table_columns_to_not_contain")
    assert leak.severity == "critical" and outcome.blocking
    assert leak.observed == "observed: ['gender']"  # the column's name, not its values
    assert SECRET_GENDER not in outcome.summary() + json.dumps(outcome.to_metadata())


def test_missing_contract_column_is_critical_but_extra_columns_are_fine(tmp_path):
    df = frame(tmp_path, "dim_organisation")
    assert validate("dim_organisation", df.assign(new_column=1)).status == "passed"
    outcome = validate("dim_organisation", df.drop(columns=["org_kind"]))
    (schema,) = failures(outcome, "expect_table_columns_to_match_set")
    assert schema.severity == "critical" and "org_kind" in schema.observed


def test_an_expectation_that_errors_fails_with_its_severity(tmp_path):
    df = frame(tmp_path, "raw_staff_survey_scores").astype({"score": object})
    df.loc[0, "score"] = "high"  # a parser that let text through: comparing it with 0..10 raises inside GX
    outcome = validate("raw_staff_survey_scores", df)
    (bad,) = failures(outcome, "expect_column_values_to_be_between", "score")
    assert bad.severity == "critical" and outcome.blocking
    assert bad.observed.startswith("error: ")


# ------------------------------------------------------------------ warnings record but do not block

def test_warning_only_failure_does_not_block(tmp_path):
    rows = good_rows("raw_staff_survey_scores")
    rows[0]["base_n"] = 7  # published score on fewer than 10 responses: odd, but the publisher's call
    outcome = validate("raw_staff_survey_scores", frame(tmp_path, "raw_staff_survey_scores", rows))
    assert outcome.gx_result.success is False  # GX says unsuccessful ...
    assert outcome.status == "warning" and not outcome.blocking  # ... the gate reads severity
    assert [f.severity for f in outcome.failed] == ["warning"]
    assert "does not block" in outcome.summary()


def test_empty_present_table_warns(tmp_path):
    outcome = validate("raw_wres_returns", frame(tmp_path, "raw_wres_returns", []))
    assert outcome.status == "warning" and outcome.rows == 0
    assert [f.expectation for f in outcome.failed] == ["expect_table_row_count_to_be_between"]


# ------------------------------------------------------------------ absent sources are skipped

def test_absent_source_is_skipped(tmp_path):
    empty = frame(tmp_path, "raw_board_registers", [])
    outcome = validate("raw_board_registers", empty, skipped_reason="source 'board' absent")
    assert outcome.status == "skipped" and not outcome.blocking and outcome.failed == []
    assert outcome.evaluated == 0 and outcome.gx_result is None
    assert "skipped (source 'board' absent)" in outcome.summary()


def test_unknown_suite_is_an_error():
    with pytest.raises(ValueError, match="no expectation suite"):
        validate("raw_nothing", pd.DataFrame())


# ------------------------------------------------------------------ privacy: protected values never leave the gate

def _leaky_board(tmp_path: Path) -> pd.DataFrame:
    rows = good_rows("raw_board_registers")
    rows[0].update(gender=SECRET_GENDER, ethnic_category=SECRET_ETHNIC, member_id=SECRET_MEMBER)
    rows[1].update(member_id=SECRET_MEMBER)  # one member in two posts: a warning on (org, date, member_id)
    rows[3].update(gender=SECRET_GENDER)  # a vacant post with a gender
    rows[2].update(start_date=None)  # a filled post without a start date: a warning under a member_id condition
    rows[2]["org_code"] = "zz-visible-role"  # not protected: shown, proving the docs do show values
    return frame(tmp_path, "raw_board_registers", rows)


def test_protected_values_never_appear_in_outcome(tmp_path):
    outcome = validate("raw_board_registers", _leaky_board(tmp_path))
    assert outcome.blocking
    failed = {(f.expectation, f.column) for f in outcome.failed}
    assert ("expect_column_values_to_be_in_set", "gender") in failed
    assert ("expect_column_values_to_be_in_set", "ethnic_category") in failed
    assert ("expect_column_values_to_not_be_null", "start_date") in failed
    assert ("expect_compound_columns_to_be_unique", "org_code, as_at_date, member_id") in failed
    text = outcome.summary() + json.dumps(outcome.to_metadata()) + repr(outcome)
    for secret in (SECRET_GENDER, SECRET_ETHNIC, SECRET_MEMBER):
        assert secret not in text
    (gender,) = failures(outcome, "expect_column_values_to_be_in_set", "gender")
    assert gender.sample == [
        {"org_code": "RXA", "as_at_date": "2024-03-31", "post_id": post, "_source_file": "board_registers/file.csv",
         "_row_number": row, "gender": "[redacted]"} for post, row in (("P01", 2), ("P04", 5))]
    (vacant,) = failures(outcome, "expect_column_values_to_not_be_null", "start_date")
    assert vacant.sample == []  # the rows matched a condition on member_id: no row is pointed at
    (code,) = failures(outcome, "expect_column_values_to_match_regex", "org_code")
    assert code.sample[0]["org_code"] == "zz-visible-role"
    redacted_result = json.dumps(outcome.gx_result.to_json_dict(), default=str)
    for secret in (SECRET_GENDER, SECRET_ETHNIC, SECRET_MEMBER):
        assert secret not in redacted_result


def test_protected_values_never_appear_in_data_docs(tmp_path):
    outcome = validate("raw_board_registers", _leaky_board(tmp_path))
    skipped = validate("raw_wres_returns", pd.DataFrame(), skipped_reason="source 'wres' absent")
    index = quality.build_data_docs([outcome, skipped], tmp_path / "docs")
    files = [p for p in (tmp_path / "docs").rglob("*") if p.is_file() and p.suffix in (".html", ".json")]
    pages = [p for p in files if p.suffix == ".html" and "validations" in p.parts]
    assert index.is_file() and len(pages) == 1
    everything = "\n".join(p.read_text(encoding="utf-8") for p in files)
    assert "zz-visible-role" in everything  # the docs show failing values of ordinary columns ...
    for secret in (SECRET_GENDER, SECRET_ETHNIC, SECRET_MEMBER):
        assert secret not in everything  # ... never protected ones
    overview = index.read_text(encoding="utf-8")
    assert "raw_wres_returns" in overview and "skipped" in overview and "Publication blocked by" in overview


def test_data_docs_accumulate_across_calls(tmp_path):
    docs = tmp_path / "docs"
    first = validate("raw_ods_trusts", frame(tmp_path, "raw_ods_trusts"))
    quality.build_data_docs([first], docs)
    second = validate("dim_organisation", frame(tmp_path, "dim_organisation"))
    index = quality.build_data_docs([second], docs)
    overview = index.read_text(encoding="utf-8")
    assert "raw_ods_trusts" in overview and "dim_organisation" in overview
    assert "nothing here blocks publication" in overview
    assert len(list((docs / "gx" / "site" / "validations").rglob("*.html"))) == 2


# ------------------------------------------------------------------ reading

def test_read_table_closes_its_connection(tmp_path):
    df = frame(tmp_path, "raw_ods_trusts")
    assert len(df) == 3 and df["open_date"].notna().all()
    db = tmp_path / "raw_ods_trusts.duckdb"
    con = duckdb.connect(str(db))  # a read-write connection in this process is refused while a read-only one lives
    con.execute("select 1").fetchall()
    con.close()


def test_real_files_pass_their_raw_gates(tmp_path):
    landing = tmp_path / "landing"
    (landing / "ods").mkdir(parents=True)
    shutil.copyfile(real_file("ods_etr.csv"), (landing / "ods" / "etr.csv"))
    (landing / "staff_survey" / "2024").mkdir(parents=True)
    organisational = "NSS24_detailed_spreadsheets_organisational_results.xlsx"
    shutil.copyfile(real_file(organisational), (landing / "staff_survey" / "2024" / organisational))
    for source in ("ods", "staff_survey"):
        for table, df in load_source(source, landing).tables.items():
            outcome = validate(f"raw_{table}", df)
            assert not outcome.failed, outcome.summary()
