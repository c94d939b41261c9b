"""What BI readers can rely on: crashes, concurrent readers, repeat refreshes and rollback never expose a
half-written or unchecked publication."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import cli, settings
from tests.conftest import copy_refresh

pytestmark = pytest.mark.integration
WELLLED = [sys.executable, "-m", "pipelines.cli"]
ROOT = Path(__file__).resolve().parents[2]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _current() -> tuple[str, str]:
    return (settings.published_dir() / "CURRENT").read_text(), _sha(settings.published_db_path())


def _refresh_until(marker: str, env: dict, delay: float, timeout: float = 600) -> None:
    """Start a refresh in its own process group, SIGKILL the whole group once `marker` is printed."""
    process = subprocess.Popen([*WELLLED, "refresh"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline, seen = time.monotonic() + timeout, []
    try:
        for line in process.stderr:
            if marker in line:
                time.sleep(delay)
                break
            seen.append(line)
            assert time.monotonic() < deadline, f"refresh never reached {marker!r}"
        else:
            pytest.fail(f"refresh ended (exit {process.wait()}) before {marker!r}:\n{''.join(seen[-30:])}")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# Killed in the order a refresh reaches them, so each run after a kill must get through the stage the one
# before it died in: killed inside ingest, the next run ingests afresh and is killed in dbt; the one after
# builds and is killed while publishing; the last publishes. Every stage is shown to recover, for one whole
# refresh rather than one per kill point.
KILL_POINTS = [
    ("ingest", "WELLLED_PAUSED_AT ingest", 0.5),    # inside the raw-table write transaction
    ("dbt", "> dbt_models", 6),                      # while the dbt subprocess builds models
    ("publish", "WELLLED_PAUSED_AT publish", 0.5),  # new version file written, not yet current
]


def test_sigkill_at_each_stage_leaves_the_publication_unchanged_and_the_next_run_recovers(sample_copy):
    before = _current()
    for point, marker, delay in KILL_POINTS:
        _refresh_until(marker, {**os.environ, "WELLLED_PAUSE_AT": point}, delay)
        assert _current() == before, f"killed during {point}: the current publication changed"
        with duckdb.connect(str(settings.published_db_path()), read_only=True) as con:
            assert con.execute("select count(*) from fct_staff_survey_scores").fetchall()[0][0] > 0
    assert cli.main(["refresh"]) == 0, "the run after a kill during publish needed repair"
    assert _current() != before
    assert not list((settings.published_dir() / "versions").glob(".*"))  # no .partial, no .partial.wal


READER = textwrap.dedent("""
    import sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    import os
    reads = errors = 0
    versions = set()
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(path, read_only=True)
            version = con.execute("select min(version), max(version) from publication_manifest").fetchall()[0]
            expected = dict(con.execute("select item_name, row_count from publication_manifest "
                                        "where item_kind = 'table'").fetchall())
            for table, rows in expected.items():
                got = con.execute(f'select count(*) from "{table}"').fetchall()[0][0]
                assert got == rows, (table, got, rows)
            assert version[0] == version[1]
            versions.add(version[0])
            con.close()
            reads += 1
        except Exception as error:
            errors += 1
            print("READ ERROR", repr(error), file=sys.stderr, flush=True)
        time.sleep(0.02)
    print(reads, errors, len(versions), flush=True)
""")


def _table_hashes(path: Path) -> dict[str, str]:
    """A hash of each published table's rows in key order (every column), run fields aside."""
    hashes = {}
    with duckdb.connect(str(path), read_only=True) as con:
        for (table,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall():
            columns = [c for (c,) in con.execute("select column_name from duckdb_columns() where table_name = ? "
                                                 "order by column_index", [table]).fetchall()
                       if c not in ("version", "run_id", "published_at")]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {listed} from "{table}" order by all').fetchall()
            hashes[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return hashes


@pytest.fixture(scope="module")
def republished(sample_refresh, tmp_path_factory):
    """One more refresh of a copy of the sample, with a reader polling the publication all the while: what the
    reader saw, the current version and the tables' hashes before and after. The tests below share it, in order
    (the last one rolls back)."""
    root, status = sample_refresh
    assert status == 0
    copy = tmp_path_factory.mktemp("republished")
    patch = pytest.MonkeyPatch()
    copy_refresh(root, copy, patch)
    before, hashes_before = _current(), _table_hashes(settings.published_db_path())
    stop = copy / "stop-reading"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(settings.published_db_path()), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1)
        status = cli.main(["refresh"])
        time.sleep(1)
    finally:
        stop.touch()
    out, err = reader.communicate(timeout=60)
    yield {"status": status, "read": tuple(map(int, out.split())), "read_errors": err, "before": before,
           "hashes_before": hashes_before, "hashes_after": _table_hashes(settings.published_db_path())}
    patch.undo()


def test_readers_see_one_consistent_version_while_a_refresh_publishes(republished):
    assert republished["status"] == 0
    reads, errors, versions = republished["read"]
    assert errors == 0, republished["read_errors"]
    assert reads > 10 and versions == 2, (reads, versions)  # the old version, then the new one


def test_the_same_landing_refreshed_twice_publishes_identical_tables(republished):
    assert republished["status"] == 0
    assert republished["hashes_after"] == republished["hashes_before"]


def test_rollback_makes_the_previous_version_current(republished):
    assert republished["status"] == 0
    assert _current() != republished["before"]
    assert cli.main(["publish", "--rollback"]) == 0
    assert _current() == republished["before"]
