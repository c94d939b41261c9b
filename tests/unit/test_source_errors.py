"""Bad input at parser level: each refusal names the file (and sheet, row) and the rule broken."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pipelines.sources.ingest import load_source
from pipelines.sources.landing import SourceError

ID = ["ODS code", "Organisation name", "Benchmarking group", "Region", "ICS", "Weighting"]


ORG = ["RAA", "A Trust", "Acute Specialist Trusts", "London", "NCL", "Occupation Group"]
SCORE_SHEETS = {"PEOPLE PROMISE ELEMENTS": [f"PP{n}" for n in range(1, 8)], "THEMES": ["Staff Engagement", "Morale"]}


def _workbook(path: Path, year: int = 2024, rows=None, header=None, title=None,
              score_sheets: dict[str, list[str]] = SCORE_SHEETS) -> Path:
    """A minimal organisational results workbook in the official layout: one question sheet and the score sheets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    title = title or f"NHS Staff Survey {year} - WEIGHTED Results"
    sheet = wb.create_sheet("YOUR JOB Q1-3")
    sheet.append([title, "", "", "", "", "", "Q2a - I look forward"])
    sheet.append(["YOUR JOB Q1-3 Q2a"])
    sheet.append(["Note: fewer than 10 responses are not displayed"])
    sheet.append([])
    sheet.append(header or [*ID, "% Never", "% Always", "Base (number of responses)"])
    for row in rows if rows is not None else [[*ORG, 40, 60, 500]]:
        sheet.append(row)
    for name, codes in score_sheets.items():
        sheet = wb.create_sheet(name)
        labels = [title, "", "", "", "", ""]
        for code in codes:
            labels += [f"{code} - score", ""]
        for row in (labels, [name], ["Note: fewer than 10 responses are not displayed"], []):
            sheet.append(row)
        sheet.append([*ID, *(h for code in codes for h in (f"{code} - score", "Base (number of responses)"))])
        sheet.append([*ORG, *(v for _ in codes for v in (7.1, 480))])
    wb.save(path)
    return path


def _error(landing: Path, source: str) -> SourceError:
    with pytest.raises(SourceError) as caught:
        load_source(source, landing)
    return caught.value


def test_a_good_minimal_workbook_parses(tmp_path):
    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx")
    load = load_source("staff_survey", tmp_path)
    options = load.tables["staff_survey_question_options"]
    assert list(options["pct"]) == [40, 60] and list(options["base_n"]) == [500, 500]


def test_a_missing_score_sheet_is_refused_naming_the_file_and_the_missing_scores(tmp_path):
    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx",
              score_sheets={"PEOPLE PROMISE ELEMENTS": SCORE_SHEETS["PEOPLE PROMISE ELEMENTS"]})
    error = _error(tmp_path, "staff_survey")
    assert error.file == "staff_survey/2024/org.xlsx"
    assert "ENGAGEMENT, MORALE" in error.problem and "'THEMES'" in str(error)


def test_a_renamed_sheet_is_judged_by_its_content(tmp_path):
    """Sheet names change between survey years: a renamed sheet with the published content still parses, and
    one whose header is not the published layout is refused naming it."""
    renamed = {"PEOPLE PROMISE ELEMENTS": SCORE_SHEETS["PEOPLE PROMISE ELEMENTS"], "Themes 2024": ["Staff Engagement",
                                                                                                 "Morale"]}
    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx", score_sheets=renamed)
    scores = load_source("staff_survey", tmp_path).tables["staff_survey_scores"]
    assert {"ENGAGEMENT", "MORALE"} <= set(scores["measure_code"])
    assert set(scores.loc[scores["measure_code"] == "MORALE", "_sheet"]) == {"Themes 2024"}


def test_content_year_disagreeing_with_folder_names_both(tmp_path):
    _workbook(tmp_path / "staff_survey" / "2023" / "org.xlsx", year=2024)
    error = _error(tmp_path, "staff_survey")
    assert "staff_survey/2023/org.xlsx" in str(error) and "2024" in str(error) and "folder 2023" in str(error)


def test_shifted_header_names_sheet_and_row(tmp_path):
    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx", header=["", *ID, "% Never", "% Always", "Base"])
    error = _error(tmp_path, "staff_survey")
    assert error.sheet == "YOUR JOB Q1-3" and error.row == 5 and "ODS code" in error.problem


def test_duplicate_organisation_rows(tmp_path):
    row = ["RAA", "A Trust", "Acute Specialist Trusts", "London", "NCL", "Occupation Group", 40, 60, 500]
    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx", rows=[row, row])
    error = _error(tmp_path, "staff_survey")
    assert "RAA appears twice" in error.problem and error.row == 7


def test_text_in_a_value_cell(tmp_path):
    row = ["RAA", "A Trust", "Acute Specialist Trusts", "London", "NCL", "Occupation Group", "forty", 60, 500]
    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx", rows=[row])
    error = _error(tmp_path, "staff_survey")
    assert error.row == 6 and "'forty'" in error.problem and "column G" in error.problem


def test_the_first_bad_cell_in_reading_order_is_reported(tmp_path):
    # Row by row; in a row, the question's base (column I) before its options.
    rows = [[*ORG[:6], 40, "sixty", "many"], ["RBB", *ORG[1:6], "forty", 60, 500]]
    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx", rows=rows)
    error = _error(tmp_path, "staff_survey")
    assert error.row == 6 and "column I" in error.problem and "'many'" in error.problem


def test_a_bad_cell_above_a_duplicate_row_is_reported_before_the_duplicate(tmp_path):
    rows = [[*ORG[:6], "forty", 60, 500], [*ORG[:6], 40, 60, 500]]
    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx", rows=rows)
    error = _error(tmp_path, "staff_survey")
    assert error.row == 6 and "'forty'" in error.problem


def test_suppressed_blank_and_text_number_cells(tmp_path):
    rows = [[*ORG[:6], "-", " 60.5 ", 500], ["RBB", *ORG[1:6], 40, 60, "-"], ["RCC", *ORG[1:6], 40, "", 500]]
    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx", rows=rows)
    options = load_source("staff_survey", tmp_path).tables["staff_survey_question_options"]
    got = [(r["org_code"], r["option_label"], None if r["pct"] != r["pct"] else r["pct"],
            None if r["base_n"] != r["base_n"] else r["base_n"], r["is_suppressed"], r["_row_number"])
           for r in options.to_dict("records")]
    assert got == [("RAA", "Never", None, 500, True, 6), ("RAA", "Always", 60.5, 500, False, 6),
                   ("RBB", "Never", None, None, True, 7), ("RBB", "Always", None, None, True, 7),
                   ("RCC", "Never", 40, 500, False, 8), ("RCC", "Always", None, 500, False, 8)]


def test_truncated_or_non_xlsx_file(tmp_path):
    path = _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx")
    path.write_bytes(path.read_bytes()[:500])
    assert "not a readable XLSX" in _error(tmp_path, "staff_survey").problem


def test_two_files_for_the_same_year_are_refused(tmp_path):
    _workbook(tmp_path / "staff_survey" / "2024" / "a.xlsx")
    _workbook(tmp_path / "staff_survey" / "2024" / "b.xlsx")
    error = _error(tmp_path, "staff_survey")
    assert "b.xlsx" in str(error) and "a.xlsx" in str(error)


def test_file_outside_a_period_folder(tmp_path):
    _workbook(tmp_path / "staff_survey" / "org.xlsx")
    assert "period folder" in _error(tmp_path, "staff_survey").problem


WRES_HEADER = "org_code,reporting_year,indicator,staff_group,band,ethnicity,measure,count\n"


def _wres(landing: Path, year: str, name: str, body: str, encoding: str = "utf-8") -> None:
    folder = landing / "wres" / year
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(body.encode(encoding))


def test_wres_year_must_match_folder(tmp_path):
    _wres(tmp_path, "2024", "a.csv", WRES_HEADER + "RAA,2023,2,,,white,shortlisted,10\n")
    error = _error(tmp_path, "wres")
    assert error.row == 2 and "reporting_year 2023" in error.problem


def test_wres_missing_column_and_bad_count(tmp_path):
    _wres(tmp_path, "2024", "a.csv", "org_code,reporting_year,indicator\nRAA,2024,2\n")
    assert "missing" in _error(tmp_path, "wres").problem
    _wres(tmp_path, "2024", "a.csv", WRES_HEADER + "RAA,2024,2,,,white,shortlisted,ten\n")
    assert "not a whole number" in _error(tmp_path, "wres").problem


def test_non_utf8_and_empty_csv(tmp_path):
    _wres(tmp_path, "2024", "a.csv", WRES_HEADER + "RÅA,2024,2,,,white,shortlisted,1\n", encoding="latin-1")
    error = _error(tmp_path, "wres")
    assert "not UTF-8" in error.problem and error.row == 2
    _wres(tmp_path, "2024", "a.csv", "")
    assert "is empty" in _error(tmp_path, "wres").problem


def test_bom_is_tolerated(tmp_path):
    _wres(tmp_path, "2024", "a.csv", "\ufeff" + WRES_HEADER + "RAA,2024,2,,,white,shortlisted,10\n")
    assert len(load_source("wres", tmp_path).tables["wres_returns"]) == 1


def test_two_wres_files_for_one_trust_and_year(tmp_path):
    _wres(tmp_path, "2024", "a.csv", WRES_HEADER + "RAA,2024,2,,,white,shortlisted,10\n")
    _wres(tmp_path, "2024", "b.csv", WRES_HEADER + "RAA,2024,2,,,bme,shortlisted,10\n")
    error = _error(tmp_path, "wres")
    assert "a.csv" in str(error) and "b.csv" in str(error)


def test_board_register_date_must_match_folder(tmp_path):
    folder = tmp_path / "board" / "2024-03-31"
    folder.mkdir(parents=True)
    header = ("org_code,as_at_date,post_id,member_id,role_title,role_category,is_executive,is_voting,is_interim,"
              "gender,ethnic_category,start_date,end_date\n")
    (folder / "RAA.csv").write_text(header + "RAA,2024-06-30,P1,M1,Chair,chair,false,true,false,female,A,2020-01-01,\n")
    error = _error(tmp_path, "board")
    assert error.row == 2 and "2024-06-30" in error.problem


def test_ods_file_with_wrong_field_count(tmp_path):
    (tmp_path / "ods").mkdir()
    (tmp_path / "ods" / "etr.csv").write_text('"RAA","A TRUST"\r\n')
    error = _error(tmp_path, "ods")
    assert error.row == 1 and "27" in error.problem


def test_absent_source_gives_empty_tables(tmp_path):
    load = load_source("board", tmp_path)
    assert load.absent and load.tables["board_registers"].empty
