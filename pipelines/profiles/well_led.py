"""The well-led section: per CQC quality statement, the tested verdicts, the positions among peers and the
tested trends, each apart, with how many findings chance alone would give and the indicators behind every count.

A position (top quarter, middle, bottom quarter) is never coloured or counted as a verdict: a quarter of any
group is in its bottom quarter by construction. Counts and their code lists come from fct_well_led_summary,
which counts each construct once per statement; an indicator can serve several statements, so counts are not
added across statements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from . import charts
from .figures import UNIT_FORMATS, Figure, Row, Section, by_org, clean, number
from .published import Publication, pick
from .vocabulary import NOT_JUDGED, POSITIONS, TRENDS, VERDICTS, label

SUMMARY = "fct_well_led_summary"
WELL_LED = "fct_well_led_indicators"


class WellLedSummary:
    """Every organisation's latest summary rows and the indicator rows behind them, read once."""

    def __init__(self, publication: Publication, indicator_name: Callable[[str], str]):
        self.name = indicator_name
        self.rows: dict[str, list[Row]] = {}
        self.lines: dict[str, dict[str, Row]] = {}
        pub = publication
        if not pub.has(SUMMARY, "org_code", "period", "statement_name"):
            return
        latest = (f"join (select org_code, max(period) as period from {SUMMARY} group by org_code) s "
                  "on s.org_code = w.org_code and s.period = w.period")
        self.rows = by_org(pub.rows(f"select w.* from {SUMMARY} w {latest} order by w.org_code, w.rowid"))
        if pub.has(WELL_LED, "org_code", "indicator_code", "period"):
            columns = pick(pub, WELL_LED, "org_code", "indicator_code", "unit", "value", "median_value",
                           "comparator_position", "trend", "assessment_basis")
            lines: dict[str, dict[str, Row]] = defaultdict(dict)
            for r in pub.rows(f"select {columns} from (select w.* from {WELL_LED} w {latest})"):
                lines[r["org_code"]][r["indicator_code"]] = r
            self.lines = dict(lines)

    def section(self, org: str, shown: set[str]) -> Section | None:
        latest = self.rows.get(org, [])
        if not latest:
            return None
        if "statement_order" in latest[0]:
            latest = sorted(latest, key=lambda r: (r["statement_order"] is None, r["statement_order"]))
        period = int(latest[0]["period"])
        have = set(latest[0])
        verdicts = [c for c in VERDICTS if f"{c}_count" in have]
        positions = [c for c in POSITIONS if f"{c}_count" in have]
        figures = []
        if verdicts:
            figures.append(self._verdict_figure(org, period, latest, verdicts))
        if positions:
            figures.append(self._position_figure(org, period, latest, positions))
        details = [self._statement_details(org, r, verdicts, positions, shown) for r in latest]
        return Section("well-led", "Well-led: the evidence behind each quality statement",
                       "Tested verdicts, positions among peers and tested trends are counted apart: a verdict comes "
                       "from a funnel, an interval or a target every organisation can meet; a position only says "
                       "where a value sits among peers. Beside each count, how many such findings chance alone "
                       "would give. Open a statement to see the indicators behind each count.", figures,
                       [{"kind": "statements", "items": details}, {"kind": "glossary"}])

    def _verdict_figure(self, org: str, period: int, latest: list[Row], verdicts: list[str]) -> Figure:
        labels = {c: VERDICTS[c][0] for c in verdicts}
        data = [{"statement": r["statement_name"], "order": i, "category": labels[c], "category_order": k,
                 "count": clean(r[f"{c}_count"])}
                for i, r in enumerate(latest) for k, c in enumerate(verdicts) if clean(r[f"{c}_count"])]
        readings = "; ".join(f"{r['statement_name']}: {_flags(r)} flag(s) among {_count(r, 'tested_count')} tested, "
                             f"{chance_phrase(r.get('chance_flags_expected'), 'flags')}" for r in latest)
        text = (f"For each CQC well-led quality statement in {period}, how many of {org}'s tested indicators are "
                f"better than expected, as expected, worse than expected, outside their band but not significantly, "
                f"or not estimable. {readings}. Evidence for a conversation, not a rating.")
        spec = charts.stacked_counts(data, description=text, categories=verdicts, labels=labels,
                                     palette=charts.VERDICT_COLOURS, legend_title="Verdict")
        columns = ["Quality statement", *labels.values(), "Flags expected by chance", "Improved", "Deteriorated",
                   "Changes expected by chance", "Evidence coverage"]
        table = [[r["statement_name"], *[number(r[f"{c}_count"], ".0f") for c in verdicts],
                  chance_phrase(r.get("chance_flags_expected"), "flags"), number(r.get("improved_count"), ".0f"),
                  number(r.get("deteriorated_count"), ".0f"),
                  chance_phrase(r.get("chance_trend_changes_expected"), "changes"),
                  str(r.get("evidence_coverage") or "")] for r in latest]
        return Figure("well-led", f"Tested verdicts by quality statement ({period})", text, spec, columns, table,
                      [("band", charts.VERDICT_COLOURS[c], labels[c]) for c in verdicts])

    def _position_figure(self, org: str, period: int, latest: list[Row], positions: list[str]) -> Figure:
        labels = {c: POSITIONS[c][0] for c in positions}
        data = [{"statement": r["statement_name"], "order": i, "category": labels[c], "category_order": k,
                 "count": clean(r[f"{c}_count"])}
                for i, r in enumerate(latest) for k, c in enumerate(positions) if clean(r[f"{c}_count"])]
        text = (f"For each quality statement in {period}, where {org}'s indicators sit among the comparator's "
                "organisations: top quarter, middle or bottom quarter, in the direction of good. These are "
                "positions, not verdicts: a quarter of any group is in its bottom quarter by construction, so they "
                "are shown in blues and never counted with the verdicts.")
        spec = charts.stacked_counts(data, description=text, categories=positions, labels=labels,
                                     palette=charts.POSITION_COLOURS, legend_title="Position")
        others = [c for c in NOT_JUDGED if c != "position_only" and f"{c}_count" in latest[0]]
        columns = ["Quality statement", *labels.values(), *[NOT_JUDGED[c][0] for c in others]]
        table = [[r["statement_name"], *[number(r[f"{c}_count"], ".0f") for c in positions],
                  *[number(r[f"{c}_count"], ".0f") for c in others]] for r in latest]
        return Figure("well-led-positions", f"Positions among peers by quality statement ({period})", text, spec,
                      columns, table, [("band", charts.POSITION_COLOURS[c], labels[c]) for c in positions])

    def _statement_details(self, org: str, r: Row, verdicts: list[str], positions: list[str],
                           shown: set[str]) -> dict:
        indicators = self.lines.get(org, {})
        kinds = ([(c, VERDICTS[c]) for c in verdicts] + [(c, POSITIONS[c]) for c in positions]
                 + [(c, TRENDS[c]) for c in ("improved", "deteriorated")]
                 + [(c, NOT_JUDGED[c]) for c in ("not_assessed", "missing")])
        groups = []
        for code, (name, meaning) in kinds:
            listed = r.get(f"{code}_indicator_codes")
            codes = [c for c in listed.split("|") if c] if isinstance(listed, str) else []
            shown.update(codes)
            if codes:
                groups.append({"label": f"{name} ({len(codes)})", "meaning": meaning,
                               "items": [self._line(indicators, c) for c in codes]})
        coverage = str(r.get("evidence_coverage") or "")
        chance = (f"{_flags(r)} flag(s) among {_count(r, 'tested_count')} tested, "
                  f"{chance_phrase(r.get('chance_flags_expected'), 'flags')}; "
                  f"{_count(r, 'improved_count')} improved and {_count(r, 'deteriorated_count')} deteriorated among "
                  f"{_count(r, 'trends_tested_count')} tested changes, "
                  f"{chance_phrase(r.get('chance_trend_changes_expected'), 'changes')}")
        return {"statement": r["statement_name"], "coverage": coverage, "chance": chance, "groups": groups}

    def _line(self, indicators: dict[str, Row], code: str) -> dict:
        name = self.name(code)
        row = indicators.get(code)
        if row is None:
            return {"name": name, "code": code, "value": "", "basis": ""}
        fmt = UNIT_FORMATS.get(str(row["unit"]), ".2f")
        value = number(row["value"], fmt)
        if clean(row["median_value"]) is not None:
            value += f" (comparator median {number(row['median_value'], fmt)})"
        notes = [str(row["assessment_basis"] or "")]
        if row.get("comparator_position"):
            notes.append(f"position: {label(POSITIONS, row['comparator_position']).lower()}")
        if row.get("trend"):
            notes.append(f"trend: {label(TRENDS, row['trend']).lower()}")
        return {"name": name, "code": code, "value": value, "basis": "; ".join(n for n in notes if n)}


def chance_phrase(expected, what: str) -> str:
    """'about 0.4 flags expected by chance': the number of significant findings chance alone would give."""
    value = clean(expected)
    if value is None:
        return f"{what} expected by chance not published"
    if value < 0.05:
        return f"under 0.1 {what} expected by chance"
    shown = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return f"about {shown} {what} expected by chance"


def _flags(r: Row) -> int:
    return int((clean(r.get("better_count")) or 0) + (clean(r.get("worse_count")) or 0))


def _count(r: Row, column: str) -> str:
    return number(r.get(column), ".0f")
