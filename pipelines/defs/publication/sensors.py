"""Run failures: a record (and a webhook post) for every failed run of this code location.

`run_failure_alerts` appends one JSON line per failed run to `<warehouse>/alerts/run_failures.jsonl` and,
when `WELLLED_ALERT_WEBHOOK` is set, posts it there in the format the receiver accepts (`alert_payload`): an
Adaptive Card for a Microsoft Teams Workflows webhook, Slack's `text` and `blocks` for a Slack incoming
webhook, or `{"text": ..., "wellled": <record>}` for anything else. Text from landed files reaches the
receiver as plain text (never as markdown a chat client would turn into links). A webhook that is down or
slow never fails the sensor: the outcome is recorded in the line instead.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import dagster as dg

from ... import settings
from ...permissions import owner_only_dir
from ...safe_text import shown
from ..common import TRIGGER_TAG

ALERT_FORMATS = ("teams", "slack", "json")
_TEAMS_HOSTS = (".logic.azure.com", ".webhook.office.com", ".powerplatform.com", ".powerautomate.com")
WEBHOOK_TIMEOUT_SECONDS = 5


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
        return f"post skipped: {settings.WEBHOOK_ENV} is not an http(s) URL"
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
                f"and posts it to the webhook in {settings.WEBHOOK_ENV} when set (a failed post is recorded, "
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
