"""Whole refreshes on a tiny sample in a temp folder: what is published, what is refused, what survives."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines import cli, settings
from tests.conftest import real_file

pytestmark = pytest.mark.integration

CONTRACT_TABLES = {"dim_organisation", "fct_staff_survey_scores", "fct_wres_indicators", "fct_board_composition",
                   "publication_manifest"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _query(sql: str, params=None):
    with duckdb.connect(str(settings.published_db_path()), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _published_score(landing: Path, year: int, org: str, measure: str) -> float:
    """Read a score straight from the generated workbook, independently of the parser."""
    path = next((landing / "staff_survey" / str(year)).glob("*organisational_results*.xlsx"))
    sheet = openpyxl.load_workbook(path, read_only=True)["PEOPLE PROMISE ELEMENTS"]
    rows = list(sheet.iter_rows(values_only=True))
    column = next(i for i, label in enumerate(rows[0]) if label and str(label).startswith(f"{measure} - "))
    return next(row[column] for row in rows[5:] if row[0] == org)


def test_refresh_publishes_every_contract_table(sample_refresh):
    root, status = sample_refresh
    assert status == 0
    tables = {t for (t,) in _query("select table_name from duckdb_tables()")}
    assert CONTRACT_TABLES <= tables
    storage = _query("select tags['storage_version'] from duckdb_databases() where not internal")
    assert storage[0][0].startswith("v1.4.0")
    for table in CONTRACT_TABLES - {"publication_manifest"}:
        assert _query(f"select count(*) from {table}")[0][0] > 0, table


def test_published_scores_equal_the_workbook(sample_refresh):
    root, status = sample_refresh
    assert status == 0
    org, score = _query("select org_code, score from fct_staff_survey_scores where survey_year = 2024 and "
                        "measure_code = 'PP1' and not is_suppressed order by org_code limit 1")[0]
    assert score == pytest.approx(_published_score(root / "landing", 2024, org, "PP1"))
    codes = {c for (c,) in _query("select distinct measure_code from fct_staff_survey_scores")}
    assert {"ENGAGEMENT", "MORALE", "PP4_2", "E_1"} <= codes


def test_organisations_hold_trusts_and_survey_units(sample_refresh):
    root, status = sample_refresh
    assert status == 0
    kinds = dict(_query("select org_kind, count(*) from dim_organisation group by org_kind"))
    assert kinds.get("trust", 0) >= 6 and kinds.get("split_unit", 0) == 2
    split = _query("select org_code, legal_org_code from dim_organisation where org_kind = 'split_unit'")
    assert all(code.startswith(legal) and len(code) == len(legal) + 1 for code, legal in split)


def test_manifest_lists_files_sources_and_gates(sample_refresh):
    root, status = sample_refresh
    assert status == 0
    sources = dict(_query("select item_name, status from publication_manifest where item_kind = 'source'"))
    assert sources == {"ods": "present", "staff_survey": "present", "wres": "present", "board": "present",
                       "sickness_absence": "present", "cqc_ratings": "present", "fft": "present",
                       "respondents": "absent"}
    gates = dict(_query("select item_name, status from publication_manifest where item_kind = 'check'"))
    assert gates and "failed" not in gates.values()
    assert _query("select count(*) from publication_manifest where item_kind = 'file' and sha256 is null")[0][0] == 0


def test_failed_gate_blocks_publication_and_keeps_the_previous_one(sample_copy, capfd):
    landing = sample_copy / "landing"
    before = _sha(settings.published_db_path())
    version = (settings.published_dir() / "CURRENT").read_text()
    # A WRES return with a negative count: parses, but breaks a critical rule of the raw WRES gate.
    wres_file = sorted((landing / "wres").rglob("*.csv"))[0]
    lines = wres_file.read_text().splitlines()
    lines[1] = ",".join(lines[1].split(",")[:-1] + ["-5"])
    wres_file.write_text("\n".join(lines) + "\n")
    capfd.readouterr()

    assert cli.main(["refresh"]) == 1
    output = "".join(capfd.readouterr())
    # The console names the failing file and row, not only the rule.
    assert f"e.g. {wres_file.relative_to(landing).as_posix()}, row 2: " in output and "count=-5" in output
    assert _sha(settings.published_db_path()) == before
    assert (settings.published_dir() / "CURRENT").read_text() == version


def test_only_some_sources_landed_publishes_what_it_can(isolated):
    landing = isolated / "landing"
    (landing / "ods").mkdir(parents=True)
    shutil.copy(real_file("ods_etr.csv"), landing / "ods" / "etr.csv")
    (landing / "staff_survey" / "2024").mkdir(parents=True)
    shutil.copy(real_file("NSS24_detailed_spreadsheets_organisational_results.xlsx"), landing / "staff_survey" / "2024")
    assert cli.main(["refresh"]) == 0
    sources = dict(_query("select item_name, status from publication_manifest where item_kind = 'source'"))
    assert sources == {"ods": "present", "staff_survey": "present", "wres": "absent", "board": "absent",
                       "sickness_absence": "absent", "cqc_ratings": "absent", "fft": "absent", "respondents": "absent"}
    assert _query("select count(distinct org_code) from fct_staff_survey_scores")[0][0] == 263
    assert _query("select count(*) from fct_wres_indicators")[0][0] == 0
    assert _query("select count(*) from dim_organisation where org_code in ('R1F1', 'R1F2', 'K0N6A')")[0][0] == 3
    gates = dict(_query("select item_name, status from publication_manifest where item_kind = 'check'"))
    assert gates["raw_wres_returns"] == "skipped" and gates["raw_board_registers"] == "skipped"
