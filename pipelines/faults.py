"""A fault-injection point for the crash-safety tests: WELLLED_PAUSE_AT=<name> makes the named point
announce itself on stderr and sleep, so a test can SIGKILL the refresh exactly there. Unset, it does nothing."""

from __future__ import annotations

import sys
import time

from . import settings

PAUSE_SECONDS = 600


def pause_point(name: str) -> None:
    if settings.pause_point_name() == name:
        print(f"WELLLED_PAUSED_AT {name}", file=sys.stderr, flush=True)
        time.sleep(PAUSE_SECONDS)
