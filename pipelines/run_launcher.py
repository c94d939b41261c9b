"""Dagster's default run launcher, plus the worker health check run monitoring needs (dagster.yaml).

Measured on Dagster 1.13.27: `DefaultRunLauncher.supports_check_run_worker_health` is False, so with
`run_monitoring: enabled` alone a UI-launched run whose worker process dies (killed, out of memory) stays
STARTED for ever and keeps its slot in the build-file pool, blocking every later run. This launcher
launches exactly as the default one, and lets the daemon's run monitoring ask whether the worker is still
alive: the worker's pid is in the run's own "Started process for run (pid: N)" event. A dead worker fails
the run; `free_slots_after_run_end_seconds` then frees the pool slots it held.

The pid is only meaningful on the host that ran the worker: runs launched through a code server on this
host (as under `make ui`) are tagged with the host name; any other run is reported RUNNING (not known to be
dead), so run monitoring never fails a run it cannot see.

The health check's result types are not exported by Dagster: they are imported from where Dagster defines
them, on purpose, and tests/unit/test_dagster_internals.py fails with a clear message if they move.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

import dagster as dg
from dagster._core.launcher.base import CheckRunHealthResult, WorkerStatus

if TYPE_CHECKING:
    from dagster._core.launcher.base import LaunchRunContext

WORKER_HOST_TAG = "wellled/worker_host"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class WellledRunLauncher(dg.DefaultRunLauncher):
    """DefaultRunLauncher with `check_run_worker_health` for run workers on this host."""

    def launch_run(self, context: LaunchRunContext) -> None:
        client = _grpc_client(context)
        if client is not None and (getattr(client, "socket", None) or getattr(client, "host", "") in LOCAL_HOSTS):
            self._instance.add_run_tags(context.dagster_run.run_id, {WORKER_HOST_TAG: socket.gethostname()})
        super().launch_run(context)

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        run = self._instance.get_run_by_id(run.run_id) or run  # tags added at launch
        if run.tags.get(WORKER_HOST_TAG) != socket.gethostname():
            return CheckRunHealthResult(WorkerStatus.RUNNING, "worker on another host: not checked")
        pid = worker_pid(self._instance, run.run_id)
        if pid is None:
            return CheckRunHealthResult(WorkerStatus.RUNNING, "worker process not started yet")
        if process_alive(pid):
            return CheckRunHealthResult(WorkerStatus.RUNNING, f"worker process {pid} is alive")
        return CheckRunHealthResult(WorkerStatus.FAILED, f"run worker process {pid} is gone (killed or crashed) "
                                                         "without finishing the run; its pool slots are released.")


def worker_pid(instance, run_id: str) -> int | None:
    """The pid in the run's last "Started process for run" engine event."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT).records
    for record in reversed(records):
        entry = record.event_log_entry
        if (entry.message or entry.user_message or "").startswith("Started process for run"):
            pid = entry.dagster_event.engine_event_data.metadata.get("pid")
            return int(pid.value) if pid is not None else None
    return None


def process_alive(pid: int) -> bool:
    """Whether a process of this host still runs (a zombie does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped by the code server) is dead too
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _grpc_client(context: LaunchRunContext):
    try:
        origin = context.dagster_run.remote_job_origin
        location = context.workspace.get_code_location(origin.repository_origin.code_location_origin.location_name)
        return location.client
    except Exception:  # noqa: BLE001 - no tag means "not checked", never a failed launch
        return None
