"""A trust's headline figures and flags, with where each comes from: the page's tiles and `wellled trust`.

Both read rows of fct_well_led_indicators as dicts (a missing column reads as null), so the site (all
organisations' rows from one query) and the command (one organisation's) share the same reading.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .figures import UNIT_FORMATS, number
from .figures import clean as _clean
from .vocabulary import ASSESSMENTS, POSITIONS, label

HEADLINE_CODES = ("nss_engagement", "nss_morale", "nss_q25c_recommend_work", "nss_q20a_secure_raising_concerns",
                  "wres_2", "wres_5", "wres_9_voting", "board_women_pct_voting", "board_vacant_posts")
HEADLINE_COLUMNS = ("value", "unit", "assessment", "assessment_basis", "comparator_code", "median_value",
                    "comparator_position", "source_table", "source_org_codes", "source_as_at_date")
TONES = {"better": "good", "worse": "bad"}  # only tested verdicts are coloured; a position never is


@dataclass(frozen=True)
class Headline:
    code: str
    name: str
    period: int
    value: str
    assessment: str  # a code of vocabulary.ASSESSMENTS (better, as_expected, worse, position_only, ...)
    position: str  # top_quarter / middle / bottom_quarter among the comparator's organisations, or ""
    basis: str
    comparator: str
    source: str  # table, organisation code(s) and period of the published row(s) behind it

    @property
    def tone(self) -> str:
        return TONES.get(self.assessment, "neutral")

    @property
    def assessment_label(self) -> str:
        """The verdict, and the position beside it when there is one (said to be a position)."""
        verdict = label(ASSESSMENTS, self.assessment) if self.assessment else "No assessment"
        if not self.position:
            return verdict
        position = label(POSITIONS, self.position).lower()
        return f"{verdict}: {position}" if self.assessment == "position_only" else f"{verdict}; position: {position}"


def headlines(rows: Iterable[dict], names: dict[str, str]) -> list[Headline]:
    """The latest value of each headline indicator among the organisation's rows, in headline order."""
    latest: dict[str, dict] = {}
    for row in rows:
        code = row.get("indicator_code")
        if code in HEADLINE_CODES and _clean(row.get("period")) is not None and (
                code not in latest or row["period"] >= latest[code]["period"]):
            latest[code] = row
    return [_headline(latest[code], names.get(code, code)) for code in HEADLINE_CODES if code in latest]


def flags(rows: list[dict], names: dict[str, str]) -> list[Headline]:
    """Every indicator of the organisation's latest period per source judged better or worse than expected."""
    newest: dict = {}
    for row in rows:
        source = row.get("source_table")
        if _clean(row.get("period")) is not None and (source not in newest or row["period"] > newest[source]):
            newest[source] = row["period"]
    flagged = [r for r in rows if r.get("assessment") in ("better", "worse")
               and _clean(r.get("period")) is not None and r["period"] == newest.get(r.get("source_table"))]
    flagged.sort(key=lambda r: (r["assessment"], str(r["indicator_code"])))
    return [_headline(r, names.get(r["indicator_code"], r["indicator_code"])) for r in flagged]


def _headline(row: dict, name: str) -> Headline:
    fmt = UNIT_FORMATS.get(str(row.get("unit")), ".2f")
    unit = {"percent": "%", "percentage_points": " pp", "score_0_10": "/10"}.get(str(row.get("unit")), "")
    value = number(row.get("value"), fmt)
    comparator = ""
    if isinstance(row.get("comparator_code"), str):
        median = row.get("median_value")
        comparator = (f"{row['comparator_code']} median {number(median, fmt)}" if _clean(median) is not None
                      else str(row["comparator_code"]))
    codes = row.get("source_org_codes")
    source = (f"{row.get('source_table') or ''} org_code {codes if codes is not None else row.get('org_code')} "
              f"period {int(row['period'])}")
    if _clean(row.get("source_as_at_date")) is not None:
        source += f" (as at {str(row['source_as_at_date'])[:10]})"
    return Headline(str(row["indicator_code"]), name, int(row["period"]),
                    value + (unit if value != "not published" else ""), str(row.get("assessment") or ""),
                    str(row.get("comparator_position") or ""), str(row.get("assessment_basis") or ""), comparator,
                    source)
