"""Console progress for runs: one line per step started, finished, failed or skipped, per gate and per mart dbt builds.

Installed as the code location's `console` logger, so `wellled refresh` prints a readable account instead of
Dagster's full event stream (the Dagster UI still holds every event). WELLLED_VERBOSE=1 shows all messages.
"""

from __future__ import annotations

import logging
import sys
import time

import dagster as dg

from . import settings
from .safe_text import escape

_STARTED = time.monotonic()


class ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.step_started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_event", None)
        line = self._describe(event) if event is not None else None
        if line is None and settings.verbose() and record.levelno >= logging.INFO:
            line = f"    {record.getMessage()}"
        if line is None and event is None and record.levelno >= logging.WARNING:
            line = f"    ! {record.getMessage().splitlines()[0][:300]}"
        if line:  # whatever a message quotes, no control character reaches the terminal
            line = "\n".join(escape(part) for part in line.split("\n"))
            print(f"[{time.monotonic() - _STARTED:7.1f}s] {line}", file=sys.stderr, flush=True)

    def _describe(self, event) -> str | None:
        kind, step = event.event_type_value, event.step_key
        if kind == "STEP_START":
            self.step_started[step] = time.monotonic()
            return f"> {step}"
        took = f" ({time.monotonic() - self.step_started.get(step, time.monotonic()):.1f}s)"
        if kind == "STEP_SUCCESS":
            return f"ok {step}{took}"
        if kind == "STEP_FAILURE":
            error = event.step_failure_data.error
            while error is not None and error.cause is not None:  # the user code's error, not Dagster's wrapper
                error = error.cause
            message = (event.step_failure_data.user_failure_data and
                       event.step_failure_data.user_failure_data.description) or (error.message if error else "")
            return f"FAILED {step}{took}: {message.strip()}"
        if kind == "STEP_SKIPPED":
            return f"skipped {step} (an upstream step or blocking gate failed)"
        if kind == "ASSET_MATERIALIZATION" and step.startswith("dbt_"):
            materialization = event.event_specific_data.materialization
            if materialization.asset_key.path[0] != "marts":
                return None  # seeds, staging and intermediate models: in the UI and dbt's log
            rows = materialization.metadata.get("dagster/row_count")
            return f"   built {'.'.join(materialization.asset_key.path)}" + (f": {rows.value:,} rows" if rows else "")
        if kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.check_name.startswith("gx_") and evaluation.passed:
                return None  # dbt tests: only failures are worth a line; all are in the UI
            status = evaluation.metadata.get("status")
            status = status.value if status is not None else ("passed" if evaluation.passed else "failed")
            failed = evaluation.metadata.get("failed_expectations")
            details = [f"\n             {f['severity']}: {f['description']} ({f['expectation']} on "
                       f"{f['column'] or 'the table'}: {f['unexpected_count'] or 'failed'} unexpected)"
                       + "".join(f"\n               e.g. {_where(row)}" for row in (f.get("sample") or [])[:2])
                       for f in (failed.value if failed is not None else [])]
            return f"   gate {evaluation.check_name}: {status}" + "".join(details)
        return None


def _where(row: dict) -> str:
    """A failing-row sample (already redacted) as `file, sheet S, row N: column=value, ...`."""
    place = ", ".join(part for part in (
        row.get("_source_file"),
        f"sheet {row['_sheet']}" if row.get("_sheet") else None,
        f"row {row['_row_number']}" if row.get("_row_number") is not None else None,
    ) if part)
    values = ", ".join(f"{k}={v}" for k, v in row.items() if k not in ("_source_file", "_sheet", "_row_number"))
    return f"{place}: {values}" if place else values


@dg.logger(description="Concise step and gate progress on stderr (WELLLED_VERBOSE=1 for every message).")
def progress_console(_init_context) -> logging.Logger:
    logger = logging.getLogger("wellled.run")
    logger.handlers = [ProgressHandler()]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger
