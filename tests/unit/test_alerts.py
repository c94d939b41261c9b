"""Failure alerts in the formats their receivers accept, posted to local HTTP servers that check the payload
as Microsoft Teams Workflows and Slack incoming webhooks do (Teams: an Adaptive Card in a message, anything
else refused with HTTP 400; Slack: `text` and well-formed `blocks`, anything else refused)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from pipelines import settings
from pipelines.defs.publication import sensors

RECORD = {"recorded_at": "2026-12-06T10:00:00+00:00", "run_id": "0123456789abcdef", "job": "national_refresh",
          "trigger": "board_quarterly_refresh", "message": "run failed",
          "failed_steps": [{"step": "ingest_board", "error": "board input refused: board/2024-03-31/x.csv, row 2: "
                                                              "role_category '[see](http://evil.example) \\x1b[2J' is "
                                                              "not one of chair, ..."}]}


def teams_problem(body: dict) -> str | None:
    """What a Teams Workflows webhook refuses: not a message carrying one Adaptive Card with a body."""
    if body.get("type") != "message" or not isinstance(body.get("attachments"), list) or not body["attachments"]:
        return "not a message with attachments"
    for attachment in body["attachments"]:
        card = attachment.get("content") or {}
        if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
            return "attachment is not an Adaptive Card"
        if card.get("type") != "AdaptiveCard" or not str(card.get("version", "")).startswith("1."):
            return "content is not an AdaptiveCard of schema 1.x"
        if not card.get("body") or any("type" not in element for element in card["body"]):
            return "card body empty or malformed"
    return None


SLACK_TOP = {"text", "blocks", "attachments", "thread_ts", "mrkdwn", "unfurl_links", "unfurl_media"}


def slack_problem(body: dict) -> str | None:
    """What a Slack incoming webhook refuses: no text, unknown fields, blocks of the wrong shape or length."""
    if not isinstance(body.get("text"), str) or not body["text"]:
        return "no text"
    if set(body) - SLACK_TOP:
        return f"unknown fields {sorted(set(body) - SLACK_TOP)}"
    for block in body.get("blocks", []):
        text = block.get("text") or {}
        if block.get("type") not in ("header", "section") or text.get("type") not in ("plain_text", "mrkdwn"):
            return "unknown block"
        if block["type"] == "header" and (text["type"] != "plain_text" or len(text["text"]) > 150):
            return "header must be plain_text up to 150 characters"
        if len(text.get("text", "")) > 3000:
            return "section text over 3000 characters"
    return None


def _receiver(check, ok_status: int):
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append(body)
            problem = check(body)
            self.send_response(400 if problem else ok_status)
            self.end_headers()
            self.wfile.write((problem or "ok").encode())

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


@pytest.mark.parametrize("fmt, check, ok_status", [("teams", teams_problem, 202), ("slack", slack_problem, 200)])
def test_alerts_are_accepted_by_a_receiver_checking_its_format(monkeypatch, fmt, check, ok_status):
    server, received = _receiver(check, ok_status)
    monkeypatch.setenv(settings.ALERT_FORMAT_ENV, fmt)
    try:
        outcome = sensors.post_webhook(f"http://127.0.0.1:{server.server_port}/hook", RECORD)
    finally:
        server.shutdown()
    assert outcome == f"posted as {fmt} (HTTP {ok_status})"
    [body] = received
    text = json.dumps(body)
    assert "ingest_board" in text and RECORD["run_id"][:8] in text
    # Text quoting a landed file travels as plain text, never as markdown a chat client would render.
    if fmt == "teams":
        card = body["attachments"][0]["content"]
        quoting = [e for e in card["body"] if "evil" in json.dumps(e)]
        assert quoting and all(e["type"] == "RichTextBlock" for e in quoting)
    else:
        assert all(block["text"]["type"] == "plain_text" for block in body["blocks"])


def test_the_old_text_payload_is_what_teams_refuses():
    """The receiver is strict: the generic payload is refused by the Teams check, as Teams Workflows refuse it."""
    assert teams_problem(sensors.alert_payload(RECORD, "json")) is not None
    assert slack_problem(sensors.alert_payload(RECORD, "json")) is not None  # an unknown field for Slack


@pytest.mark.parametrize("url, fmt", [
    ("https://hooks.slack.com/services/T0/B0/xyz", "slack"),
    ("https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke", "teams"),
    ("https://example.webhook.office.com/webhookb2/abc", "teams"),
    ("https://alerts.example.nhs.uk/wellled", "json"),
])
def test_the_format_follows_the_webhook_host_unless_set(monkeypatch, url, fmt):
    monkeypatch.delenv(settings.ALERT_FORMAT_ENV, raising=False)
    assert sensors.alert_format(url) == fmt
    monkeypatch.setenv(settings.ALERT_FORMAT_ENV, "json")
    assert sensors.alert_format(url) == "json"
