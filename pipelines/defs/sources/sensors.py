"""Sensors: a national refresh when landed files change, and a record (and webhook) for every failed run.

`landing_files_sensor` hashes the landing folder (docs/source_formats.md) on every tick and compares it with
the state held in its cursor, one digest per source period (`ods`, `staff_survey/2024`, `board/2024-03-31`,
...). A new, changed or removed file changes its period's digest and requests one `national_refresh`; an
unchanged folder requests nothing. The cursor stays small however many files land (one entry per period,
not per file), and every settled period it holds is added as a partition key of its source's partitioned
ingest job (`ingest_<source>_by_period`; see partitions.py).

`run_failure_alerts` appends one JSON line per failed run to `<warehouse>/alerts/run_failures.jsonl` and,
when `WELLLED_ALERT_WEBHOOK` is set, posts it there in the format the receiver accepts (`alert_payload`): an
Adaptive Card for a Microsoft Teams Workflows webhook, Slack's `text` and `blocks` for a Slack incoming
webhook, or `{"text": ..., "wellled": <record>}` for anything else. Text from landed files reaches the
receiver as plain text (never as markdown a chat client would turn into links). A webhook that is down or
slow never fails the sensor: the outcome is recorded in the line instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import dagster as dg

from .. import settings
from ..permissions import owner_only_dir
from ..safe_text import shown
from ..sources.landing import LandedFile, SourceError, discover
from .jobs import national_refresh
from .partitions import PARTITIONS, new_partition_requests

CURSOR_VERSION = 1
# A file modified this recently may still be being copied in: wait for the next tick before hashing it in.
SETTLE_SECONDS = 30
LANDING_SENSOR_INTERVAL_SECONDS = 60
WEBHOOK_ENV = "WELLLED_ALERT_WEBHOOK"
# teams | slack | json; unset, the format follows the webhook's host (alert_format).
ALERT_FORMAT_ENV = "WELLLED_ALERT_FORMAT"
ALERT_FORMATS = ("teams", "slack", "json")
_TEAMS_HOSTS = (".logic.azure.com", ".webhook.office.com", ".powerplatform.com", ".powerautomate.com")
WEBHOOK_TIMEOUT_SECONDS = 5
TRIGGER_TAG = "wellled/trigger"
MAX_TAG_CHARS = 200


# ---------------------------------------------------------------------------------------------------------
# Landing folder
# ---------------------------------------------------------------------------------------------------------

def landed_files(landing: Path) -> list[LandedFile]:
    """Every file of every source, with its SHA-256 (raises SourceError for a misplaced file)."""
    return [file for source in settings.LANDED_SOURCES for file in discover(landing, source)]


def period_key(file: LandedFile) -> str:
    return file.source if file.period is None else f"{file.source}/{file.period}"


def landing_state(files: list[LandedFile]) -> dict[str, str]:
    """One digest per source period, over the names and content hashes of its files."""
    by_period: dict[str, list[str]] = {}
    for file in files:
        by_period.setdefault(period_key(file), []).append(f"{file.relpath}\0{file.sha256}")
    return {key: hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:32]
            for key, lines in sorted(by_period.items())}


def state_digest(state: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def read_cursor(cursor: str | None) -> tuple[int, dict[str, str]]:
    """(requests made so far, state at the last request); an unreadable or old cursor starts afresh."""
    try:
        data = json.loads(cursor or "")
    except ValueError:
        return 0, {}
    if not isinstance(data, dict) or data.get("v") != CURSOR_VERSION:
        return 0, {}
    return int(data.get("seq", 0)), dict(data.get("periods", {}))


def write_cursor(seq: int, state: dict[str, str]) -> str:
    return json.dumps({"v": CURSOR_VERSION, "seq": seq, "periods": state}, sort_keys=True, separators=(",", ":"))


def changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {"new": sorted(after.keys() - before.keys()),
            "changed": sorted(k for k in after.keys() & before.keys() if after[k] != before[k]),
            "removed": sorted(before.keys() - after.keys())}


def describe_changes(found: dict[str, list[str]]) -> str:
    return "; ".join(f"{kind} {', '.join(keys)}" for kind, keys in found.items() if keys)


def unsettled(files: list[LandedFile], now: float, settle_seconds: float = SETTLE_SECONDS) -> list[str]:
    def settling(file: LandedFile) -> bool:
        try:
            return now - file.path.stat().st_mtime < settle_seconds
        except FileNotFoundError:  # removed since it was hashed: the folder is still changing
            return True

    return [f.relpath for f in files if settling(f)]


def evaluate_landing(cursor: str | None, landing: Path, now: float | None = None
                     ) -> tuple[dg.RunRequest | dg.SkipReason, str | None]:
    """Pure decision of one tick: (run request or reason to skip, new cursor or None to keep the old one)."""
    seq, before = read_cursor(cursor)
    try:
        files = landed_files(landing)
    except SourceError as error:
        return dg.SkipReason(f"No refresh started: the landing folder has a misplaced file. {error}"), None
    except FileNotFoundError as error:
        return dg.SkipReason(f"The landing folder changed while it was read ({error.filename}): "
                             "looking again next tick."), None
    busy = unsettled(files, time.time() if now is None else now)
    if busy:
        return dg.SkipReason(f"Waiting for {len(busy)} file(s) modified in the last {SETTLE_SECONDS}s to settle: "
                             f"{', '.join(busy[:5])}{' ...' if len(busy) > 5 else ''}"), None
    after = landing_state(files)
    found = changes(before, after)
    if not any(found.values()):
        return dg.SkipReason(f"No new or changed files in {landing} ({len(files)} files, "
                             f"{len(after)} periods unchanged)."), None
    if not after:
        # Emptying the landing folder would publish empty tables: never do that unattended.
        reason = dg.SkipReason(f"The landing folder {landing} is now empty: no refresh started.")
        return reason, write_cursor(seq, after)
    seq += 1
    what = describe_changes(found)
    request = dg.RunRequest(
        # The same landing state seen again (a retried tick) gives the same key, so Dagster starts it once;
        # the sequence number lets a file reverted to earlier content start a new refresh.
        run_key=f"landing-{seq:05d}-{state_digest(after)[:16]}",
        tags={TRIGGER_TAG: "landing_files_sensor",
              "wellled/landing_changes": what[:MAX_TAG_CHARS] + ("..." if len(what) > MAX_TAG_CHARS else "")},
    )
    return request, write_cursor(seq, after)


@dg.sensor(
    name="landing_files_sensor",
    job=national_refresh,
    minimum_interval_seconds=LANDING_SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Starts a national refresh when a file in the landing folder is new, changed or removed "
                "(compared by SHA-256; an unchanged folder starts nothing). Files still being written "
                f"(modified in the last {SETTLE_SECONDS}s) are waited for; a misplaced file starts nothing "
                "and the tick says which file. Adds each landed period as a partition key of its source's "
                "ingest job (ingest_<source>_by_period, e.g. ingest_staff_survey_by_period).",
)
def landing_files_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    outcome, cursor = evaluate_landing(context.cursor, settings.landing_dir())
    # Every settled landed period becomes a partition key of its source's ingest job (never removed).
    partitions = new_partition_requests(periods_in_state(read_cursor(cursor or context.cursor)[1]),
                                        context.instance)
    for request in partitions:
        context.log.info(f"Adding partitions {', '.join(request.partition_keys)} to {request.partitions_def_name}")
    if isinstance(outcome, dg.SkipReason):
        if cursor is not None or partitions:
            return dg.SensorResult(skip_reason=outcome, cursor=cursor or context.cursor,
                                   dynamic_partitions_requests=partitions)
        return outcome
    context.log.info(f"Requesting national_refresh: {outcome.tags['wellled/landing_changes']}")
    return dg.SensorResult(run_requests=[outcome], cursor=cursor, dynamic_partitions_requests=partitions)


def periods_in_state(state: dict[str, str]) -> dict[str, list[str]]:
    """Partitioned sources' period keys from a landing state (`staff_survey/2024` -> staff_survey: 2024)."""
    found: dict[str, list[str]] = {source: [] for source in PARTITIONS}
    for key in state:
        source, _, period = key.partition("/")
        if period and source in found:
            found[source].append(period)
    return {source: sorted(keys) for source, keys in found.items()}


# ---------------------------------------------------------------------------------------------------------
# Run failures
# ---------------------------------------------------------------------------------------------------------

def alerts_path() -> Path:
    return settings.warehouse_dir() / "alerts" / "run_failures.jsonl"


def failure_record(context: dg.RunFailureSensorContext) -> dict:
    run = context.dagster_run
    steps = []
    for event in context.get_step_failure_events():
        message = step_error(event.event_specific_data) or event.message or ""
        steps.append({"step": event.step_key, "error": shown(message.strip(), 500)})
    tags = run.tags
    trigger = (tags.get(TRIGGER_TAG) or tags.get("dagster/schedule_name") or tags.get("dagster/sensor_name")
               or "manual")
    return {"recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "run_id": run.run_id,
            "job": run.job_name, "trigger": trigger, "message": context.failure_event.message or "",
            "failed_steps": steps}


def step_error(data) -> str:
    """What went wrong in a step: a dg.Failure's description, else the innermost exception's message."""
    failure = getattr(data, "user_failure_data", None)
    if failure is not None and failure.description:
        return failure.description
    error = getattr(data, "error", None)
    while error is not None and error.cause is not None:
        error = error.cause
    return (error.message if error is not None else "").strip()


def alert_format(url: str) -> str:
    """WELLLED_ALERT_FORMAT when set, else Teams or Slack by the webhook's host, else plain JSON."""
    chosen = settings.alert_format()
    if chosen in ALERT_FORMATS:
        return chosen
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if host == "hooks.slack.com":
        return "slack"
    return "teams" if host.endswith(_TEAMS_HOSTS) else "json"


def alert_text(record: dict) -> str:
    failed = ", ".join(s["step"] for s in record["failed_steps"]) or "the run"
    return (f"wellled: {record['job']} run {record['run_id'][:8]} failed ({record['trigger']}). "
            f"Failed: {failed}. Nothing was published; the previous publication stays live.")


def alert_payload(record: dict, fmt: str) -> dict:
    """The body a receiver of format `fmt` accepts. Step errors may quote landed files: plain text only."""
    text = alert_text(record)
    errors = [f"{s['step']}: {s['error']}" for s in record["failed_steps"]]
    if fmt == "teams":  # Teams Workflows webhooks accept Adaptive Cards only
        facts = [{"title": "Job", "value": record["job"]}, {"title": "Run", "value": record["run_id"]},
                 {"title": "Trigger", "value": record["trigger"]}]
        body = [{"type": "TextBlock", "text": "wellled refresh failed", "weight": "Bolder", "size": "Medium",
                 "wrap": True},
                {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text}]},
                {"type": "FactSet", "facts": facts},
                *({"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": e}]} for e in errors)]
        return {"type": "message", "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
            "content": {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                        "version": "1.4", "body": body}}]}
    if fmt == "slack":
        blocks = [{"type": "header", "text": {"type": "plain_text", "text": "wellled refresh failed"}},
                  {"type": "section", "text": {"type": "plain_text", "text": text}},
                  *({"type": "section", "text": {"type": "plain_text", "text": e[:3000]}} for e in errors)]
        return {"text": text, "blocks": blocks}
    return {"text": text, "wellled": record}


def post_webhook(url: str, record: dict) -> str:
    """POST the record in the receiver's format; return what happened. Never raises."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        return f"post skipped: {WEBHOOK_ENV} is not an http(s) URL"
    fmt = alert_format(url)
    body = json.dumps(alert_payload(record, fmt)).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "wellled"})
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            return f"posted as {fmt} (HTTP {response.status})"
    except urllib.error.HTTPError as error:
        return f"post failed: HTTP {error.code} ({fmt})"
    except Exception as error:  # noqa: BLE001 - an alert channel that is down must not break the sensor
        return f"post failed: {type(error).__name__}: {shown(str(error), 200)}"


@dg.run_failure_sensor(
    name="run_failure_alerts",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Records every failed run of this code location to <warehouse>/alerts/run_failures.jsonl "
                f"and posts it to the webhook in {WEBHOOK_ENV} when set (a failed post is recorded, "
                "never raised).",
)
def run_failure_alerts(context: dg.RunFailureSensorContext) -> None:
    record = failure_record(context)
    url = settings.alert_webhook()
    record["webhook"] = post_webhook(url, record) if url else "not configured"
    path = alerts_path()
    owner_only_dir(path.parent, below=settings.warehouse_dir())
    with path.open("a") as handle:
        handle.write(json.dumps(record) + "\n")
    context.log.info(f"Recorded failure of run {record['run_id']} in {path}; webhook: {record['webhook']}")


sensors = [landing_files_sensor, run_failure_alerts]
