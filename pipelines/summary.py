"""The closing summary of a refresh: time per stage, gates, published tables and where they are."""

from __future__ import annotations

import sys
from collections import defaultdict

import dagster as dg

from . import publish, settings
from .disk_space import disk_full_message, is_disk_full
from .warehouse import WarehouseUnreachable

STAGES = ("ingest", "source gates", "dbt build + tests", "mart gates", "publish")


def stage_of(step_key: str) -> str:
    """The refresh stage a step belongs to (step keys: ingest_<source>, raw__<table> for the respondent
    ingest, <asset>_gx_<suite> for a gate, dbt_*, publication__*)."""
    if "_gx_" in step_key:
        return "source gates" if step_key.startswith("raw__") else "mart gates"
    if step_key.startswith(("ingest_", "raw__")):
        return "ingest"
    if step_key.startswith("dbt_"):
        return "dbt build + tests"
    if step_key.startswith("publication"):
        return "publish"
    return "other steps"


STEP_EVENTS = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE,
               dg.DagsterEventType.STEP_SKIPPED}


def step_events(instance: dg.DagsterInstance, run_id: str) -> list[dg.EventLogEntry]:
    """The run's step start, success, failure and skip events, in order (not the thousands of others)."""
    return [record.event_log_entry for record in instance.get_records_for_run(run_id, of_type=STEP_EVENTS).records]


def step_times(logs: list[dg.EventLogEntry]) -> list[tuple[str, float, float, str]]:
    """(step key, start, end, outcome) of every step that ran, in epoch seconds, from a run's event log."""
    steps, started = [], {}
    for entry in logs:
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
            steps.append((event.step_key, started[event.step_key], entry.timestamp, event.event_type_value))
    return steps


def step_errors(logs: list[dg.EventLogEntry]) -> list[str]:
    """What each failed step said (a Failure's description, else its innermost exception's message)."""
    from .defs.publication.sensors import step_error

    return [step_error(entry.dagster_event.event_specific_data) for entry in logs
            if entry.dagster_event and entry.dagster_event.event_type_value == "STEP_FAILURE"]


def print_summary(result: dg.ExecuteInProcessResult, instance: dg.DagsterInstance, seconds: float) -> int:
    out = sys.stdout
    run_id = result.run_id
    stage_seconds: dict[str, float] = defaultdict(float)
    failed_steps, published_now = [], False
    logs = step_events(instance, run_id)
    for step, start, end, outcome in step_times(logs):
        stage_seconds[stage_of(step)] += end - start
        if outcome == "STEP_FAILURE":
            failed_steps.append(step)
        published_now |= stage_of(step) == "publish" and outcome == "STEP_SUCCESS"
    skipped_steps = [entry.dagster_event.step_key for entry in logs
                     if entry.dagster_event and entry.dagster_event.event_type_value == "STEP_SKIPPED"]

    evaluations = result.get_asset_check_evaluations()
    gates = publish.read_gates(run_id)
    dbt_checks = [e for e in evaluations if not e.check_name.startswith("gx_")]
    # A dbt test with `severity: warn` is recorded and shown, like a GX warning: it does not fail the refresh.
    dbt_warned = [e.check_name for e in dbt_checks if not e.passed and e.severity == dg.AssetCheckSeverity.WARN]
    dbt_failed = [e.check_name for e in dbt_checks if not e.passed and e.severity != dg.AssetCheckSeverity.WARN]
    print("\n=== wellled refresh summary ===", file=out)
    print(f"run {run_id}: {'SUCCEEDED' if result.success else 'FAILED'} in {seconds:.1f}s", file=out)
    for stage in (*STAGES, "other steps"):
        if stage in stage_seconds:
            print(f"  {stage:<18} {stage_seconds[stage]:7.1f}s", file=out)
    by_status: dict[str, list[str]] = defaultdict(list)
    for gate in gates:
        by_status[gate["status"]].append(gate["suite"])
    print(f"quality gates (Great Expectations): {len(gates)} run; "
          + ", ".join(f"{len(v)} {k}" for k, v in sorted(by_status.items())), file=out)
    for status in ("failed", "warning", "skipped"):
        for suite in by_status.get(status, []):
            print(f"  {status:<8} {suite}", file=out)
    passed = len(dbt_checks) - len(dbt_failed) - len(dbt_warned)
    print(f"dbt tests: {passed} passed, {len(dbt_warned)} warnings, {len(dbt_failed)} failed", file=out)
    for name in dbt_warned:
        print(f"  warning  {name}", file=out)
    for name in dbt_failed:
        print(f"  failed   {name}", file=out)
    dbt_log = settings.run_dir(run_id) / "dbt" / "dbt.log"
    if dbt_log.exists():
        print(f"dbt's log (every model and test): {dbt_log}", file=out)
    if failed_steps:
        print(f"failed steps: {', '.join(failed_steps)}", file=out)
    full = [error for error in step_errors(logs) if is_disk_full(error)]
    if full:  # the step's own message names the disk; a writer's raw error does not
        said = next((e for e in full if "the disk holding" in e), None)
        cause = said[said.index("the disk holding"):] if said else disk_full_message(settings.build_db_path().parent)
        print(f"CAUSE: {cause}", file=out)
    if skipped_steps:
        print(f"skipped steps (blocked): {', '.join(skipped_steps)}", file=out)

    try:
        state = publish.published_state()
    except WarehouseUnreachable as error:
        print(f"NOT PUBLISHED: {error}", file=out)
        return 1
    if published_now:
        print(f"published version {state.version}:", file=out)
        for table, rows in state.tables.items():
            print(f"  {table:<40} {rows:>9} rows", file=out)
        print(f"Published warehouse: {state.location}  (open it read-only; reconnect to see a new publication)",
              file=out)
    else:
        print("NOT PUBLISHED: " + (f"the previous publication ({state.version}) stays live at {state.location}"
                                   if state.version else "there is no publication yet"), file=out)
        print("See the failures above, or the run in the Dagster UI (make ui).", file=out)
    return 0 if result.success and published_now else 1
