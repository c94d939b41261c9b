"""What a trust's page says: each section's figures (a chart, its text alternative and the table behind it).

Everything is read from the published tables by column name; a section whose table is absent, empty for this
organisation or lacking the columns it needs is left out (outcome tables arrive as their sources land).
Values the warehouse withholds are null there and stay absent here: no chart, tooltip or table carries them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import charts
from .published import first_column
from .rows import TrustRows

KEY_QUESTIONS = ("nss_q25c_recommend_work", "nss_q25d_recommend_care", "nss_q20a_secure_raising_concerns",
                 "nss_q25e_safe_to_speak_up", "nss_q14c_harassment_colleagues", "nss_q16b_discrimination_colleagues",
                 "nss_q15_equal_opportunities")
WRES_PANELS = ("wres_2", "wres_3", "wres_4", "wres_5", "wres_6", "wres_7", "wres_8", "wres_9_voting")
# (column of fct_board_composition, panel title, scale factor, board benchmark measure)
BOARD_PANELS = (
    ("board_size", "Board members in post", 1, "board_size"),
    ("voting_members", "Voting members", 1, None),
    ("vacant_posts", "Vacant posts", 1, None),
    ("interim_posts", "Interim posts", 1, None),
    ("women_pct_voting", "Women, % of voting members", 1, "board_women_pct_voting"),
    ("bme_pct_voting", "BME, % of voting members", 1, "board_bme_pct_voting"),
    ("ceo_tenure_days", "Chief executive's tenure (years)", 1 / 365.25, "board_ceo_tenure_days"),
    ("chair_tenure_days", "Chair's tenure (years)", 1 / 365.25, "board_chair_tenure_days"),
    ("exec_appointed_12m_pct", "Executives appointed in the last 12 months, %", 1, "board_exec_appointed_12m_pct"),
)
ASSESSMENT_LABELS = {"better": "Better than expected", "as_expected": "As expected", "worse": "Worse than expected",
                     "not_assessed": "Not assessed", "missing": "No value"}
# Outcome tables (added as their sources land): time column, value column, reference line, panel column.
OUTCOMES = (
    ("fct_sickness_absence", "Staff sickness absence", ("month",), ("rate_pct",), ("rate_12m_pct",), (),
     "Sickness absence rate, %", "12-month rolling rate"),
    ("fct_fft", "Friends and Family Test", ("month",), ("pct_positive",), ("pct_positive_12m",), ("setting",),
     "% positive", "12-month rolling %"),
)
CQC_RATINGS = "fct_cqc_ratings"
NOT_PUBLISHED = "not published"


@dataclass
class Figure:
    key: str
    title: str
    summary: str  # the text alternative: what the chart shows, in a sentence or two
    spec: dict
    columns: list[str]
    rows: list[list[str]]
    legend: list[tuple[str, str, str]] = field(default_factory=list)  # (swatch class, colour, label)


@dataclass
class Section:
    key: str
    title: str
    intro: str
    figures: list[Figure] = field(default_factory=list)
    html_blocks: list[dict] = field(default_factory=list)  # tables and lists rendered by the template


def number(value, fmt: str = ".1f") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return NOT_PUBLISHED
    return format(float(value), fmt) if "f" in fmt else format(value, fmt)


def _clean(value):
    """JSON-safe: NaN/NA become null, numpy scalars plain Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else round(float(value), 6)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


UNIT_FORMATS = {"score_0_10": ".2f", "percent": ".1f", "ratio": ".2f", "percentage_points": ".1f", "count": ".0f",
                "days": ".0f"}


class PageBuilder:
    """Sections of one organisation's page; indexes the national tables once for all pages."""

    def __init__(self, rows: TrustRows):
        self.rows = rows
        pub = rows.publication
        self.indicators = pub.table("dim_indicator")
        self.indicator_by_code = (self.indicators.set_index("indicator_code", drop=False)
                                  if "indicator_code" in self.indicators.columns else pd.DataFrame())
        wl = pub.table("fct_well_led_indicators")
        self.well_led = wl
        self._peers = (wl[wl["value"].notna()].groupby(["indicator_code", "period", "comparator_code"], sort=False)
                       .indices if {"indicator_code", "period", "comparator_code", "value"} <= set(wl.columns) else {})
        peer_frame = wl[wl["value"].notna()] if "value" in wl.columns else wl
        self._peer_arrays = tuple(peer_frame[c].to_numpy(dtype=t, na_value=None if t is object else np.nan)
                                  for c, t in (("org_code", object), ("base_n", "float64"), ("value", "float64"))
                                  ) if {"org_code", "base_n", "value"} <= set(wl.columns) else None
        self.ss_bench = pub.table("fct_staff_survey_benchmarks")
        self.board_bench = pub.table("fct_board_benchmarks")

    # ------------------------------------------------------------------ helpers
    def indicator_name(self, code: str) -> str:
        if code in self.indicator_by_code.index and "indicator_name" in self.indicator_by_code.columns:
            return str(self.indicator_by_code.at[code, "indicator_name"])
        return code

    def sections(self, org_code: str) -> tuple[list[Section], set[str]]:
        """The page's sections in reading order, and the indicator codes they show (for the method notes)."""
        shown: set[str] = set()
        builders = (self.people_promise, self.funnels, self.wres, self.board, self.well_led_summary,
                    self.outcomes, self.programme)
        out = []
        for build in builders:
            section = build(org_code, shown)
            if section is not None and (section.figures or section.html_blocks):
                out.append(section)
        return out, shown

    # ------------------------------------------------------------------ People Promise
    def people_promise(self, org: str, shown: set[str]) -> Section | None:
        scores = self.rows.table("fct_staff_survey_scores", org)
        level = first_column(scores, "measure_level")
        if scores.empty or level is None:
            return None
        scores = scores[scores[level].isin(["element", "theme"])].copy()
        if scores.empty:
            return None
        group = self._group(org)
        bench = self.ss_bench
        if {"geography_level", "geography_code", "result_kind", "code"} <= set(bench.columns):
            bench = bench[(bench["geography_level"] == "benchmark_group") & (bench["geography_code"] == group)
                          & (bench["result_kind"] == "score")]
            bench = bench.rename(columns={"code": "measure_code"})[
                ["measure_code", "survey_year", "p25_value", "median_value", "p75_value"]]
            scores = scores.merge(bench, on=["measure_code", "survey_year"], how="left")
        else:
            scores[["p25_value", "median_value", "p75_value"]] = np.nan
        order = {c: i for i, c in enumerate(["PP1", "PP2", "PP3", "PP4", "PP5", "PP6", "PP7", "ENGAGEMENT", "MORALE"])}
        scores["order"] = scores["measure_code"].map(order).fillna(99)
        scores = scores.sort_values(["order", "survey_year"])
        shown.update(scores["indicator_code"].dropna())
        data = [{"panel": r.measure_name, "order": r.order, "x": int(r.survey_year), "x_label": str(r.survey_year),
                 "value": _clean(r.score), "reference": _clean(r.median_value), "band_lo": _clean(r.p25_value),
                 "band_hi": _clean(r.p75_value)} for r in scores.itertuples()]
        group_name = self._org_field(org, "benchmarking_group") or "the benchmarking group"
        latest = scores[scores["survey_year"] == scores["survey_year"].max()]
        above = int((latest["score"] > latest["p75_value"]).sum())
        below = int((latest["score"] < latest["p25_value"]).sum())
        summary = (f"Scores (0-10) of the seven People Promise elements and the engagement and morale themes, "
                   f"{int(scores['survey_year'].min())} to {int(scores['survey_year'].max())}, against the middle "
                   f"half (25th to 75th percentile) and median of {group_name}. In "
                   f"{int(scores['survey_year'].max())}, {above} of {len(latest)} are above the group's upper "
                   f"quartile and {below} below its lower quartile.")
        spec = charts.small_multiples(data, description=summary, x_title="Survey year", y_title="Score (0-10)",
                                      band_title="Group middle half", reference_title="Group median")
        table = [[r.measure_name, str(r.survey_year), number(r.score, ".2f"), number(r.median_value, ".2f"),
                  _range(r.p25_value, r.p75_value, ".2f"), number(r.base_n, ",.0f")] for r in scores.itertuples()]
        figure = Figure("people-promise", "People Promise elements and themes", summary, spec,
                        ["Measure", "Year", "Score", "Group median", "Group middle half", "Responses"], table,
                        _legend(("line", charts.NHS_BLUE, "This organisation"),
                                ("dash", charts.GREY, "Group median"),
                                ("band", "#C8D3DA", "Group middle half (25th-75th percentile)")))
        return Section("people-promise", "Staff experience: the People Promise",
                       "Scores are published with their number of responses but no spread, so they carry no "
                       "interval: the band is the spread of the benchmarking group, a position and not a test.",
                       [figure])

    # ------------------------------------------------------------------ funnels
    def funnels(self, org: str, shown: set[str]) -> Section | None:
        mine = self.rows.table("fct_well_led_indicators", org)
        needed = {"indicator_code", "period", "value", "base_n", "funnel_target", "overdispersion_phi",
                  "comparator_code"}
        if mine.empty or not needed <= set(mine.columns) or self._peer_arrays is None:
            return None
        candidates = mine[mine["indicator_code"].isin(KEY_QUESTIONS) & mine["value"].notna()
                          & mine["funnel_target"].notna()]
        figures = []
        for code in KEY_QUESTIONS:
            rows = candidates[candidates["indicator_code"] == code]
            if rows.empty:
                continue
            row = rows.sort_values("period").iloc[-1]
            figures.append(self._funnel(org, row))
            shown.add(code)
        if not figures:
            return None
        return Section("funnels", "Key questions among peers (funnel plots)",
                       "Each dot is an organisation of the comparator group, placed by its number of responses and "
                       "its % answering favourably; the funnels are the 95% and 99.8% limits around the group's "
                       "pooled %, widened for overdispersion. Outside the 99.8% limits is better or worse than "
                       "expected; inside is as expected.", figures)

    def _funnel(self, org: str, row: pd.Series) -> Figure:
        code, period, comparator = row["indicator_code"], row["period"], row["comparator_code"]
        selected = self._peers.get((code, period, comparator), np.array([], dtype=int))
        codes, base_n, values = self._peer_arrays
        keep = selected[codes[selected] != org]
        peers = pd.DataFrame({"org_code": codes[keep], "base_n": base_n[keep], "value": values[keep]})
        target, phi = float(row["funnel_target"]) / 100, float(row["overdispersion_phi"])
        ns = pd.concat([peers["base_n"], pd.Series([row["base_n"]])]).dropna()
        grid = np.geomspace(max(10, ns.min() * 0.8), ns.max() * 1.15, 40) if len(ns) else np.array([])
        data: list[dict] = [{"kind": "peer", "label": c, "n": _clean(n), "value": _clean(v)} for c, n, v in
                            zip(peers["org_code"], peers["base_n"], peers["value"], strict=True)]
        for level, z in (("95%", 1.959964), ("99.8%", 3.090232)):
            for side, sign in (("lower", -1), ("upper", 1)):
                for n in grid:
                    limit = 100 * (target + sign * z * math.sqrt(phi * target * (1 - target) / n))
                    data.append({"kind": "limit", "limit": f"{level} {side}", "level": level, "n": round(float(n), 1),
                                 "value": round(min(100.0, max(0.0, limit)), 3)})
        data.append({"kind": "trust", "label": org, "n": _clean(row["base_n"]), "value": _clean(row["value"]),
                     "lo": _clean(row.get("ci_lower")), "hi": _clean(row.get("ci_upper"))})
        name = self.indicator_name(code)
        assessment = ASSESSMENT_LABELS.get(str(row.get("assessment")), str(row.get("assessment")))
        summary = (f"{name} ({int(period)}): {org} {number(row['value'])}% favourable from "
                   f"{number(row['base_n'], ',.0f')} responses, against {len(peers)} peers ({comparator}) whose "
                   f"pooled figure is {number(row['funnel_target'])}%. Funnel reading: {assessment.lower()}.")
        spec = charts.funnel(data, description=summary, y_title="% favourable", highlight=org)
        table = [[org + " (this organisation)", number(row["base_n"], ",.0f"), number(row["value"]),
                  _range(row.get("ci_lower"), row.get("ci_upper"), ".1f")]]
        table += [[p.org_code, number(p.base_n, ",.0f"), number(p.value), ""]
                  for p in peers.sort_values("value", ascending=False).itertuples()]
        return Figure(f"funnel-{code}", f"{name} ({int(period)})", summary, spec,
                      ["Organisation", "Responses", "% favourable", "95% interval"], table,
                      _legend(("diamond", charts.DARK_BLUE, "This organisation, with its 95% interval"),
                              ("dot", charts.GREY, "Peers"), ("dash", charts.AMBER, "95% limits"),
                              ("line", charts.RED, "99.8% limits")))

    # ------------------------------------------------------------------ WRES
    def wres(self, org: str, shown: set[str]) -> Section | None:
        wres = self.rows.table("fct_wres_indicators", org)
        year = first_column(wres, "reporting_year")
        if wres.empty or year is None:
            return None
        assessments = self._assessments(org)
        series = wres[wres["indicator_code"].isin(WRES_PANELS)].copy()
        figures = []
        if not series.empty:
            series["order"] = series["indicator_code"].map({c: i for i, c in enumerate(WRES_PANELS)})
            series = series.sort_values(["order", year])
            data, table = [], []
            for r in series.itertuples():
                target = self._target(r.indicator_code)
                label = self._short_name(r.indicator_code)
                data.append({"panel": label, "order": r.order, "x": int(getattr(r, year)),
                             "x_label": str(getattr(r, year)), "value": _clean(r.value), "lo": _clean(r.ci_lower),
                             "hi": _clean(r.ci_upper), "band_lo": target[0], "band_hi": target[1],
                             "reference": target[2]})
                fmt = ".2f" if r.value_unit == "ratio" else ".1f"
                table.append([label, str(getattr(r, year)), number(r.value, fmt), _range(r.ci_lower, r.ci_upper, fmt),
                              assessments.get((r.indicator_code, int(getattr(r, year))), "")])
            shown.update(series["indicator_code"])
            summary = ("WRES indicators 2 to 9 by reporting year with their 95% intervals. Indicators 2-4 are "
                       "relative likelihoods (1 = equal; the shaded band is 0.80-1.25, the range WRES treats as "
                       "no adverse impact); 5-8 are gaps in percentage points between BME and White staff (0 = "
                       "parity); 9 is the BME share of voting board members minus that of the workforce.")
            figures.append(Figure("wres-series", "WRES indicators over time", summary,
                                  charts.small_multiples(data, description=summary, x_title="Reporting year",
                                                         y_title="Value", columns=4, width=150,
                                                         band_title="Target band", reference_title="Target"),
                                  ["Indicator", "Year", "Value", "95% interval", "Assessment"], table,
                                  _legend(("line", charts.NHS_BLUE, "This organisation, with 95% intervals"),
                                          ("band", "#C8D3DA", "Target band (0.80-1.25 for ratios)"),
                                          ("dash", charts.GREY, "Equality (1 for ratios, 0 for gaps)"))))
        bands = wres[wres["indicator_code"].astype(str).str.startswith("wres_1_")]
        if not bands.empty:
            latest = bands[bands[year] == bands[year].max()].copy()
            latest["label"] = (latest["staff_group"].astype(str).str.replace("_", "-") + ": "
                               + latest["band"].astype(str).str.replace("_", " "))
            latest = latest.sort_values(["staff_group", "indicator_code"])
            shown.update(latest["indicator_code"])
            data = [{"label": r.label, "order": i, "value": _clean(r.value), "lo": _clean(r.ci_lower),
                     "hi": _clean(r.ci_upper), "verdict": "", "colour": charts.NHS_BLUE}
                    for i, r in enumerate(latest.itertuples()) if _clean(r.value) is not None]
            y = int(latest[year].max())
            summary = (f"WRES indicator 1 in {y}: for each pay band, BME staff's share of the band relative to "
                       "their share of the workforce (1 = proportionate), with 95% intervals; the shaded band "
                       "is 0.80-1.25.")
            figures.append(Figure("wres-1", f"WRES 1: representation by pay band ({y})", summary,
                                  charts.interval_dots(data, description=summary, x_title="Relative representation",
                                                       reference=1.0, band=(0.8, 1.25), label_width=200),
                                  ["Staff group and band", "Value", "95% interval"],
                                  [[r.label, number(r.value, ".2f"), _range(r.ci_lower, r.ci_upper, ".2f")]
                                   for r in latest.itertuples()]))
        if not figures:
            return None
        return Section("wres", "Workforce Race Equality Standard",
                       "Each value is shown with its published 95% interval; a ratio is judged against 0.80-1.25 "
                       "by its interval, not its point estimate alone.", figures)

    # ------------------------------------------------------------------ board
    def board(self, org: str, shown: set[str]) -> Section | None:
        board = self.rows.table("fct_board_composition", org)
        if board.empty or "as_at_date" not in board.columns:
            return None
        board = board.sort_values("as_at_date")
        group = self._group(org)
        bench = self.board_bench
        if {"geography_level", "geography_code", "measure_code", "trust_q1", "trust_q3", "trust_median"} <= set(
                bench.columns):
            bench = bench[(bench["geography_level"] == "benchmark_group") & (bench["geography_code"] == group)]
            bench = bench.set_index(["measure_code", bench["as_at_date"].astype(str).str[:10]])
        else:
            bench = pd.DataFrame()
        data, table = [], []
        for order, (column, title, scale, measure) in enumerate(BOARD_PANELS):
            if column not in board.columns:
                continue
            target = self._target(measure) if measure else (None, None, None)
            for r in board.itertuples():
                day = str(r.as_at_date)[:10]
                value = _clean(getattr(r, column))
                value = None if value is None else value * scale
                band = (target[0], target[1], target[2])
                if band == (None, None, None) and measure and (measure, day) in bench.index:
                    b = bench.loc[(measure, day)]
                    band = (_scaled(b["trust_q1"], scale), _scaled(b["trust_q3"], scale),
                            _scaled(b["trust_median"], scale))
                data.append({"panel": title, "order": order, "x": day, "x_label": day, "value": value,
                             "band_lo": band[0], "band_hi": band[1], "reference": band[2]})
                table.append([title, day, number(value, ".1f" if scale != 1 or "pct" in column else ".0f")])
            if measure:
                shown.add(measure)
        summary = (f"The board of {org} at each quarter end from {str(board['as_at_date'].min())[:10]} to "
                   f"{str(board['as_at_date'].max())[:10]}: size, vacancies, interim posts, women and BME shares of "
                   "voting members, and the tenure of the chief executive and chair, against the middle half of "
                   "the benchmarking group (women: the 45-55% band). A share is not published where a group has "
                   "fewer than 5 people; such quarters are gaps.")
        spec = charts.small_multiples(data, description=summary, x_title="Quarter end", y_title="Value",
                                      temporal=True, value_format=".1f", band_title="Group middle half or target",
                                      reference_title="Group median or target", width=190)
        figure = Figure("board", "Board composition and stability by quarter", summary, spec,
                        ["Measure", "Quarter end", "Value"], table,
                        _legend(("line", charts.NHS_BLUE, "This organisation"),
                                ("dash", charts.GREY, "Group median (or target)"),
                                ("band", "#C8D3DA", "Group middle half (women: 45-55%)")))
        return Section("board", "Board composition and stability",
                       "From the trust's board registers as at each quarter end. Percentages by gender or ethnicity "
                       "are withheld where the group has fewer than 5 people: they appear nowhere on this page.",
                       [figure])

    # ------------------------------------------------------------------ well-led summary
    def well_led_summary(self, org: str, shown: set[str]) -> Section | None:
        summary = self.rows.table("fct_well_led_summary", org)
        if summary.empty or not {"period", "statement_name"} <= set(summary.columns):
            return None
        period = int(summary["period"].max())
        latest = summary[summary["period"] == period].sort_values(first_column(summary, "statement_order",
                                                                               "statement_code"))
        categories = [c for c in ASSESSMENT_LABELS if f"{c}_count" in latest.columns]
        categories += [c.removesuffix("_count") for c in latest.columns if c.endswith("_count")
                       and c.removesuffix("_count") not in categories
                       and c.removesuffix("_count") not in ("improved", "deteriorated")]
        labels = {c: ASSESSMENT_LABELS.get(c, c.replace("_", " ").capitalize()) for c in categories}
        data = [{"statement": r["statement_name"], "order": i, "category": labels[c], "category_order": k,
                 "count": _clean(r[f"{c}_count"])}
                for i, (_, r) in enumerate(latest.iterrows()) for k, c in enumerate(categories)
                if _clean(r[f"{c}_count"])]
        text = (f"For each CQC well-led quality statement in {period}, how many of its indicators for {org} are "
                "better than expected, as expected, worse than expected, not assessed or without a value. "
                "Evidence for a conversation, not a rating.")
        spec = charts.stacked_counts(data, description=text, categories=categories, labels=labels)
        table = [[r["statement_name"], *[number(r[f"{c}_count"], ".0f") for c in categories],
                  str(r.get("evidence_coverage", ""))] for _, r in latest.iterrows()]
        figure = Figure("well-led", f"Well-led evidence by quality statement ({period})", text, spec,
                        ["Quality statement", *[labels[c] for c in categories], "Evidence coverage"], table)
        indicators = self.rows.table("fct_well_led_indicators", org)
        indicators = indicators[indicators["period"] == period].set_index("indicator_code", drop=False) \
            if "period" in indicators.columns else indicators
        details = []
        for _, r in latest.iterrows():
            groups = []
            for c in categories:
                codes_column = f"{c}_indicator_codes"
                codes = str(r[codes_column]).split("|") if codes_column in latest.columns and isinstance(
                    r[codes_column], str) else []
                items = [self._indicator_line(indicators, code) for code in codes if code]
                shown.update(codes)
                if items:
                    groups.append({"label": labels[c], "items": items})
            details.append({"statement": r["statement_name"], "coverage": str(r.get("evidence_coverage", "")),
                            "groups": groups})
        return Section("well-led", "Well-led: the evidence behind each quality statement",
                       "Counts of indicators by their assessment against the comparator (funnel limits, targets or "
                       "quartile positions, as each indicator's method says). Open a statement to see the "
                       "indicators behind each count.", [figure], [{"kind": "statements", "items": details}])

    def _indicator_line(self, indicators: pd.DataFrame, code: str) -> dict:
        name = self.indicator_name(code)
        if code not in indicators.index:
            return {"name": name, "code": code, "value": "", "basis": ""}
        row = indicators.loc[code]
        fmt = UNIT_FORMATS.get(str(row.get("unit")), ".2f")
        value = number(row.get("value"), fmt)
        if _clean(row.get("benchmark_median")) is not None:
            value += f" (comparator median {number(row.get('benchmark_median'), fmt)})"
        return {"name": name, "code": code, "value": value, "basis": str(row.get("assessment_basis") or "")}

    # ------------------------------------------------------------------ outcomes
    def outcomes(self, org: str, shown: set[str]) -> Section | None:
        figures, blocks = [], []
        for table, title, times, values, references, panels, y_title, reference_title in OUTCOMES:
            frame = self.rows.table(table, org)
            time, value = first_column(frame, *times), first_column(frame, *values)
            if frame.empty or time is None or value is None:
                continue
            reference, panel = first_column(frame, *references), first_column(frame, *panels)
            frame = frame.sort_values(time)
            data = [{"panel": str(getattr(r, panel)) if panel else title, "order": 0,
                     "x": str(getattr(r, time))[:10], "x_label": str(getattr(r, time))[:10],
                     "value": _clean(getattr(r, value)), "reference": _clean(getattr(r, reference)) if reference
                     else None, "band_lo": None, "band_hi": None} for r in frame.itertuples()]
            summary = (f"{title} for {org}, {str(frame[time].min())[:10]} to {str(frame[time].max())[:10]}: "
                       f"{y_title.lower()} by month" + (f", with the {reference_title.lower()}" if reference else "")
                       + ". Withheld months are gaps.")
            figures.append(Figure(table, title, summary,
                                  charts.small_multiples(data, description=summary, x_title="Month",
                                                         y_title=y_title, temporal=True, value_format=".1f",
                                                         reference_title=reference_title, columns=2, width=300),
                                  ["Series", "Month", y_title, reference_title],
                                  [[d["panel"], d["x_label"], number(d["value"]), number(d["reference"])]
                                   for d in data],
                                  _legend(("line", charts.NHS_BLUE, y_title),
                                          ("dash", charts.GREY, reference_title))))
        ratings = self.rows.table(CQC_RATINGS, org)
        domain, rating = first_column(ratings, "domain"), first_column(ratings, "rating")
        if not ratings.empty and domain and rating:
            release = first_column(ratings, "release_date")
            if release:
                ratings = ratings[ratings[release] == ratings[release].max()]
            published = first_column(ratings, "rating_publication_date")
            blocks.append({"kind": "table", "caption": "CQC ratings (latest release)",
                           "columns": ["Domain", "Rating", "Rating published"],
                           "rows": [[str(r[domain]), str(r[rating]), str(r[published])[:10] if published else ""]
                                    for _, r in ratings.iterrows()]})
        if not figures and not blocks:
            return None
        return Section("outcomes", "Outcomes beside culture",
                       "Outcome measures from their own publications, shown as trends within the organisation "
                       "(not league tables).", figures, blocks)

    # ------------------------------------------------------------------ programme cohort
    def programme(self, org: str, shown: set[str]) -> Section | None:
        changes = self.rows.table("fct_programme_cohort_changes", org)
        needed = {"cohort", "indicator_code", "difference_in_differences", "ci_lower", "ci_upper"}
        if changes.empty or not needed <= set(changes.columns):
            return None
        figures = []
        unit = "unit" if "unit" in changes.columns else "cohort"
        units = {"score_0_10": "scores, 0-10", "percentage_points": "WRES gaps, percentage points"}
        for (cohort, scale), rows in changes.groupby(["cohort", unit], sort=True):
            rows = rows.assign(name=rows["indicator_code"].map(self.indicator_name))
            estimable = rows[rows["difference_in_differences"].notna()]
            shown.update(rows["indicator_code"])
            colour = {"better_than_peers": charts.GREEN, "worse_than_peers": charts.RED}
            data = [{"label": r.name, "order": i, "value": _clean(r.difference_in_differences),
                     "lo": _clean(r.ci_lower), "hi": _clean(r.ci_upper),
                     "verdict": str(r.relative_change).replace("_", " "),
                     "colour": colour.get(r.relative_change, charts.NHS_BLUE)}
                    for i, r in enumerate(estimable.itertuples())]
            start = str(rows["start_date"].iloc[0])[:10] if "start_date" in rows else ""
            better = int((rows["relative_change"] == "better_than_peers").sum())
            worse = int((rows["relative_change"] == "worse_than_peers").sum())
            summary = (f"{cohort} (started {start}): for each headline indicator, {org}'s change from the last "
                       "survey before the programme to the latest one, minus its peers' average change over the "
                       f"same years, with a 95% interval. {better} indicator(s) moved better than peers, {worse} "
                       "worse; the rest are within what peers' own changes make ordinary.")
            table = [[r.name, _period_value(r.before_period, r.before_value), _period_value(r.latest_period,
                                                                                          r.latest_value),
                      number(r.trust_change, "+.2f"), number(r.comparator_change, "+.2f"),
                      number(r.difference_in_differences, "+.2f"), _range(r.ci_lower, r.ci_upper, "+.2f"),
                      str(r.relative_change).replace("_", " ")
                      + (f" ({r.not_estimable_reason})" if isinstance(getattr(r, "not_estimable_reason", None), str)
                         else "")]
                     for r in rows.itertuples()]
            title = f"Before and after the programme, against peers: {cohort}"
            if unit == "unit":
                title += f" ({units.get(scale, str(scale).replace('_', ' '))})"
            figures.append(Figure(f"cohort-{len(figures)}", title,
                                  summary, charts.interval_dots(data, description=summary,
                                                                x_title="Change relative to peers (difference in "
                                                                        "differences)"),
                                  ["Indicator", "Before", "Latest", "Change", "Peers' change", "Difference",
                                   "95% interval", "Reading"], table,
                                  _legend(("dot", charts.GREEN, "Better than peers"),
                                          ("dot", charts.RED, "Worse than peers"),
                                          ("dot", charts.NHS_BLUE, "No significant difference"))))
        return Section("programme", "Programme cohort: before and after, against peers",
                       "A difference in differences: the organisation's change minus its peers' average change "
                       "over the same survey years. The interval comes from how much peers' own changes vary; an "
                       "association in time, not proof that the programme caused the change.", figures)

    # ------------------------------------------------------------------ small lookups
    def _org_field(self, org: str, column: str):
        orgs = self.rows.organisations
        if org in orgs.index and column in orgs.columns:
            value = orgs.at[org, column]
            return value if isinstance(value, str) else None
        return None

    def _group(self, org: str) -> str | None:
        return self._org_field(org, "benchmarking_group_code")

    def _target(self, code: str | None) -> tuple:
        """(band lower, band upper, reference line) of an indicator's target, from dim_indicator."""
        if not code or code not in self.indicator_by_code.index:
            return (None, None, None)
        row = self.indicator_by_code.loc[code]
        lower, upper, value = (_clean(row.get(c)) for c in ("target_lower", "target_upper", "target_value"))
        return (lower if upper is not None else None, upper if lower is not None else None, value)

    def _short_name(self, code: str) -> str:
        name = self.indicator_name(code)
        head, _, rest = name.partition(":")
        return f"{head}: {rest.strip()[:38]}…" if len(rest.strip()) > 38 else name

    def _assessments(self, org: str) -> dict[tuple[str, int], str]:
        rows = self.rows.table("fct_well_led_indicators", org)
        if rows.empty or "assessment" not in rows.columns:
            return {}
        return {(r.indicator_code, int(r.period)): ASSESSMENT_LABELS.get(r.assessment, str(r.assessment))
                for r in rows.itertuples()}


def _scaled(value, scale: float):
    value = _clean(value)
    return None if value is None else value * scale


def _range(lo, hi, fmt: str) -> str:
    if _clean(lo) is None or _clean(hi) is None:
        return ""
    return f"{format(float(lo), fmt)} to {format(float(hi), fmt)}"


def _period_value(period, value) -> str:
    if _clean(period) is None:
        return NOT_PUBLISHED
    return f"{int(period)}: {number(value, '.2f')}"


def _legend(*items: tuple[str, str, str]) -> list[tuple[str, str, str]]:
    return list(items)
