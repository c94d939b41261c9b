"""Run monitoring: a run whose worker died is failed by the daemon's monitor and its pool slot is freed."""

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import yaml
from dagster._core.events import EngineEventData
from dagster._core.launcher import DefaultRunLauncher
from dagster._core.test_utils import create_run_for_test
from dagster._daemon.monitoring.concurrency import execute_concurrency_slots_iteration
from dagster._daemon.monitoring.run_monitoring import monitor_started_run

from pipelines.defs.common import BUILD_DB_POOL
from pipelines.run_launcher import WORKER_HOST_TAG, WellledRunLauncher

ROOT = Path(__file__).resolve().parents[2]
LOG = logging.getLogger("test_run_monitoring")


def _instance_home(tmp_path: Path, name: str = "dagster.yaml", free_after: int = 1) -> Path:
    config = yaml.safe_load((ROOT / name).read_text())
    config["run_monitoring"]["free_slots_after_run_end_seconds"] = free_after  # the test cannot wait 30 s
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(config))
    return tmp_path


def _started_run(instance, pid: int, *, on_this_host: bool = True) -> dg.DagsterRun:
    tags = {WORKER_HOST_TAG: socket.gethostname()} if on_this_host else {}
    run = create_run_for_test(instance, job_name="national_refresh", status=dg.DagsterRunStatus.STARTED, tags=tags)
    instance.report_engine_event(f"Started process for run (pid: {pid}).", run, EngineEventData.in_process(pid))
    return run


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _monitor(instance, run: dg.DagsterRun) -> dg.DagsterRunStatus:
    record = instance.get_run_records(dg.RunsFilter(run_ids=[run.run_id]))[0]
    monitor_started_run(instance, None, record, LOG)
    return instance.get_run_by_id(run.run_id).status


def test_instance_config_enables_run_monitoring_with_a_launcher_that_checks_workers(tmp_path):
    for name in ("dagster.yaml", "dagster.postgres.yaml"):
        config = yaml.safe_load((ROOT / name).read_text())
        assert config["run_monitoring"]["enabled"] is True, name
        assert config["run_monitoring"]["free_slots_after_run_end_seconds"] > 0, name
        assert config["run_launcher"]["class"] == "WellledRunLauncher", name
        assert config["concurrency"]["pools"]["default_limit"] == 1, name
    # Dagster's own launcher cannot tell a dead worker: monitoring alone would leave the run STARTED for ever.
    assert not DefaultRunLauncher().supports_check_run_worker_health
    with dg.DagsterInstance.from_config(str(_instance_home(tmp_path))) as instance:  # validates the file
        assert isinstance(instance.run_launcher, WellledRunLauncher)
        assert instance.run_launcher.supports_check_run_worker_health
        assert instance.run_monitoring_enabled
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1


def test_a_run_whose_worker_died_is_failed_and_its_pool_slot_freed(tmp_path):
    with dg.DagsterInstance.from_config(str(_instance_home(tmp_path))) as instance:
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default(BUILD_DB_POOL)
        dead = _started_run(instance, _dead_pid())
        assert storage.claim_concurrency_slot(BUILD_DB_POOL, dead.run_id, "dbt_models").is_claimed
        waiting = create_run_for_test(instance, job_name="national_refresh", status=dg.DagsterRunStatus.STARTED)
        assert not storage.claim_concurrency_slot(BUILD_DB_POOL, waiting.run_id, "ingest_ods").is_claimed

        assert _monitor(instance, dead) == dg.DagsterRunStatus.FAILURE
        time.sleep(1.5)  # free_slots_after_run_end_seconds
        list(execute_concurrency_slots_iteration(SimpleNamespace(instance=instance), LOG))
        assert storage.get_concurrency_info(BUILD_DB_POOL).claimed_slots == []
        assert storage.claim_concurrency_slot(BUILD_DB_POOL, waiting.run_id, "ingest_ods").is_claimed
        failure = instance.get_records_for_run(dead.run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records
        assert "is gone" in failure[-1].event_log_entry.message


def test_a_run_whose_worker_died_is_retried_and_a_failed_gate_is_not(tmp_path):
    """Dagster's retry daemon decides from the instance config: a run failed by run monitoring (its worker
    died) is retried; a run failed by a step (a refused file, a failed gate) is not."""
    from dagster._daemon.auto_run_reexecution.auto_run_reexecution import should_retry

    with dg.DagsterInstance.from_config(str(_instance_home(tmp_path))) as instance:
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 1
        died = _started_run(instance, _dead_pid())
        assert _monitor(instance, died) == dg.DagsterRunStatus.FAILURE
        assert should_retry(instance.get_run_by_id(died.run_id), instance)

        @dg.asset
        def gate_that_fails():
            raise dg.Failure("a critical expectation failed")

        result = dg.materialize([gate_that_fails], instance=instance, raise_on_error=False)
        assert not result.success
        assert not should_retry(instance.get_run_by_id(result.run_id), instance)


def test_live_workers_and_workers_on_other_hosts_are_left_running(tmp_path):
    with dg.DagsterInstance.from_config(str(_instance_home(tmp_path))) as instance:
        assert _monitor(instance, _started_run(instance, os.getpid())) == dg.DagsterRunStatus.STARTED
        # A worker this host cannot see (a remote code server): never failed on a guess.
        elsewhere = _started_run(instance, _dead_pid(), on_this_host=False)
        assert _monitor(instance, elsewhere) == dg.DagsterRunStatus.STARTED
