"""A full disk, said as a full disk: not as failed dbt tests, a database error or a traceback.

Every writer (DuckDB, dbt, the publication) reports a full disk in its own words; `is_disk_full` recognises
them and `disk_full_message` says which folder's disk is full, how much is free, and what to do.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

# How the writers wellled runs say it: the OS (errno 28), DuckDB's IO errors, SQLite (Dagster's storage).
_MARKERS = ("no space left on device", "errno 28", "enospc", "database or disk is full", "disk full",
            "the disk holding")


class DiskFull(OSError):
    """Raised with `disk_full_message` where wellled itself meets a full disk."""


def is_disk_full(error: BaseException | str) -> bool:
    if isinstance(error, DiskFull) or isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return True
    text = str(error).lower()
    return any(marker in text for marker in _MARKERS)


def disk_full_message(folder: Path) -> str:
    try:
        usage = shutil.disk_usage(folder)
        room = f" ({usage.free / 1e6:,.0f} MB free of {usage.total / 1e6:,.0f} MB)"
    except OSError:
        room = ""
    return (f"the disk holding {folder} is full{room}: nothing was published and the previous publication stays "
            "live. Free space (for example old run folders under runs/) and run the refresh again.")


def log_says_disk_full(log: Path) -> bool:
    """Whether a tool's log file (dbt's) reports a full disk; read in chunks, whatever its size."""
    if not log.exists():
        return False
    tail = ""
    with log.open(encoding="utf-8", errors="replace") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), ""):
            if is_disk_full(tail + chunk):
                return True
            tail = chunk[-64:]
    return False
