"""Schedules of national refreshes on the publication calendar, in Europe/London time. All start STOPPED.

The landing sensor starts a refresh as soon as files land; these schedules are the calendar's backstop,
each set just after the window in which its source appears:

- NHS Staff Survey results are published in March (fieldwork the previous autumn): 31 March, 06:00.
- WRES returns (31 March snapshot) are submitted by 31 August: 1 September, 06:00.
- Board registers are as at each quarter end: the 15th of the month after it (Jan, Apr, Jul, Oct), 06:00.
"""

from __future__ import annotations

import dagster as dg

from ..common import TRIGGER_TAG
from . import jobs

TIMEZONE = "Europe/London"

CALENDAR = {
    "staff_survey_annual_refresh": ("0 6 31 3 *", "NHS Staff Survey results, published in March"),
    "wres_annual_refresh": ("0 6 1 9 *", "WRES returns, submitted by 31 August"),
    "board_quarterly_refresh": ("0 6 15 1,4,7,10 *", "board registers as at each quarter end"),
}


def _schedule(name: str, cron: str, why: str) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name=name,
        job=jobs.national_refresh,
        cron_schedule=cron,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        tags={TRIGGER_TAG: name},
        description=f"National refresh for {why} (cron '{cron}', {TIMEZONE}). Off by default: turn it on "
                    "in the UI (Automation) or with `dagster schedule start`.",
    )


schedules = [_schedule(name, cron, why) for name, (cron, why) in CALENDAR.items()]
