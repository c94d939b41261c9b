"""The build step's dbt command (`wellled-dbt`): run by the dbt process a refresh started early when one waits,
else by itself, and the same to its caller either way: output, exit status, folder and environment."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pipelines import dbt_warm, settings

COMMAND = settings.DBT_BUILD_EXECUTABLE


def dbt(command: str, args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "WELLLED_BUILD_DB": str(tmp_path / "wellled.duckdb")}
    return subprocess.run([command, *args], cwd=settings.DBT_PROJECT_DIR, env=env, capture_output=True, text=True,
                          timeout=300)


# `ls` reads the project in its folder and the profile with the environment's build file; a wrong command fails
# with click's usage error and status 2. dbt writes its target and logs under the test's folder, never in the
# install (other tests check that nothing writes there).
LIST = ["ls", "--select", "stg_ods__trusts", "--resource-type", "model", "--output", "path", "--quiet",
        "--profiles-dir", "."]


def _outside_the_install(tmp_path: Path, name: str) -> list[str]:
    """dbt's target and log folders under the test's own; the target starts with the parse state `make install`
    left (as a refresh's does), so dbt reads the project without parsing it all again."""
    target = tmp_path / name / "target"
    target.mkdir(parents=True)
    shutil.copyfile(settings.DBT_PROJECT_DIR / "target" / "partial_parse.msgpack", target / "partial_parse.msgpack")
    return ["--target-path", str(target), "--log-path", str(tmp_path / name / "logs")]


def _list(tmp_path: Path, name: str) -> list[str]:
    return [*LIST, *_outside_the_install(tmp_path, name)]


def test_the_waiting_dbt_process_runs_the_command_as_dbt_would(tmp_path):
    plain = dbt(settings.DBT_EXECUTABLE, _list(tmp_path, "plain"), tmp_path)
    plain_bad = dbt(settings.DBT_EXECUTABLE, ["no-such-command"], tmp_path)
    for args, expected in ((_list(tmp_path, "warm"), plain), (["no-such-command"], plain_bad)):
        with dbt_warm.prestarted(settings.DBT_PYTHON) as waiting:
            done = dbt(COMMAND, args, tmp_path)
            assert waiting.wait(timeout=60) == 0, "the waiting process ran the command and ended"
        assert (done.returncode, done.stdout, done.stderr) == (expected.returncode, expected.stdout, expected.stderr)
    assert plain.returncode == 0 and plain.stdout.strip() == "models/staging/ods/stg_ods__trusts.sql"
    assert plain_bad.returncode == 2


def test_with_no_process_waiting_the_command_runs_dbt_itself(tmp_path, monkeypatch):
    monkeypatch.delenv(dbt_warm.WAITING, raising=False)
    alone = dbt(COMMAND, _list(tmp_path, "alone"), tmp_path)
    monkeypatch.setenv(dbt_warm.WAITING, str(tmp_path / "gone" / "socket"))  # the waiting process has ended
    stale = dbt(COMMAND, _list(tmp_path, "stale"), tmp_path)
    for done in (alone, stale):
        assert (done.returncode, done.stdout.strip()) == (0, "models/staging/ods/stg_ods__trusts.sql")


def test_an_unused_waiting_process_is_stopped_with_its_socket():
    with dbt_warm.prestarted(settings.DBT_PYTHON) as waiting:
        folder = Path(os.environ[dbt_warm.WAITING]).parent
        assert waiting.poll() is None
    assert waiting.poll() is not None and not folder.exists()
    assert dbt_warm.WAITING not in os.environ


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["interrupted", "killed"])
def test_stopping_the_command_stops_dbt_in_the_waiting_process(tmp_path, stop):
    """dagster-dbt cancels a step by interrupting its dbt command, then killing it: either stops dbt."""
    # A query that never ends: every row is evaluated (no shortcut from the range's size), for hours.
    endless = ["show", "--inline", "select count(*) from range(100000000000000) where random() < 2",
               "--profiles-dir", ".", *_outside_the_install(tmp_path, "slow")]
    with dbt_warm.prestarted(settings.DBT_PYTHON) as waiting:
        env = {**os.environ, "WELLLED_BUILD_DB": str(tmp_path / "wellled.duckdb")}
        command = subprocess.Popen([COMMAND, *endless], cwd=settings.DBT_PROJECT_DIR, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        log, deadline = tmp_path / "slow" / "logs" / "dbt.log", time.monotonic() + 60
        while time.monotonic() < deadline and "Concurrency" not in (log.read_text() if log.exists() else ""):
            time.sleep(0.1)  # until dbt, in the waiting process, starts the query (its log may lag)
        time.sleep(1)
        assert waiting.poll() is None and command.poll() is None, command.communicate(timeout=60)[0][-3000:]
        command.send_signal(stop)
        waiting.wait(timeout=60)  # not the hours the query would take
        command.wait(timeout=60)
    assert stop == signal.SIGKILL or command.returncode != 0
