"""Friends and Family Test at parser level: hand-made workbooks in the inpatient and A&E layouts (cells only,
macros never read), `*` and `-` as the publisher defines them, and each bad file refused by name."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipelines.quality import validate
from pipelines.sources.ingest import load_source
from tests.helpers import refused, write_xlsx

RESPONSES = ["Very Good", "Good", "Neither Good nor Poor", "Poor", "Very Poor", "Don't Know"]
IDS = ["ICB Code", "Trust Code", "Trust Name", "Total Responses", "Total Eligible", "Percentage Positive",
       "Percentage Negative"]
MODES = ["Mode SMS", "Mode Electronic Discharge", "Mode Electronic Home", "Mode Paper Discharge", "Mode Paper Home",
         "Mode Telephone", "Mode Online", "Mode Other"]
PROVIDERS = [
    # A trust: 80 + 12 positive of 100 answers.
    ["QMJ", "RAL", "Royal Free London NHS Foundation Trust", 100, 900, 0.92, 0.03, 80, 12, 4, 2, 1, 1],
    # An independent-sector provider with fewer than 5 responses: suppressed.
    ["QMJ", "NT4", "An Independent Hospital", "*", 40, "*", "*", "*", "*", "*", "*", "*", "*"],
    # No responses: the percentages cannot be calculated.
    ["QWO", "RXF", "A Community Trust", 0, 0, "-", "-", 0, 0, 0, 0, 0, 0],
]


def trusts_sheet(setting: str, providers: list[list] | None = None) -> list[list]:
    modes = MODES if setting == "inpatient" else [m for m in MODES if m != "Mode Electronic Home"]
    title = [[f"Friends and Family Test: {'Inpatient' if setting == 'inpatient' else 'A&E'} - June 2024"], []]
    if setting == "inpatient":
        title += [[], ["Notes on the data"], [], [], [], [], []]
    header = [IDS + ["Responses"] + [""] * 5 + ["Mode"], [""] * len(IDS) + RESPONSES + modes]
    totals = [["", "", "England (including Independent Sector Providers)", 104, 940, 0.9, 0.03] + [0] * 12]
    if setting == "inpatient":
        totals.append(["", "", "England (excluding Independent Sector Providers)", 100, 900, 0.92, 0.03] + [0] * 12)
    else:
        totals = [["", "", "England", 104, 940, 0.9, 0.03] + [0] * 12]
    totals.append(["", "", "Selection (excluding suppressed data)", 100, 900, 0.92, 0.03] + [0] * 12)
    body = [p + (["*"] if p[3] == "*" else [0]) * len(modes) for p in (providers or PROVIDERS)]
    return title + header + totals + body


def workbook(path: Path, setting: str, rows: list[list], *, sheets: list[str] | None = None,
             macro_part: bool = False) -> None:
    names = sheets or (["Notes", "Summary", "ICB", "Trusts", "Sites", "Wards", "BS"] if setting == "inpatient"
                       else ["Notes", "Summary", "ICB", "Trusts", "Sites", "BS"])
    write_xlsx(path, [(name, rows if name == "Trusts" else [[f"{name} sheet"]]) for name in names])
    if macro_part:  # a macro project: its bytes must never be read or run
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a macro anyone may run")


def land(landing: Path, setting: str, rows: list[list] | None = None, *, month: str = "2024-06",
         name: str | None = None, **options) -> str:
    name = name or f"friends-and-family-test-{setting}-data-june-2024.xlsm"
    workbook(landing / "fft" / month / name, setting, trusts_sheet(setting) if rows is None else rows, **options)
    return f"fft/{month}/{name}"


@pytest.mark.parametrize("setting", ["inpatient", "ae"])
def test_both_layouts_parse_with_star_and_dash_as_the_publisher_defines_them(tmp_path, setting):
    land(tmp_path, setting, macro_part=True)
    table = load_source("fft", tmp_path).tables["fft_responses"]
    rows = {r.org_code: r for r in table.itertuples()}
    assert set(rows) == {"RAL", "NT4", "RXF"} and set(table["setting"]) == {setting}
    first = 15 if setting == "inpatient" else 7
    assert list(table["_row_number"]) == [first, first + 1, first + 2]
    trust = rows["RAL"]
    assert trust.pct_positive == pytest.approx(92.0) and trust.pct_negative == pytest.approx(3.0)  # 0-1 -> 0-100
    assert (trust.total_responses, trust.very_good, trust.good, trust.dont_know) == (100, 80, 12, 1)
    assert not trust.is_suppressed and str(trust.month) == "2024-06-01"
    assert rows["NT4"].is_suppressed and rows["NT4"].total_responses != rows["NT4"].total_responses  # NaN
    assert rows["NT4"].total_eligible == 40  # independent-sector providers are kept
    assert not rows["RXF"].is_suppressed and rows["RXF"].pct_positive != rows["RXF"].pct_positive  # '-': NaN
    assert validate("raw_fft_responses", table).status == "passed"


def test_the_gate_fails_a_percentage_that_disagrees_with_the_answers(tmp_path):
    providers = [PROVIDERS[0][:5] + [0.95] + PROVIDERS[0][6:]]
    land(tmp_path, "inpatient", trusts_sheet("inpatient", providers))
    outcome = validate("raw_fft_responses", load_source("fft", tmp_path).tables["fft_responses"])
    assert outcome.blocking
    assert {f.expectation for f in outcome.critical_failures} == {"expect_multicolumn_rate_to_match_counts"}


def test_a_header_moved_by_an_inserted_row_is_refused(tmp_path):
    rows = trusts_sheet("inpatient")
    relpath = land(tmp_path, "inpatient", rows[:2] + [[]] + rows[2:])
    error = refused(tmp_path, "fft")
    assert error.file == relpath and error.sheet == "Trusts" and error.row == 11
    assert "inpatient layout has it in row 10, A&E in row 3" in error.problem


def test_a_missing_column_is_refused_naming_it(tmp_path):
    rows = trusts_sheet("ae")
    rows[3] = [c if c != "Don't Know" else "" for c in rows[3]]
    relpath = land(tmp_path, "ae", rows)
    error = refused(tmp_path, "fft")
    assert error.file == relpath and error.row == 3 and "missing [\"Don't Know\"]" in error.problem


def test_a_missing_england_row_is_refused(tmp_path):
    rows = trusts_sheet("ae")
    rows[4] = ["", "", "Total", 1, 1, 1, 0] + [0] * 12
    land(tmp_path, "ae", rows)
    error = refused(tmp_path, "fft")
    assert error.row == 5 and "'England' row" in error.problem


def test_the_inpatient_layout_without_a_wards_sheet_is_refused(tmp_path):
    land(tmp_path, "inpatient", sheets=["Notes", "Summary", "ICB", "Trusts", "Sites", "BS"])
    assert "no 'Wards' sheet" in refused(tmp_path, "fft").problem


@pytest.mark.parametrize(("column", "value", "words"), [
    (5, 92, "Percentage Positive 92 is not a fraction 0-1"),
    (3, "n/a", "Total Responses holds 'n/a'"),
    (7, 80.5, "Very Good 80.5 is not a count"),
])
def test_bad_cells_are_refused_naming_sheet_row_and_rule(tmp_path, column, value, words):
    provider = list(PROVIDERS[0])
    provider[column] = value
    relpath = land(tmp_path, "inpatient", trusts_sheet("inpatient", [provider]))
    error = refused(tmp_path, "fft")
    assert (error.file, error.sheet, error.row) == (relpath, "Trusts", 15) and words in error.problem, error


def test_a_provider_listed_twice_is_refused(tmp_path):
    land(tmp_path, "ae", trusts_sheet("ae", [PROVIDERS[0], PROVIDERS[0]]))
    error = refused(tmp_path, "fft")
    assert error.row == 8 and "RAL appears twice (rows 7 and 8)" in error.problem


def test_a_workbook_without_a_trusts_sheet_is_refused(tmp_path):
    relpath = land(tmp_path, "ae", sheets=["Notes", "Summary"])
    error = refused(tmp_path, "fft")
    assert error.file == relpath and "no 'Trusts' sheet" in error.problem


def test_a_file_named_for_another_month_is_refused(tmp_path):
    relpath = land(tmp_path, "inpatient", month="2024-07")
    error = refused(tmp_path, "fft")
    assert error.file == relpath and "is named for June 2024 but sits in folder fft/2024-07/" in error.problem


def test_two_workbooks_of_one_setting_and_month_are_refused_naming_both(tmp_path):
    first = land(tmp_path, "ae", name="a-june-2024.xlsm")
    second = land(tmp_path, "ae", name="b-june-2024.xlsm")
    error = refused(tmp_path, "fft")
    assert error.file == second and first in error.problem


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "fft" / "2024-06" / "friends-and-family-test-ae-data-june-2024.xlsm"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"<html>not found</html>")
    assert "not a readable XLSX workbook" in refused(tmp_path, "fft").problem
