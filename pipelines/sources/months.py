"""Data months: a landing folder's `YYYY-MM` and a month a file names in words ("June 2024", "01_June_2024")."""

from __future__ import annotations

import datetime as dt
import re

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
_MONTH_YEAR = re.compile(r"(?<![a-z])(" + "|".join(MONTH_NAMES) + r")[\s_-]+(\d{4})(?!\d)", re.IGNORECASE)


def folder_month(period: str) -> dt.date:
    """The first day of a `YYYY-MM` (or `YYYY-MM-DD`) period folder's month."""
    return dt.date(int(period[:4]), int(period[5:7]), 1)


def named_month(text: str) -> dt.date | None:
    """The first month-and-year written in words in `text`, as its first day; None when there is none."""
    match = _MONTH_YEAR.search(text)
    if not match:
        return None
    return dt.date(int(match.group(2)), MONTH_NAMES.index(match.group(1).lower()) + 1, 1)
