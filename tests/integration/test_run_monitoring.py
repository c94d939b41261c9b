"""Run monitoring through `dagster dev`: a run whose worker and code server are killed is failed by the daemon's
monitor and its pool slot is freed. The monitor's decisions on hand-made runs are in tests/unit."""

import os
import signal
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.common import BUILD_DB_POOL

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_a_ui_run_whose_worker_and_code_server_are_killed_is_failed_and_frees_the_pool(tmp_path, monkeypatch):
    """Through `dagster dev` with the project's dagster.yaml: SIGKILL the run worker and its code server (so
    nothing but run monitoring can notice). Measured with Dagster's default launcher instead: the run stayed
    STARTED and kept the pool slot for as long as we waited (100 s)."""
    from pipelines.run_launcher import worker_pid
    from pipelines.sample_data import generate
    from tests.integration.test_ui_e2e import LAUNCH, Ui

    generate(tmp_path / "landing", trusts=5, years=(2024,), seed=7)
    (tmp_path / "dagster_home").mkdir()
    (tmp_path / "dagster_home" / "dagster.yaml").write_text(_sooner((ROOT / "dagster.yaml").read_text()))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    ui = Ui(tmp_path, webhook="")
    try:
        location, repository = ui.wait_for_job("national_refresh")
        launched = ui.query(LAUNCH, {"params": {"selector": {"repositoryLocationName": location,
                                                             "repositoryName": repository,
                                                             "jobName": "national_refresh"},
                                                "runConfigData": {}}})["launchRun"]
        run_id = launched["run"]["runId"]
        with dg.DagsterInstance.get() as instance:
            slots = instance.event_log_storage.get_concurrency_info
            pid = _wait(lambda: worker_pid(instance, run_id), 180)
            assert _wait(lambda: slots(BUILD_DB_POOL).claimed_slots, 180), "the run never took the pool slot"
            with open(f"/proc/{pid}/stat") as stat:
                code_server = int(stat.read().rsplit(")", 1)[1].split()[1])
            os.kill(code_server, signal.SIGKILL)
            os.kill(pid, signal.SIGKILL)
            assert _wait(lambda: instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE, 120)
            assert _wait(lambda: not slots(BUILD_DB_POOL).claimed_slots, 120), "the dead run kept its pool slot"
            failure = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records
            assert f"run worker process {pid} is gone" in failure[-1].event_log_entry.message
            # Whether the daemon retries it is test_a_run_whose_worker_died_is_retried_and_a_failed_gate_is_not:
            # here the code server died too, and a retry needs the code location back (docs/operations.md).
    finally:
        ui.stop()


def _sooner(config: str) -> str:
    """The project's instance settings with the monitor's two waits cut to 5 s: the test is about what the monitor
    does, not how long the project lets it wait (tests/unit checks the project's own values)."""
    for setting in ("poll_interval_seconds: 30", "free_slots_after_run_end_seconds: 30"):
        assert setting in config, f"dagster.yaml no longer says {setting!r}: update this test"
        config = config.replace(setting, setting.replace("30", "5"))
    return config


def _wait(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(1)
    return None
