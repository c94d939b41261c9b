"""The landing sensor: a national refresh when landed files change.

`landing_files_sensor` hashes the landing folder (docs/sources.md) on every tick and compares it with the
state held in its cursor, one digest per source period (`ods`, `staff_survey/2024`, `board/2024-03-31`,
...). A new, changed or removed file changes its period's digest and requests one `national_refresh`; an
unchanged folder requests nothing. The cursor stays small however many files land (one entry per period,
not per file), and every settled period it holds is added as a partition key of its source's partitioned
ingest job (`ingest_<source>_by_period`; see jobs.py).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import dagster as dg

from ... import settings
from ...sources.landing import LandedFile, SourceError, discover
from ..common import TRIGGER_TAG
from ..publication import jobs as publication_jobs
from .jobs import PARTITIONS, new_partition_requests

CURSOR_VERSION = 1
# A file modified this recently may still be being copied in: wait for the next tick before hashing it in.
SETTLE_SECONDS = 30
LANDING_SENSOR_INTERVAL_SECONDS = 60
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
    job=publication_jobs.national_refresh,
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
