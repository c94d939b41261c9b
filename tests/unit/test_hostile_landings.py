"""A hostile landing corpus, generated here at test time (nothing binary is committed): each file is refused by
name (file, row, rule) without echoing more of it than the rule needs, or read where it is legitimate.

These run at the parser and landing level (fast); tests/integration/test_hostile_refreshes.py runs the cases that
need a whole refresh (publication byte-identical, formulas neutralised in the published file).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipelines import quality
from pipelines.safe_text import escape, neutralise, shown
from pipelines.sources import csv_files
from pipelines.sources.ingest import load_source
from pipelines.sources.landing import discover, period_problem
from tests.helpers import refused

ROOT = Path(__file__).resolve().parents[2]
WRES_HEADER = "org_code,reporting_year,indicator,staff_group,band,ethnicity,measure,count"
BOARD_HEADER = ("org_code,as_at_date,post_id,member_id,role_title,role_category,is_executive,is_voting,is_interim,"
                "gender,ethnic_category,start_date,end_date")
SECRET = "root:x:0:0:the-first-line-of-a-file-outside-the-landing"


def land(landing: Path, relpath: str, text: str | bytes) -> Path:
    path = landing / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.fixture
def outside(tmp_path) -> Path:
    """A file outside the landing folder that looks like a WRES return beginning with a secret."""
    secret = tmp_path / "outside" / "passwd.csv"
    secret.parent.mkdir()
    secret.write_text(f"{SECRET}\n{WRES_HEADER}\n")
    return secret


# --- nothing outside the landing is read ------------------------------------------------------------------

def test_a_symlinked_file_is_skipped_and_named_never_read(tmp_path, outside):
    landing = tmp_path / "landing"
    (landing / "wres" / "2024").mkdir(parents=True)
    (landing / "wres" / "2024" / "x.csv").symlink_to(outside)
    load = load_source("wres", landing)
    assert load.absent and load.skipped == ["wres/2024/x.csv (a symbolic link)"]
    assert SECRET not in json.dumps(load.files) + str(load.skipped)


def test_a_symlinked_source_or_period_folder_is_skipped(tmp_path, outside):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "wres").symlink_to(outside.parent, target_is_directory=True)
    skipped: list[str] = []
    assert discover(landing, "wres", skipped) == [] and skipped == [
        "wres/ (a symbolic link: the whole source folder is skipped)"]
    (landing / "wres").unlink()
    (landing / "wres").mkdir()
    (landing / "wres" / "2024").symlink_to(outside.parent, target_is_directory=True)
    skipped.clear()
    assert discover(landing, "wres", skipped) == [] and skipped == ["wres/2024 (a symbolic link)"]


def test_a_fifo_is_skipped_not_opened(tmp_path):
    landing = tmp_path / "landing"
    (landing / "board" / "2024-03-31").mkdir(parents=True)
    os.mkfifo(landing / "board" / "2024-03-31" / "RXK.csv")  # opening it would block for ever
    skipped: list[str] = []
    assert discover(landing, "board", skipped) == [] and skipped == ["board/2024-03-31/RXK.csv (not a regular file)"]


# --- echoed values are escaped and cut --------------------------------------------------------------------

def test_escape_sequences_in_a_file_reach_no_terminal(tmp_path):
    landing = tmp_path / "landing"
    hostile = "\x1b]0;pwned\x07\x1b[2J\x1b[31mall gates passed\x1b[0m"
    land(landing, "wres/2024/a.csv", f"{WRES_HEADER}\nRAA,2024,2,,,white,shortlisted,{hostile}\n")
    error = refused(landing, "wres")
    assert "\x1b" not in str(error) and "\x07" not in str(error)
    assert "\\x1b]0;pwned\\x07" in str(error) and error.row == 2


def test_a_hostile_file_name_is_escaped(tmp_path):
    landing = tmp_path / "landing"
    land(landing, "wres/2024/\x1b[2Jx.csv", f"{WRES_HEADER}\nRAA,2024,2,,,white,shortlisted,ten\n")
    error = refused(landing, "wres")
    assert "\x1b" not in str(error) and error.file == "wres/2024/\\x1b[2Jx.csv"


def test_gate_samples_escape_and_cut_cell_values():
    frame = pd.DataFrame({"org_code": ["RAA"], "org_name": ["A TRUST"], "region_code": ["\x1b[31m" + "Y" * 5000]})
    outcome = quality.validate("raw_ods_trusts", frame)
    text = json.dumps(outcome.to_metadata())
    assert "\x1b" not in text and "\\u001b" not in text and "\\\\x1b[31m" in text
    assert all(len(str(v)) < 200 for f in outcome.failed for row in f.sample for v in row.values())


def test_shown_and_escape_rules():
    assert escape("a\x1bb\u202ec\x00") == "a\\x1bb\\u202ec\\x00"
    assert shown("x" * 100, 10) == "xxxxxxxxxx... (100 characters)"


def test_formula_rule():
    assert [neutralise(t) for t in ("=1+1", "+44", "-x", "@SUM(A1)", "\tx", "\rx", "A=B", "")] == [
        "'=1+1", "'+44", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "A=B", ""]


# --- sizes, memory and counts -----------------------------------------------------------------------------

def test_a_50_mb_field_is_refused_naming_file_and_row(tmp_path):
    landing = tmp_path / "landing"
    land(landing, "wres/2024/a.csv", f"{WRES_HEADER}\nRAA,2024,2,,,white,shortlisted,1\n\"{'x' * 50_000_000}\"\n")
    error = refused(landing, "wres")
    assert error.file == "wres/2024/a.csv" and error.row == 3 and "wellled source" in error.problem


@pytest.mark.parametrize("source, relpath", [("wres", "wres/2024/junk.csv"), ("ods", "ods/etr.csv"),
                                             ("board", "board/2024-03-31/junk.csv")])
def test_200_mb_of_junk_is_refused_in_bounded_memory(tmp_path, source, relpath):
    """200 MB of blank-looking lines then a bad one: streamed, so the refusal comes at that row with a few MB
    in use (peak resident memory of a fresh process, VmHWM, measured by the kernel)."""
    landing = tmp_path / "landing"
    path = landing / relpath
    path.parent.mkdir(parents=True)
    line = (" " * 1000 + ",,,,,,,\n").encode()
    with path.open("wb") as handle:
        if source != "ods":
            handle.write((BOARD_HEADER if source == "board" else WRES_HEADER).encode() + b"\n")
        for _ in range(200):
            handle.write(line * 1000)
        handle.write(b"junk\n")
    # VmHWM, the peak of this process's own memory: ru_maxrss would carry over the peak of the forked parent.
    script = ("import sys\nfrom pipelines.sources.ingest import load_source\n"
              "from pipelines.sources.landing import SourceError\n"
              "try:\n    load_source(sys.argv[1], __import__('pathlib').Path(sys.argv[2]))\n"
              "except SourceError as error:\n    print(error.row, error.problem)\n"
              "status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
              "print(int(status) // 1024)\n")
    done = subprocess.run([sys.executable, "-c", script, source, str(landing)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    refusal, peak_mb = done.stdout.strip().splitlines()
    assert refusal.startswith(str(200_000 + (1 if source != "ods" else 0) + 1) + " ")
    assert int(peak_mb) < 500, f"{peak_mb} MB to refuse 200 MB of junk"


@pytest.mark.parametrize("count, rule", [
    ("1_5", "digits 0-9"), ("\uff11\uff15", "digits 0-9"), ("\u0661\u0665", "digits 0-9"), ("+5", "digits 0-9"),
    ("1e20", "digits 0-9"), ("2.5", "digits 0-9"), ("99999999999999999999", "20 digits"),
])
def test_counts_are_ascii_digits_of_a_plausible_length(tmp_path, count, rule):
    landing = tmp_path / "landing"
    land(landing, "wres/2024/a.csv", f"{WRES_HEADER}\nRAA,2024,1,clinical,band_5,white,headcount,{count}\n")
    error = refused(landing, "wres")
    assert error.row == 2 and rule in error.problem and "count" in error.problem


def test_an_implausible_band_headcount_fails_the_raw_gate_naming_file_and_row(tmp_path):
    landing = tmp_path / "landing"
    land(landing, "wres/2024/a.csv", f"{WRES_HEADER}\nRAA,2024,1,clinical,band_5,white,headcount,3000000000\n"
                                     "RAA,2024,1,clinical,band_5,bme,headcount,40\n")
    frame = load_source("wres", landing).tables["wres_returns"]
    outcome = quality.validate("raw_wres_returns", frame)
    assert outcome.blocking
    [failure] = [f for f in outcome.critical_failures if "headcount is at most" in f.description]
    assert failure.sample == [{"org_code": "RAA", "reporting_year": 2024, "indicator": 1, "_source_file":
                               "wres/2024/a.csv", "_row_number": 2, "count": 3000000000}] or \
        failure.sample[0]["_row_number"] == 2


def test_a_header_only_return_is_refused_not_read_as_no_rows(tmp_path):
    landing = tmp_path / "landing"
    land(landing, "wres/2024/RAA.csv", WRES_HEADER + "\n")
    error = refused(landing, "wres")
    assert error.file == "wres/2024/RAA.csv" and "no data rows" in error.problem


# --- periods ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, key", [
    ("wres", "2024\n"), ("wres", "\uff12\uff10\uff12\uff14"), ("wres", "0000"), ("wres", "2024 "),
    ("staff_survey", "99999"), ("board", "2024-02-15"), ("board", "2024-02-30"), ("board", "2024-3-31"),
    ("board", "1999-03-31"),
])
def test_period_keys_that_are_not_periods_are_refused(source, key):
    assert period_problem(source, key) is not None
    assert period_problem(source, "2024-03-31" if source == "board" else "2024") is None


def test_a_board_register_dated_off_a_quarter_end_is_refused_by_its_folder(tmp_path):
    landing = tmp_path / "landing"
    land(landing, "board/2024-02-15/RXK.csv", f"{BOARD_HEADER}\nRXK,2024-02-15,P1,M1,Chair,chair,false,true,false,"
                                              "female,A,2020-01-01,\n")
    error = refused(landing, "board")
    assert error.file == "board/2024-02-15/RXK.csv" and "not a quarter end" in error.problem


def test_wellled_ingest_refuses_a_bad_key_before_registering_any_partition(isolated, capfd):
    import dagster as dg

    from pipelines import cli

    land(isolated / "landing", "wres/2024/a.csv", f"{WRES_HEADER}\nRAA,2024,2,,,white,shortlisted,1\n")
    for key in ("2024\n", "\uff12\uff10\uff12\uff14", "0000", "2024'; drop table raw.wres_returns; --"):
        assert cli.main(["ingest", "wres", key]) == 1
    err = capfd.readouterr().err
    assert "is not a wres period" in err and "Traceback" not in err
    with dg.DagsterInstance.get() as instance:
        assert instance.get_dynamic_partitions("wres_reporting_years") == []


# --- CSV structure ------------------------------------------------------------------------------------------

def test_nul_bytes_and_unclosed_quotes_are_refused_naming_the_row(tmp_path):
    landing = tmp_path / "landing"
    land(landing, "wres/2024/a.csv", f"{WRES_HEADER}\nRAA,2024,2,,,white,shortlisted,1\nRAA\x00,2024\n".encode())
    error = refused(landing, "wres")
    assert error.row == 3 and "\x00" not in str(error)
    land(landing, "wres/2024/a.csv", f"{WRES_HEADER}\nRAA,2024,2,,,white,\"shortlisted,1\n" + "x\n" * 10)
    error = refused(landing, "wres")
    assert error.file == "wres/2024/a.csv" and error.row is not None


def test_a_line_longer_than_any_contract_is_refused_without_reading_it_whole(tmp_path):
    landing = tmp_path / "landing"
    land(landing, "ods/etr.csv", b"x" * (csv_files.MAX_LINE_BYTES * 3))
    error = refused(landing, "ods")
    assert error.row == 1 and "longer than" in error.problem
