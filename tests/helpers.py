"""What several test modules build by hand: landed files, the refusal a bad one must get, the hand-worked
respondent file with the dbt build that scores it, and dbt run on a build file of a test's own."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipelines import settings
from pipelines.sample_data import generate
from pipelines.sources import respondents
from pipelines.sources.ingest import load_source
from pipelines.sources.landing import SourceError, discover
from pipelines.warehouse import DuckDBWarehouse

# What the product reads from its install folder (dbt's project and prepared manifest, instance settings,
# suites); a refresh or `wellled docs` must leave them exactly as they were (a read-only install works).
INSTALL_FOLDERS = ("dbt_project", "expectations")
INSTALL_FILES = ("dagster.yaml", "dagster.postgres.yaml")


def install_state() -> dict[str, tuple[int, int]]:
    """Every install file's (mtime, size), to compare before and after a command."""
    state = {}
    for folder, _dirs, files in (step for top in INSTALL_FOLDERS for step in os.walk(settings.PROJECT_ROOT / top)):
        for name in files:
            path = Path(folder) / name
            info = path.stat()
            state[path.relative_to(settings.PROJECT_ROOT).as_posix()] = (info.st_mtime_ns, info.st_size)
    for name in INSTALL_FILES:
        info = (settings.PROJECT_ROOT / name).stat()
        state[name] = (info.st_mtime_ns, info.st_size)
    return state


def refused(landing: Path, source: str) -> SourceError:
    """The SourceError reading `source`'s landed files must raise."""
    with pytest.raises(SourceError) as caught:
        load_source(source, landing)
    return caught.value


def write_xlsx(path: Path, sheets: list[tuple[str, list]]) -> None:
    """A workbook of the given sheets, in order, each with its rows (as `write_ods` takes them)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """A CSV file as a publisher writes one: a header line, None as an empty field."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- respondent-level data ---------------------------------------------------------------------------------
RESPONDENT_HEADER = ["org_code", "survey_year", "respondent_id", "occupation_group", "directorate",
                     "ethnicity_group", "gender", "disability", "Q2a", "Q2b", "Q2c", "Q14b", "Q14c", "Q16b"]


def hand_rows() -> list[list]:
    """Survey year 2023 (2024 numbering for these questions). Every answer scored by hand in
    tests/integration/test_respondents.py.

    RAA, 12 admin staff: r01-r10 answer Q2a-c = 5, 4, 3 (Always, Often, Sometimes: 10, 7.5, 5 -> E_1 7.5),
    directorate A; r11 answers only Q2a, Q2b = 1 (2 of 3 items: below the minimum of ceil(0.75 x 3) = 3, no
    E_1), r12 answers 1, 1, 1 (Never: 0 -> E_1 0), both directorate B.
    RBB, 25 nurses: white w01-w12, bme b01-b11, not_stated n01-n02; directorates Surgery (15), Medicine (8),
    Estates (2); all answer Q2a-c = 4 (Often: 7.5 -> E_1 7.5). Q14b / Q14c (1 = Never, 2 = 1 to 2,
    3 = 3 to 5): w01, w02 Q14b = 2; w03 Q14b blank, Q14c = 3;
    other white 1 and 1 -> WRES 6 white 3 / 12 = 25%; b01-b04 Q14b = 1, Q14c = 2, other bme 1 and 1 -> 4 / 11;
    n01-n02 1 and 1. Q16b (1 = Yes, 2 = No): w01 yes, other white no -> WRES 8 white 1 / 12; bme and
    not_stated blank.
    """
    rows = []
    for i in range(1, 13):
        q2 = (5, 4, 3) if i <= 10 else (1, 1, None) if i == 11 else (1, 1, 1)
        rows.append(["RAA", 2023, f"r{i:02d}", "admin_clerical", "A" if i <= 10 else "B", "white", "female", "no",
                     *q2, None, None, None])
    people = [("white", f"w{i:02d}") for i in range(1, 13)] + [("bme", f"b{i:02d}") for i in range(1, 12)] + \
             [("not_stated", f"n{i:02d}") for i in range(1, 3)]
    for k, (eth, rid) in enumerate(people):
        directorate = "Surgery" if k < 15 else "Medicine" if k < 23 else "Estates"
        q14b, q14c = 1, 1
        if rid in ("w01", "w02"):
            q14b = 2
        if rid == "w03":
            q14b, q14c = None, 3
        if rid in ("b01", "b02", "b03", "b04"):
            q14c = 2
        q16b = (1 if rid == "w01" else 2) if eth == "white" else None
        rows.append(["RBB", 2023, rid, "registered_nurses_midwives", directorate, eth, "male", "not_stated",
                     4, 4, 4, q14b, q14c, q16b])
    return rows


def build_respondent_marts(tmp: Path, seed: int, rows: list[list]) -> Path:
    """A build file in `tmp` scoring `rows` (a 2023 CSV file) beside a generated 6-trust 2024 sample (Parquet)
    and its derived staff survey workbook: ingested as the DuckDB warehouse does, then the respondent marts
    built by dbt. Returns the build file."""
    landing = tmp / "landing"
    generate(landing, trusts=6, years=(2024,), seed=seed, respondents="parquet")
    for folder in ("ods", "wres", "board"):
        for path in sorted((landing / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    write_csv(landing / "respondents" / "2023" / "hand.csv", RESPONDENT_HEADER, rows)
    db = tmp / build_file_name()
    store = DuckDBWarehouse(db, tmp / "published")
    survey = load_source("staff_survey", landing)
    store.write_source("staff_survey", survey.tables, survey.files)
    store.load_respondents(discover(landing, respondents.SOURCE), log=lambda _m: None)
    result = run_dbt("build", "--indirect-selection", "cautious",
                     "--select", "+fct_staff_survey_respondent_scores", "+fct_staff_survey_respondent_wres",
                     build_db=db, work=tmp)
    assert result.returncode == 0, result.stdout[-4000:]
    return db


def build_file_name() -> str:
    """The name a test's own build file takes: the pipeline's, so that dbt trusts the parse state `make install`
    wrote (the profile keeps the build file's name, not its folder, in the connection dbt checks)."""
    return settings.build_db_path().name


def run_dbt(command: str, *args: str, build_db: Path, work: Path) -> subprocess.CompletedProcess:
    """`dbt <command>` on the DuckDB build file `build_db`, with its artifacts and logs under `work`, starting
    from the install's parse state (a full parse costs seconds more per call)."""
    assert build_db.name == build_file_name(), f"name the build file {build_file_name()}: dbt re-parses otherwise"
    state = settings.DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
    (work / "target").mkdir(parents=True, exist_ok=True)
    if state.exists():
        shutil.copyfile(state, work / "target" / state.name)
    return subprocess.run(
        [settings.DBT_EXECUTABLE, command, *args, "--project-dir", str(settings.DBT_PROJECT_DIR),
         "--profiles-dir", str(settings.DBT_PROJECT_DIR), "--target-path", str(work / "target"),
         "--log-path", str(work / "logs")],
        env={**os.environ, "WELLLED_BUILD_DB": str(build_db), "WELLLED_DBT_TARGET": "duckdb"},
        capture_output=True, text=True, timeout=600)
