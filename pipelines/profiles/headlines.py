"""A trust's headline figures and flags, with where each comes from: the page's tiles and `wellled trust`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .rows import TrustRows
from .sections import ASSESSMENT_LABELS, UNIT_FORMATS, number

HEADLINE_CODES = ("nss_engagement", "nss_morale", "nss_q25c_recommend_work", "nss_q20a_secure_raising_concerns",
                  "wres_2", "wres_5", "wres_9_voting", "board_women_pct_voting", "board_vacant_posts")
TONES = {"better": "good", "worse": "bad", "as_expected": "neutral"}


@dataclass(frozen=True)
class Headline:
    code: str
    name: str
    period: int
    value: str
    assessment: str  # better / as_expected / worse / not_assessed / missing
    basis: str
    comparator: str
    source: str  # table, organisation code(s) and period of the published row(s) behind it

    @property
    def tone(self) -> str:
        return TONES.get(self.assessment, "neutral")

    @property
    def assessment_label(self) -> str:
        return ASSESSMENT_LABELS.get(self.assessment, self.assessment.replace("_", " "))


def headlines(rows: TrustRows, org: str, names: dict[str, str]) -> list[Headline]:
    """The latest value of each headline indicator the organisation has, from fct_well_led_indicators."""
    frame = rows.table("fct_well_led_indicators", org)
    if frame.empty or not {"indicator_code", "period", "value"} <= set(frame.columns):
        return []
    out = []
    for code in HEADLINE_CODES:
        own = frame[frame["indicator_code"] == code]
        if own.empty:
            continue
        row = own.sort_values("period").iloc[-1]
        out.append(_headline(row, names.get(code, code)))
    return out


def flags(rows: TrustRows, org: str, names: dict[str, str]) -> list[Headline]:
    """Every indicator of the organisation's latest period per source judged better or worse than expected."""
    frame = rows.table("fct_well_led_indicators", org)
    if frame.empty or not {"assessment", "source_table", "period"} <= set(frame.columns):
        return []
    latest = frame[frame["period"] == frame.groupby("source_table")["period"].transform("max")]
    flagged = latest[latest["assessment"].isin(["better", "worse"])].sort_values(["assessment", "indicator_code"])
    return [_headline(row, names.get(row["indicator_code"], row["indicator_code"])) for _, row in flagged.iterrows()]


def _headline(row: pd.Series, name: str) -> Headline:
    fmt = UNIT_FORMATS.get(str(row.get("unit")), ".2f")
    unit = {"percent": "%", "percentage_points": " pp", "score_0_10": "/10"}.get(str(row.get("unit")), "")
    value = number(row.get("value"), fmt)
    comparator = ""
    if isinstance(row.get("comparator_code"), str):
        median = row.get("benchmark_median")
        comparator = f"{row['comparator_code']} median {number(median, fmt)}" if pd.notna(median) else \
            str(row["comparator_code"])
    source = f"{row.get('source_table', '')} org_code {row.get('source_org_codes', row.get('org_code'))} " \
             f"period {int(row['period'])}"
    if pd.notna(row.get("source_as_at_date", None)):
        source += f" (as at {str(row['source_as_at_date'])[:10]})"
    return Headline(str(row["indicator_code"]), name, int(row["period"]),
                    value + (unit if value != "not published" else ""), str(row.get("assessment", "")),
                    str(row.get("assessment_basis") or ""), comparator, source)
