"""Fixtures for both layers: real published files from ../shared, isolated landing/warehouse folders, and the one
sample refresh that every integration test reading a publication shares.

tests/unit needs no refresh, no server and no browser; tests/integration holds everything else and is marked
`integration` by its folder (so `-m integration` still selects it).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SHARED_REAL = TESTS.parents[1] / "shared" / "data" / "real"
ENVIRONMENT = {"WELLLED_LANDING_DIR": "landing", "WELLLED_WAREHOUSE_DIR": "warehouse", "DAGSTER_HOME": "dagster_home"}
# A developer's .env (which `wellled` reads, its values winning) must never point a test at a real warehouse;
# set before any test, so every `wellled` a test starts inherits it too.
os.environ["WELLLED_IGNORE_ENV_FILE"] = "1"


# With pytest-xdist handing out one file at a time, the longest files go first so that none is left running alone
# at the end; then the rest of tests/integration, then the many short files of tests/unit.
LONGEST_FIRST = ("test_single_source_landings.py", "test_publication_safety.py", "test_postgres.py", "test_ui_e2e.py",
                 "test_staff_survey.py", "test_respondents.py", "test_bi_clients.py", "test_hostile_refreshes.py",
                 "test_disclosure.py", "test_refresh.py", "test_run_monitoring.py", "test_wres_refresh.py",
                 "test_partitions.py")


def _layer(item) -> str | None:
    path = Path(str(item.path))
    return path.relative_to(TESTS).parts[0] if path.is_relative_to(TESTS) else None


def _schedule_rank(item) -> tuple[int, int]:
    name = Path(str(item.path)).name
    if name in LONGEST_FIRST:
        return 0, LONGEST_FIRST.index(name)
    return (1 if _layer(item) == "integration" else 2), 0


def pytest_collection_modifyitems(config, items):
    items.sort(key=_schedule_rank)  # stable: the order within a file is kept
    for item in items:
        layer = _layer(item)
        if layer == "integration":
            item.add_marker(pytest.mark.integration)
        elif layer == "unit" and item.get_closest_marker("integration"):
            raise pytest.UsageError(f"{item.nodeid} is marked integration: move it to tests/integration")


def real_file(name: str) -> Path:
    """A real published file; missing fails under CI (it must be there) and skips elsewhere."""
    path = SHARED_REAL / name
    if not path.exists():
        message = f"real file {path} is missing (CI has ../shared beside the checkout)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def sample_refresh(tmp_path_factory):
    """One refresh of a tiny sample (6 trusts, 2023-2024), shared by every test that only reads its output.

    Yields (root folder, CLI exit status); the environment points at its landing and warehouse folders
    while the session lasts (tests that need other folders set them with monkeypatch). A test that changes
    anything, or runs a command that opens the build file for writing (dbt), takes `sample_copy` instead:
    with pytest-xdist the first worker to need it refreshes it and the other workers read the same folder.
    """
    from pipelines import cli
    from pipelines.sample_data import generate

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the session's folder, above each worker's own
    root = shared / "sample_refresh"
    patch = pytest.MonkeyPatch()
    for key, folder in ENVIRONMENT.items():
        patch.setenv(key, str(root / folder))
    with (shared / "sample_refresh.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait here for the one refreshing
        done = root / "exit_status"
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            generate(root / "landing", trusts=6, years=(2023, 2024), seed=7)
            done.write_text(str(cli.main(["refresh"])))
    yield root, int(done.read_text())
    patch.undo()


@pytest.fixture
def sample_copy(sample_refresh, tmp_path, monkeypatch) -> Path:
    """The sample refresh's landing, warehouse and Dagster home copied into tmp_path, the environment pointing
    there, so a test may refresh, break or roll back without touching what the other tests read.

    Symbolic links are copied as links: `published/parquet` is a relative link to the current version, and a
    copy that followed it would turn it into a real folder, which a publication refuses to replace."""
    root, status = sample_refresh
    assert status == 0, "the sample refresh did not publish"
    copy_refresh(root, tmp_path, monkeypatch)
    return tmp_path


def copy_refresh(root: Path, to: Path, patch: pytest.MonkeyPatch) -> None:
    """Copy a refresh's landing, warehouse and Dagster home into `to` and point the environment there."""
    for key, folder in ENVIRONMENT.items():
        if (root / folder).exists():
            shutil.copytree(root / folder, to / folder, symlinks=True)
        patch.setenv(key, str(to / folder))


@pytest.fixture
def published(sample_refresh):
    """A read-only connection to the sample refresh's publication."""
    import duckdb

    root, status = sample_refresh
    assert status == 0, "the sample refresh did not publish"
    with duckdb.connect(str(root / "warehouse" / "published" / "wellled.duckdb"), read_only=True) as con:
        yield con


@pytest.fixture
def isolated(tmp_path, monkeypatch) -> Path:
    """Landing, warehouse and Dagster home in a temp folder, so tests never touch the user's data."""
    for key, folder in ENVIRONMENT.items():
        monkeypatch.setenv(key, str(tmp_path / folder))
    (tmp_path / "dagster_home").mkdir()
    (tmp_path / "landing").mkdir()
    return tmp_path
