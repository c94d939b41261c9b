"""Schedules, the landing sensor, the run-failure alerts, the build-file pool and what the UI shows."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import threading
import time
import zoneinfo
from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipelines.definitions import defs
from pipelines.defs.common import BUILD_DB_POOL, REFRESH_TAG
from pipelines.defs.publication import sensors as alert_module
from pipelines.defs.publication.sensors import run_failure_alerts
from pipelines.defs.sources.sensors import landing_files_sensor

ROOT = Path(__file__).resolve().parents[2]
LONDON = zoneinfo.ZoneInfo("Europe/London")


# --------------------------------------------------------------------------------------------- schedules

def _next_tick(schedule: dg.ScheduleDefinition, after: dt.datetime) -> dt.datetime:
    # Dagster's own cron iterator (what the daemon uses), so the test checks the real timezone handling.
    from dagster._utils.schedules import cron_string_iterator

    return next(cron_string_iterator(after.timestamp(), schedule.cron_schedule, schedule.execution_timezone))


@pytest.mark.parametrize(("name", "after", "expected", "utc_hour"), [
    # Staff survey results are published in March; 31 March 2026 is in British Summer Time (05:00 UTC).
    ("staff_survey_annual_refresh", dt.datetime(2026, 3, 1, tzinfo=LONDON), dt.datetime(2026, 3, 31, 6), 5),
    # WRES returns are submitted by 31 August.
    ("wres_annual_refresh", dt.datetime(2026, 6, 1, tzinfo=LONDON), dt.datetime(2026, 9, 1, 6), 5),
    # Board registers: the 15th of the month after each quarter end; January is in GMT.
    ("board_quarterly_refresh", dt.datetime(2026, 11, 23, tzinfo=LONDON), dt.datetime(2027, 1, 15, 6), 6),
    ("board_quarterly_refresh", dt.datetime(2027, 1, 16, tzinfo=LONDON), dt.datetime(2027, 4, 15, 6), 5),
])
def test_schedules_follow_the_publication_calendar_in_london_time(name, after, expected, utc_hour):
    tick = _next_tick(defs.resolve_schedule_def(name), after)
    assert tick.astimezone(LONDON).replace(tzinfo=None) == expected
    assert tick.astimezone(dt.UTC).hour == utc_hour


def test_schedules_are_off_by_default_and_start_the_national_refresh():
    schedules = list(defs.schedules)
    assert {s.name for s in schedules} == {"staff_survey_annual_refresh", "wres_annual_refresh",
                                           "board_quarterly_refresh"}
    for schedule in schedules:
        assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED, schedule.name
        assert schedule.execution_timezone == "Europe/London"
        assert schedule.job_name == "national_refresh"
        assert schedule.description
        context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 3, 31, 6, tzinfo=LONDON))
        request = schedule.evaluate_tick(context).run_requests[0]
        assert request.tags["wellled/trigger"] == schedule.name


# ------------------------------------------------------------------------------------------ landing sensor

def _land(landing: Path, relpath: str, content: str, age_seconds: float = 300) -> Path:
    path = landing / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    past = time.time() - age_seconds
    os.utime(path, (past, past))
    return path


def _tick(instance, cursor: str | None) -> dg.SensorResult | dg.SkipReason:
    context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs,
                                      sensor_name="landing_files_sensor")
    return landing_files_sensor(context)


def _requests(result) -> list[dg.RunRequest]:
    return list(result.run_requests or []) if isinstance(result, dg.SensorResult) else []


def _skip(result) -> str:
    reason = result if isinstance(result, dg.SkipReason) else result.skip_reason
    return reason.skip_message if reason else ""


def test_a_file_dropped_into_the_landing_folder_requests_one_national_refresh(isolated):
    landing = isolated / "landing"
    with dg.instance_for_test(temp_dir=str(isolated / "dagster_home")) as instance:
        empty = _tick(instance, None)
        assert not _requests(empty), "an empty landing folder starts nothing"

        _land(landing, "ods/etr.csv", "R0A,Manchester University NHS Foundation Trust\n")
        first = _tick(instance, None)
        [request] = _requests(first)
        assert request.job_name in (None, "national_refresh")
        assert request.run_key.startswith("landing-00001-")
        assert request.tags["wellled/trigger"] == "landing_files_sensor"
        assert "new ods" in request.tags["wellled/landing_changes"]

        # The same files again: nothing, however many ticks.
        again = _tick(instance, first.cursor)
        assert not _requests(again)
        assert "No new or changed files" in _skip(again)

        # A new period, then a revised file: one request each, each with its own key.
        _land(landing, "wres/2024/national.csv", "org_code,reporting_year\nR0A,2024\n")
        second = _tick(instance, first.cursor)
        [request2] = _requests(second)
        assert request2.tags["wellled/landing_changes"] == "new wres/2024"
        _land(landing, "wres/2024/national.csv", "org_code,reporting_year\nR0A,2024\nR1F,2024\n")
        third = _tick(instance, second.cursor)
        [request3] = _requests(third)
        assert request3.tags["wellled/landing_changes"] == "changed wres/2024"
        assert len({request.run_key, request2.run_key, request3.run_key}) == 3

        # Reverting to earlier content is a change too (the sequence keeps the run key new).
        _land(landing, "wres/2024/national.csv", "org_code,reporting_year\nR0A,2024\n")
        fourth = _tick(instance, third.cursor)
        [request4] = _requests(fourth)
        assert request4.run_key != request2.run_key

        # Respondent-level data is a landed source like the others.
        _land(landing, "respondents/2024/trust_R0A.csv", "org_code,survey_year\nR0A,2024\n")
        fifth = _tick(instance, fourth.cursor)
        [request5] = _requests(fifth)
        assert request5.tags["wellled/landing_changes"] == "new respondents/2024"

        # Content, not timestamps: rewriting a file with the same bytes starts nothing.
        _land(landing, "ods/etr.csv", "R0A,Manchester University NHS Foundation Trust\n", age_seconds=100)
        assert not _requests(_tick(instance, fifth.cursor))


def test_landing_sensor_waits_for_files_being_written_and_names_misplaced_files(isolated):
    landing = isolated / "landing"
    with dg.instance_for_test(temp_dir=str(isolated / "dagster_home")) as instance:
        _land(landing, "board/2024-03-31/RXX.csv", "org_code\nRXX\n", age_seconds=0)
        waiting = _tick(instance, None)
        assert not _requests(waiting)
        assert "settle" in _skip(waiting) and "board/2024-03-31/RXX.csv" in _skip(waiting)

        _land(landing, "board/2024-03-31/RXX.csv", "org_code\nRXX\n")
        _land(landing, "board/RYY.csv", "org_code\nRYY\n")
        misplaced = _tick(instance, None)
        assert not _requests(misplaced)
        assert "board/RYY.csv" in _skip(misplaced) and "period folder" in _skip(misplaced)


def test_landing_cursor_holds_one_digest_per_period_not_per_file(isolated):
    landing = isolated / "landing"
    for trust in range(300):
        _land(landing, f"board/2024-03-31/R{trust:03d}.csv", f"org_code\nR{trust:03d}\n")
    with dg.instance_for_test(temp_dir=str(isolated / "dagster_home")) as instance:
        result = _tick(instance, None)
    assert len(_requests(result)) == 1
    cursor = json.loads(result.cursor)
    assert list(cursor["periods"]) == ["board/2024-03-31"]
    assert len(result.cursor) < 200


def test_emptying_the_landing_folder_starts_nothing(isolated):
    landing = isolated / "landing"
    etr = _land(landing, "ods/etr.csv", "R0A\n")
    with dg.instance_for_test(temp_dir=str(isolated / "dagster_home")) as instance:
        first = _tick(instance, None)
        etr.unlink()
        emptied = _tick(instance, first.cursor)
        assert not _requests(emptied)
        assert "empty" in _skip(emptied)
        _land(landing, "ods/etr.csv", "R0A\n")
        assert len(_requests(_tick(instance, emptied.cursor))) == 1, "files landing again start a refresh"


# -------------------------------------------------------------------------------------- run-failure alerts

class _Webhook(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 200
    delay = 0.0

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"body": json.loads(body), "content_type": self.headers["Content-Type"]})
        time.sleep(type(self).delay)
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


def _serve(status: int = 200, delay: float = 0.0):
    handler = type("Hook", (_Webhook,), {"received": [], "status": status, "delay": delay})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler


@dg.op
def _refuse_landing_file():
    raise RuntimeError("wres/2024/national.csv: column 'count' holds -3, which is not a count")


@dg.job(tags={REFRESH_TAG: "test"})
def _failing_job():
    _refuse_landing_file()


def _failure_context(instance) -> dg.RunFailureSensorContext:
    result = _failing_job.execute_in_process(instance=instance, raise_on_error=False,
                                             tags={"wellled/trigger": "landing_files_sensor"})
    assert not result.success
    return dg.build_run_status_sensor_context(
        sensor_name="run_failure_alerts", dagster_instance=instance, dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event()).for_run_failure()


def _alerts(isolated: Path) -> list[dict]:
    path = isolated / "warehouse" / "alerts" / "run_failures.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_failed_run_is_recorded_and_posted_to_the_webhook(isolated, monkeypatch):
    server, hook = _serve()
    monkeypatch.setenv("WELLLED_ALERT_WEBHOOK", f"http://127.0.0.1:{server.server_port}/hooks/wellled")
    try:
        with dg.instance_for_test(temp_dir=str(isolated / "dagster_home")) as instance:
            context = _failure_context(instance)
            run_failure_alerts(context)
    finally:
        server.shutdown()
    [record] = _alerts(isolated)
    assert record["run_id"] == context.dagster_run.run_id
    assert record["job"] == "_failing_job" and record["trigger"] == "landing_files_sensor"
    assert record["failed_steps"][0]["step"] == "_refuse_landing_file"
    assert "not a count" in record["failed_steps"][0]["error"]
    assert record["webhook"] == "posted as json (HTTP 200)"
    [post] = hook.received
    assert post["content_type"] == "application/json"
    assert post["body"]["wellled"]["run_id"] == record["run_id"]
    assert "_refuse_landing_file" in post["body"]["text"]


@pytest.mark.parametrize("problem", ["http_500", "unreachable", "slow"])
def test_a_webhook_that_fails_never_fails_the_sensor(isolated, monkeypatch, problem):
    server, _hook = _serve(status=500 if problem == "http_500" else 200, delay=3.0 if problem == "slow" else 0.0)
    port = server.server_port
    if problem == "unreachable":
        server.shutdown()
        server.server_close()
    monkeypatch.setattr(alert_module, "WEBHOOK_TIMEOUT_SECONDS", 0.5)
    monkeypatch.setenv("WELLLED_ALERT_WEBHOOK", f"http://127.0.0.1:{port}/hook")
    try:
        with dg.instance_for_test(temp_dir=str(isolated / "dagster_home")) as instance:
            started = time.monotonic()
            run_failure_alerts(_failure_context(instance))
            assert time.monotonic() - started < 30
    finally:
        if problem != "unreachable":
            server.shutdown()
    [record] = _alerts(isolated)
    assert record["webhook"].startswith("post failed"), record["webhook"]
    if problem == "http_500":
        assert record["webhook"] == "post failed: HTTP 500 (json)"


def test_only_http_webhooks_are_posted_to(isolated, monkeypatch):
    monkeypatch.setenv("WELLLED_ALERT_WEBHOOK", f"file://{isolated}/posted.json")
    with dg.instance_for_test(temp_dir=str(isolated / "dagster_home")) as instance:
        run_failure_alerts(_failure_context(instance))
    assert _alerts(isolated)[0]["webhook"].startswith("post skipped")
    assert not (isolated / "posted.json").exists()


def test_failures_are_recorded_without_a_webhook(isolated, monkeypatch):
    monkeypatch.delenv("WELLLED_ALERT_WEBHOOK", raising=False)
    with dg.instance_for_test(temp_dir=str(isolated / "dagster_home")) as instance:
        run_failure_alerts(_failure_context(instance))
    assert _alerts(isolated)[0]["webhook"] == "not configured"


# ------------------------------------------------------------------------------------ pool and instance

def test_every_step_of_every_job_and_every_asset_and_check_joins_the_build_file_pool():
    for job_name in [job.name for job in defs.resolve_all_job_defs()]:
        job = defs.resolve_job_def(job_name)
        for node in job.graph.nodes:
            assert node.definition.pool == BUILD_DB_POOL, f"{job_name}: {node.name} has pool {node.definition.pool}"
        assert job.executor_def.name == "in_process", f"{job_name} runs a process per step"
    for assets_def in [*defs.assets, *defs.asset_checks]:
        assert assets_def.node_def.pool == BUILD_DB_POOL, assets_def.node_def.name


def test_instance_config_keeps_the_pool_at_one_and_one_refresh_at_a_time(tmp_path):
    config = yaml.safe_load((ROOT / "dagster.yaml").read_text())
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert {"key": REFRESH_TAG, "limit": 1} in config["concurrency"]["runs"]["tag_concurrency_limits"]
    assert defs.resolve_job_def("national_refresh").tags[REFRESH_TAG]
    (tmp_path / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:  # validates the file as Dagster reads it
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"


# -------------------------------------------------------------------------------------------- UI quality

def test_every_asset_shows_kinds_and_table_metadata_in_the_ui():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.kinds, f"{key.to_user_string()} has no kinds"
        if key.path[0] != "publication":
            assert "dagster/column_schema" in node.metadata, f"{key.to_user_string()} has no column schema"


def test_every_gate_sensor_schedule_and_job_is_described():
    graph = defs.resolve_asset_graph()
    for check in graph.asset_check_keys:
        if check.name.startswith("gx_"):
            assert graph.get_check_spec(check).description, check
    jobs = [job for job in defs.resolve_all_job_defs() if not job.name.startswith("__")]  # not the implicit job
    for definition in [*defs.sensors, *defs.schedules, *jobs]:
        assert definition.description, definition.name
