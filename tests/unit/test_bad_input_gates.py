"""Bad input that parses but breaks a rule: the source gate blocks it and names the file and row.

Parser-level refusals (unreadable files, wrong folders, shifted headers, duplicate keys, bad encodings)
are in test_source_errors.py; a blocked refresh that keeps the previous publication is in tests/integration.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import quality
from pipelines.sources.ingest import load_source
from pipelines.sources.landing import SourceError
from tests.unit.test_source_errors import ID, WRES_HEADER, _workbook, _wres


def _gate(landing: Path, source: str, table: str):
    """Parse the landing folder and run the table's raw suite: (outcome, failed expectations)."""
    frame = load_source(source, landing).tables[table]
    outcome = quality.validate(f"raw_{table}", frame)
    return outcome, outcome.failed


def _named_rows(failed) -> set[tuple[str, int]]:
    return {(row.get("_source_file"), row.get("_row_number")) for f in failed for row in f.sample}


def test_percentage_over_100_is_blocked_naming_file_and_row(tmp_path):
    rows = [["RAA", "A Trust", "Acute Specialist Trusts", "London", "NCL", "Occupation Group", 40, 60, 500],
            ["RAB", "B Trust", "Acute Specialist Trusts", "London", "NCL", "Occupation Group", 140, 60, 500]]
    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx", rows=rows)
    outcome, failed = _gate(tmp_path, "staff_survey", "staff_survey_question_options")
    assert outcome.blocking
    assert ("staff_survey/2024/org.xlsx", 7) in _named_rows(failed)


def test_future_survey_year_is_blocked(tmp_path):
    """A year folder beyond next year is refused at discovery, naming the file and the rule (the raw gate's
    plausible-year rule stays behind it)."""
    _workbook(tmp_path / "staff_survey" / "2031" / "org.xlsx", year=2031)
    with pytest.raises(SourceError, match=r"staff_survey/2031/org\.xlsx.*2031.*plausible"):
        load_source("staff_survey", tmp_path)


def _rejected(landing: Path, table: str) -> set[tuple[str, int]]:
    """Refused at parse or at the gate; either way the file and row are named."""
    try:
        outcome, failed = _gate(landing, table.split("_")[0], table)
    except SourceError as error:
        return {(error.file, error.row)}
    assert outcome.blocking
    return _named_rows(failed)


def test_negative_count_is_refused_naming_file_and_row(tmp_path):
    _wres(tmp_path, "2024", "a.csv", WRES_HEADER + "RAA,2024,3,,,white,headcount,100\n"
                                                   "RAA,2024,3,,,white,entered_disciplinary,-2\n")
    assert ("wres/2024/a.csv", 3) in _rejected(tmp_path, "wres_returns")


def test_malformed_organisation_code_is_refused(tmp_path):
    _wres(tmp_path, "2024", "a.csv", WRES_HEADER + "R@A!,2024,3,,,white,headcount,100\n")
    assert ("wres/2024/a.csv", 2) in _rejected(tmp_path, "wres_returns")


def test_unknown_measure_code_is_refused(tmp_path):
    _wres(tmp_path, "2024", "a.csv", WRES_HEADER + "RAA,2024,3,,,white,sacked,100\n")
    assert ("wres/2024/a.csv", 2) in _rejected(tmp_path, "wres_returns")


def test_oversized_decompressed_xlsx_is_refused(tmp_path, monkeypatch):
    from pipelines.sources import landing

    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx")
    monkeypatch.setattr(landing, "MAX_XLSX_UNCOMPRESSED_BYTES", 1000)  # a zip bomb, scaled down
    with pytest.raises(SourceError, match="decompresses to"):
        load_source("staff_survey", tmp_path)


def test_missing_column_in_a_question_block(tmp_path):
    header = [*ID, "% Never", "% Always"]  # the question's base column is missing
    _workbook(tmp_path / "staff_survey" / "2024" / "org.xlsx", header=header,
              rows=[["RAA", "A Trust", "Acute Specialist Trusts", "London", "NCL", "Occupation Group", 40, 60]])
    with pytest.raises(SourceError, match="Base") as refused:
        load_source("staff_survey", tmp_path)
    assert refused.value.sheet == "YOUR JOB Q1-3" and refused.value.row == 5
