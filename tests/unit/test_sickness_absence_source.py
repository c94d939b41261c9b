"""NHS Sickness Absence Rates at parser level: hand-made files in the published layouts, and each bad file
refused by name (file, row, rule); the raw gate catches a rate that disagrees with its counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.quality import validate
from pipelines.sources.ingest import load_source
from tests.helpers import refused

MONTHLY = ("DATE,NHSE_REGION_CODE,NHSE_REGION_NAME,ICS_CODE,ICS_NAME,ORG_CODE,ORG_NAME,ORG_TYPE,FTE_DAYS_LOST,"
           "FTE_DAYS_AVAILABLE,SICKNESS_ABSENCE_RATE_PERCENT")
NO_ICS = "DATE,NHSE_REGION_CODE,NHSE_REGION_NAME,ORG_CODE,ORG_NAME,ORG_TYPE,FTE_DAYS_LOST,FTE_DAYS_AVAILABLE," \
         "SICKNESS_ABSENCE_RATE_PERCENT"
LEGACY = "Date,HEE_region_code,HEE_region_name,Org Code,Org Name,Org Type,FTE Days Sick,FTE Days Available,SA Rate (%)"
JUNE = [
    "30/06/2024,Y56,London,QMJ,North Central London,RAL,Royal Free London NHS Foundation Trust,Acute,"
    "12345.67,260000.00,4.75",
    "30/06/2024,Y63,North East and Yorkshire,QWO,West Yorkshire,G6V2S,A Mental Health Trust,Mental Health,"
    "2100.00,42000.00,5.00",
    # 330 FTE days available or fewer: the publisher blanks all three measures.
    "30/06/2024,Y56,London,QMJ,North Central London,X26,A Small National Body,Special Health Authority,,,",
]


def land(landing: Path, month: str, name: str, header: str, rows: list[str]) -> str:
    folder = landing / "sickness_absence" / month
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return f"sickness_absence/{month}/{name}"


def test_the_monthly_layout_parses_with_suppression_as_null_not_zero(tmp_path):
    land(tmp_path, "2024-06", "june.csv", MONTHLY, JUNE)
    table = load_source("sickness_absence", tmp_path).tables["sickness_absence_rates"]
    rows = {r.org_code: r for r in table.itertuples()}
    assert set(rows) == {"RAL", "G6V2S", "X26"}
    assert str(rows["RAL"].month) == "2024-06-01" and rows["RAL"].ics_code == "QMJ"
    trust = rows["RAL"]
    assert (trust.fte_days_lost, trust.fte_days_available, trust.rate_pct) == (12345.67, 260000.0, 4.75)
    assert rows["G6V2S"].layout == "monthly" and not rows["G6V2S"].is_suppressed
    small = rows["X26"]
    assert small.is_suppressed and all(v is None or v != v for v in (small.fte_days_lost, small.rate_pct))
    assert list(table["_row_number"]) == [2, 3, 4]
    assert validate("raw_sickness_absence_rates", table).status == "passed"


def test_the_layout_without_ics_columns_parses(tmp_path):
    rows = ["31/03/2022,Y56,London,RAL,Royal Free London NHS Foundation Trust,Acute,100,2000,5.00"]
    land(tmp_path, "2022-03", "march.csv", NO_ICS, rows)
    [row] = load_source("sickness_absence", tmp_path).tables["sickness_absence_rates"].itertuples()
    assert row.layout == "monthly_no_ics" and row.ics_code is None and row.rate_pct == 5.0


@pytest.mark.parametrize("sort_date", [False, True])
def test_the_legacy_series_parses_in_any_month_folder_it_covers(tmp_path, sort_date):
    header = LEGACY + (",Sort_Date" if sort_date else "")
    rows = [f"2014-APR,HEE1,London,RAL,Royal Free,Acute,100,2000,5.00{',20140430' if sort_date else ''}",
            f"2014-MAY,HEE1,London,RAL,Royal Free,Acute,90,2000,4.50{',20140531' if sort_date else ''}",
            f"2014-JUN,HEE1,London,RAL,Royal Free,Acute,,,{',20140630' if sort_date else ''}"]
    land(tmp_path, "2014-05", "ESR_ABSENCE_CSV_NHSE.csv", header, rows)
    table = load_source("sickness_absence", tmp_path).tables["sickness_absence_rates"]
    assert [str(m) for m in table["month"]] == ["2014-04-01", "2014-05-01", "2014-06-01"]
    assert set(table["layout"]) == {"legacy"} and list(table["is_suppressed"]) == [False, False, True]


def test_a_monthly_file_and_the_legacy_series_may_both_give_a_month(tmp_path):
    land(tmp_path, "2022-03", "ESR_ABSENCE_CSV_NHSE.csv", LEGACY,
         ["2022-MAR,HEE1,London,RAL,Royal Free,Acute,1,20,5.00"])
    land(tmp_path, "2022-03", "march.csv", NO_ICS, ["31/03/2022,Y56,London,RAL,Royal Free,Acute,2,20,10.00"])
    table = load_source("sickness_absence", tmp_path).tables["sickness_absence_rates"]
    assert sorted(table["layout"]) == ["legacy", "monthly_no_ics"]  # staging keeps the monthly file's row


def test_the_benchmarking_layout_is_refused_by_name(tmp_path):
    header = MONTHLY.replace("ORG_NAME,", "ORG_NAME,CLUSTER_GROUP,BENCHMARK_GROUP,STAFF_GROUP,")
    relpath = land(tmp_path, "2024-06", "bench.csv", header, [])
    error = refused(tmp_path, "sickness_absence")
    assert error.file == relpath and error.row == 1 and "benchmarking layout" in error.problem


def test_an_unknown_header_is_refused_naming_what_it_found(tmp_path):
    relpath = land(tmp_path, "2024-06", "odd.csv", MONTHLY.replace("FTE_DAYS_LOST", "DAYS_LOST"), JUNE)
    error = refused(tmp_path, "sickness_absence")
    assert error.file == relpath and error.row == 1
    assert "DAYS_LOST" in error.problem and "not a sickness absence layout" in error.problem
    assert "docs/sources.md" in str(error)


@pytest.mark.parametrize(("month", "rows", "row", "words"), [
    ("2024-07", JUNE, 2, "holds 2024-06 data but sits in folder sickness_absence/2024-07/"),
    ("2024-06", [JUNE[0].replace("30/06/2024", "2024-06-30")], 2, "is not dd/mm/yyyy"),
    ("2024-06", [JUNE[0].replace("12345.67", "n/a")], 2, "FTE_DAYS_LOST 'n/a' is not a number"),
    ("2024-06", [JUNE[0], JUNE[0]], 3, "gives RAL for 2024-06 twice (rows 2 and 3)"),
    ("2024-06", [JUNE[0] + ",extra"], 2, "has 12 fields where the header has 11"),
    ("2024-06", [JUNE[0].replace(",RAL,", ",,")], 2, "has no organisation code"),
])
def test_bad_monthly_files_are_refused_naming_file_row_and_rule(tmp_path, month, rows, row, words):
    relpath = land(tmp_path, month, "bad.csv", MONTHLY, rows)
    error = refused(tmp_path, "sickness_absence")
    assert error.file == relpath and error.row == row and words in error.problem, error


def test_the_legacy_series_outside_its_folder_month_is_refused(tmp_path):
    relpath = land(tmp_path, "2022-06", "ESR_ABSENCE_CSV_NHSE.csv", LEGACY,
                   ["2014-APR,HEE1,London,RAL,Royal Free,Acute,100,2000,5.00"])
    error = refused(tmp_path, "sickness_absence")
    assert error.file == relpath and "covering 2014-04 to 2014-04" in error.problem
    assert "sickness_absence/2014-04/" in error.hint


def test_two_monthly_files_giving_one_month_are_refused_naming_both(tmp_path):
    first = land(tmp_path, "2024-06", "a.csv", MONTHLY, JUNE[:1])
    second = land(tmp_path, "2024-06", "b.csv", MONTHLY, JUNE[:1])
    error = refused(tmp_path, "sickness_absence")
    assert error.file == second and first in error.problem


def test_a_misnamed_month_folder_is_refused(tmp_path):
    land(tmp_path, "2024-13", "june.csv", MONTHLY, JUNE)
    error = refused(tmp_path, "sickness_absence")
    assert "is not a real month" in error.problem


def test_the_raw_gate_fails_a_rate_that_disagrees_with_its_counts(tmp_path):
    land(tmp_path, "2024-06", "june.csv", MONTHLY, [JUNE[0].replace(",4.75", ",4.85")])
    outcome = validate("raw_sickness_absence_rates", load_source("sickness_absence", tmp_path).tables[
        "sickness_absence_rates"])
    assert outcome.blocking
    [failure] = outcome.critical_failures
    assert failure.expectation == "expect_multicolumn_rate_to_match_counts"
    assert failure.sample[0]["_row_number"] == 2 and failure.sample[0]["org_code"] == "RAL"


def test_the_raw_gate_fails_a_partly_blank_row(tmp_path):
    land(tmp_path, "2024-06", "june.csv", MONTHLY, [JUNE[0].replace("12345.67", "")])
    outcome = validate("raw_sickness_absence_rates", load_source("sickness_absence", tmp_path).tables[
        "sickness_absence_rates"])
    assert outcome.blocking
    assert any(f.column == "fte_days_lost" for f in outcome.critical_failures)
