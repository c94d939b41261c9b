"""What every section is made of: a figure (chart spec, text alternative, table behind it) and the reading of
published values (null stays null; numbers formatted, or "not published")."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby

import numpy as np

NOT_PUBLISHED = "not published"
# number formats by the catalogue unit
UNIT_FORMATS = {"score_0_10": ".2f", "percent": ".1f", "ratio": ".2f", "percentage_points": ".1f", "count": ".0f",
                "days": ".0f"}

Row = dict


@dataclass
class Figure:
    key: str
    title: str
    summary: str  # the text alternative: what the chart shows, in a sentence or two
    spec: dict
    columns: list[str]
    rows: list[list[str]]
    legend: list[tuple[str, str, str]] = field(default_factory=list)  # (swatch class, colour, label)
    shared_rows: str = ""  # more table rows, rendered once for every page that shows them (a funnel's peers)


@dataclass
class Section:
    key: str
    title: str
    intro: str
    figures: list[Figure] = field(default_factory=list)
    html_blocks: list[dict] = field(default_factory=list)  # tables and lists rendered by the template


def number(value, fmt: str = ".1f") -> str:
    if clean(value) is None:
        return NOT_PUBLISHED
    return format(float(value), fmt) if "f" in fmt else format(value, fmt)


def clean(value):
    """JSON-safe: NaN/NA become null, decimals and numpy scalars plain Python, dates ISO."""
    kind = type(value)  # the common cases first: pages clean hundreds of thousands of values
    if kind is float:
        return None if value != value else round(value, 6)
    if kind is str or kind is int or value is None:
        return value
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else round(float(value), 6)
    if isinstance(value, Decimal):
        return round(float(value), 6)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value


def by_org(rows: list[Row]) -> dict[str, list[Row]]:
    """Rows ordered by org_code, grouped by it."""
    return {org: list(part) for org, part in groupby(rows, key=lambda r: r["org_code"])}


def value_range(lo, hi, fmt: str) -> str:
    if clean(lo) is None or clean(hi) is None:
        return ""
    return f"{format(float(lo), fmt)} to {format(float(hi), fmt)}"
