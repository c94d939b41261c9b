"""End to end through the real UI stack: `dagster dev` (webserver, daemon, code server) on a free local port.

A tiny sample lands in a temp folder; `national_refresh` is launched through the GraphQL API as the UI
launches it, queued by the daemon, run by the run launcher with the build-file pool of one, and must
succeed; the Great Expectations gates are then read back through GraphQL. Everything listens on 127.0.0.1
only and every process started here is killed by process group at the end.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
READY_TIMEOUT_SECONDS = 240
RUN_TIMEOUT_SECONDS = 360
TERMINAL = {"SUCCESS", "FAILURE", "CANCELED"}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Ui:
    """A running `dagster dev` and a small GraphQL client for it."""

    def __init__(self, root: Path, webhook: str):
        self.root, self.port = root, _free_port()
        self.log_path = root / "dagster_dev.log"
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("WELLLED_", "DAGSTER_"))}
        env.update({"DAGSTER_HOME": str(root / "dagster_home"), "WELLLED_LANDING_DIR": str(root / "landing"),
                    "WELLLED_WAREHOUSE_DIR": str(root / "warehouse"), "WELLLED_ALERT_WEBHOOK": webhook,
                    "PATH": f"{BIN}{os.pathsep}{env['PATH']}"})
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(self.port)],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def query(self, text: str, variables: dict | None = None, timeout: float = 60) -> dict:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/graphql", method="POST",
                                         data=json.dumps({"query": text, "variables": variables or {}}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read())
        assert not payload.get("errors"), payload["errors"]
        return payload["data"]

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def wait_for_job(self, job: str) -> tuple[str, str]:
        """(code location, repository) once the code location that holds `job` has loaded."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"dagster dev exited early:\n{self.log_tail()}"
            try:
                data = self.query(REPOSITORIES, timeout=10)["repositoriesOrError"]
            except (OSError, AssertionError):
                time.sleep(2)
                continue
            for repo in data.get("nodes", []):
                if job in {j["name"] for j in repo["jobs"]}:
                    return repo["location"]["name"], repo["name"]
            time.sleep(2)
        pytest.fail(f"the code location did not load within {READY_TIMEOUT_SECONDS}s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Kill the whole process group (webserver, daemon, code server, run workers, dbt)."""
        pgid = self.process.pid
        for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline and _group_alive(pgid):
                time.sleep(0.5)
            if not _group_alive(pgid):
                break
        self.process.wait(timeout=10)
        self._log.close()


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs. Zombies do not count: killpg would still find them until
    something reaps them, and a container's first process may never do so."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _parent, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except OSError:  # the process ended while we looked
            continue
        if int(group) == pgid and state != "Z":
            return True
    return False


REPOSITORIES = """
{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } jobs { name } } } } }
"""
LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
RUN = """
query Run($id: ID!) {
  runOrError(runId: $id) { ... on Run { status } ... on RunNotFoundError { message } }
}
"""
FAILED_STEPS = """
query Events($id: ID!) {
  logsForRun(runId: $id, limit: 5000) {
    ... on EventConnection { events { __typename ... on ExecutionStepFailureEvent { stepKey error { message } } } }
  }
}
"""
ASSETS = """
{
  assetNodes {
    assetKey { path }
    assetChecksOrError {
      ... on AssetChecks {
        checks { name blocking executionForLatestMaterialization { runId status evaluation { success } } }
      }
    }
  }
}
"""
PUBLICATION = """
{ assetOrError(assetKey: {path: ["publication", "wellled"]}) {
    ... on Asset { assetMaterializations(limit: 1) { runId metadataEntries { label } } } } }
"""


class _Webhook(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def ui(tmp_path):
    from pipelines.sample_data import generate

    generate(tmp_path / "landing", trusts=6, years=(2023, 2024), seed=7)
    (tmp_path / "dagster_home").mkdir()
    shutil.copy(ROOT / "dagster.yaml", tmp_path / "dagster_home" / "dagster.yaml")
    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("Hook", (_Webhook,), {"received": []}))
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    server = Ui(tmp_path, webhook=f"http://127.0.0.1:{hook.server_port}/alerts")
    server.webhook_posts = hook.RequestHandlerClass.received
    try:
        yield server
    finally:
        server.stop()
        hook.shutdown()
    assert not _group_alive(server.process.pid), "processes of dagster dev outlived the test"


def _launch_and_wait(ui: Ui, location: str, repository: str) -> tuple[str, str, float]:
    launched = ui.query(LAUNCH, {"params": {"selector": {"repositoryLocationName": location,
                                                         "repositoryName": repository,
                                                         "jobName": "national_refresh"},
                                            "runConfigData": {}}})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    started, status = time.monotonic(), None
    while time.monotonic() - started < RUN_TIMEOUT_SECONDS:
        status = ui.query(RUN, {"id": run_id})["runOrError"]["status"]
        if status in TERMINAL:
            break
        time.sleep(3)
    return run_id, status, time.monotonic() - started


def test_national_refresh_launched_through_the_ui_succeeds_and_its_gates_pass(ui):
    location, repository = ui.wait_for_job("national_refresh")
    run_id, status, took = _launch_and_wait(ui, location, repository)
    if status != "SUCCESS":
        events = ui.query(FAILED_STEPS, {"id": run_id})["logsForRun"].get("events", [])
        failures = [f"{e['stepKey']}: {e['error']['message'][:400]}" for e in events
                    if e["__typename"] == "ExecutionStepFailureEvent"]
        pytest.fail(f"run {run_id} ended {status} after {took:.0f}s; failed steps: {failures}\n{ui.log_tail()}")
    print(f"national_refresh through the UI: {took:.0f}s")

    # The UI shows the whole asset graph, with every check the code location defines.
    from pipelines.definitions import defs

    nodes = ui.query(ASSETS)["assetNodes"]
    shown = {tuple(node["assetKey"]["path"]) for node in nodes}
    graph = defs.resolve_asset_graph()
    assert {tuple(key.path) for key in graph.get_all_asset_keys()} <= shown
    checks = {(tuple(node["assetKey"]["path"]), check["name"]): check
              for node in nodes for check in (node["assetChecksOrError"] or {}).get("checks", [])}
    assert {(tuple(key.asset_key.path), key.name) for key in graph.asset_check_keys} <= set(checks)

    # Every Great Expectations gate ran in this run, blocking, and passed.
    gates = {key: check for key, check in checks.items() if key[1].startswith("gx_")}
    assert len(gates) >= 8
    for (asset, name), check in gates.items():
        execution = check["executionForLatestMaterialization"]
        where = f"{'/'.join(asset)}:{name}"
        assert check["blocking"], where
        assert execution and execution["runId"] == run_id, f"{where} did not run in {run_id}"
        assert execution["status"] == "SUCCEEDED" and execution["evaluation"]["success"], f"{where}: {execution}"

    # And the publication was made in this run, and is in place for BI tools.
    [materialization] = ui.query(PUBLICATION)["assetOrError"]["assetMaterializations"]
    assert materialization["runId"] == run_id
    assert (ui.root / "warehouse" / "published" / "wellled.duckdb").is_file()

    # A refresh that fails (a misplaced file) is recorded by the run-failure sensor, which the daemon runs
    # by default, and posted to the webhook; the publication made above stays live.
    (ui.root / "landing" / "board" / "RXX.csv").write_text("org_code\nRXX\n")
    failed_id, status, _ = _launch_and_wait(ui, location, repository)
    assert status == "FAILURE"
    alerts = ui.root / "warehouse" / "alerts" / "run_failures.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (alerts.exists() and failed_id in alerts.read_text()):
        time.sleep(2)
    [record] = [json.loads(line) for line in alerts.read_text().splitlines()]
    assert record["run_id"] == failed_id and record["webhook"] == "posted as json (HTTP 204)"
    assert any("board/RXX.csv" in step["error"] for step in record["failed_steps"]), record
    assert [post["wellled"]["run_id"] for post in ui.webhook_posts] == [failed_id]
