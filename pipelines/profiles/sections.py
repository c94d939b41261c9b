"""What a trust's page says: each section's figures (a chart, its text alternative and the table behind it).

Set-based: `PageBuilder` reads each section's rows for every organisation with one DuckDB query (joins to
benchmarks and the choice of latest periods done there), groups them by organisation once, and then builds
any organisation's sections from its plain rows. Parts that many pages share are computed once (a funnel's
peers and limits, the method notes of an indicator).

Columns are read by name and may be missing (a missing one reads as null); a section whose table is absent,
empty for this organisation or lacking the columns it needs is left out (outcome tables arrive as their
sources land). Values the warehouse withholds are null there and stay absent here: no chart, tooltip or table
carries them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import groupby

import numpy as np

from ..warehouse.base import ident
from . import charts
from .figures import NOT_PUBLISHED, Figure, Row, Section, by_org, number, value_range
from .figures import clean as _clean
from .markup import table_rows
from .outcomes import Outcomes
from .published import Publication, pick
from .vocabulary import ASSESSMENT_LABELS
from .well_led import WellLedSummary

KEY_QUESTIONS = ("nss_q25c_recommend_work", "nss_q25d_recommend_care", "nss_q20a_secure_raising_concerns",
                 "nss_q25e_safe_to_speak_up", "nss_q14c_harassment_colleagues", "nss_q16b_discrimination_colleagues",
                 "nss_q15_equal_opportunities")
WRES_PANELS = ("wres_2", "wres_3", "wres_4", "wres_5", "wres_6", "wres_7", "wres_8", "wres_9_voting")
# (column of fct_board_composition, panel title, scale factor, board benchmark measure)
BOARD_PANELS = (
    ("board_size", "Board members in post", 1, "board_board_size"),
    ("voting_members", "Voting members", 1, "board_voting_members"),
    ("vacant_posts", "Vacant posts", 1, "board_vacant_posts"),
    ("interim_posts", "Interim posts", 1, "board_interim_posts"),
    ("women_pct_voting", "Women, % of voting members", 1, "board_women_pct_voting"),
    ("bme_pct_voting", "BME, % of voting members", 1, "board_bme_pct_voting"),
    ("ceo_tenure_days", "Chief executive's tenure (years)", 1 / 365.25, "board_ceo_tenure_days"),
    ("chair_tenure_days", "Chair's tenure (years)", 1 / 365.25, "board_chair_tenure_days"),
    ("exec_appointed_12m_pct", "Executives appointed in the last 12 months, %", 1, "board_exec_appointed_12m_pct"),
)
WELL_LED = "fct_well_led_indicators"
PEOPLE_PROMISE_ORDER = {c: i for i, c in enumerate(["PP1", "PP2", "PP3", "PP4", "PP5", "PP6", "PP7", "ENGAGEMENT",
                                                    "MORALE"])}
FUNNEL_POINTS = 30  # points along each funnel limit line (a smooth curve on a log axis)

class PageBuilder:
    """Every organisation's sections, from a handful of set-based queries made once for all pages."""

    def __init__(self, publication: Publication):
        self.pub = pub = publication
        self.orgs: dict[str, Row] = ({r["org_code"]: r for r in pub.rows("select * from dim_organisation")}
                                     if pub.has("dim_organisation", "org_code") else {})
        self.indicators: dict[str, Row] = ({r["indicator_code"]: r for r in pub.rows("select * from dim_indicator")}
                                           if pub.has("dim_indicator", "indicator_code") else {})
        self._scores = self._people_promise_rows()
        self._funnel_rows, self._peers = self._funnel_data()
        self._limits: dict[tuple, list[Row]] = {}
        self._peer_parts: dict[tuple, tuple[list[tuple[str, Row, str]], list[int]]] = {}
        self._wres = self._wres_rows()
        self._board, self._board_bench = self._board_rows()
        self._well_led = WellLedSummary(pub, self.indicator_name)
        self._outcomes = Outcomes(pub, self._all_rows)
        self._cohorts = self._all_rows("fct_programme_cohort_changes")
        self.headline_rows = self._headline_rows()

    # ------------------------------------------------------------------ reading
    def _all_rows(self, table: str) -> dict[str, list[Row]]:
        if not self.pub.has(table, "org_code"):
            return {}
        return by_org(self.pub.rows(f"select * from {ident(table)} order by org_code, rowid"))

    def _latest_well_led(self, codes: tuple[str, ...], columns: tuple[str, ...], condition: str = "true") -> list[Row]:
        """Each organisation's latest-period row of each of `codes` in fct_well_led_indicators."""
        if not self.pub.has(WELL_LED, "org_code", "indicator_code", "period"):
            return []
        return self.pub.rows(
            f"select {pick(self.pub, WELL_LED, 'org_code', 'indicator_code', 'period', *columns)} from ("
            f"select *, row_number() over (partition by org_code, indicator_code order by period desc, rowid desc) "
            f"as recency from {WELL_LED} where indicator_code in (select unnest(?::varchar[])) and ({condition})) "
            "where recency = 1 order by org_code, indicator_code", [list(codes)])

    def _headline_rows(self) -> dict[str, list[Row]]:
        from .headlines import HEADLINE_CODES, HEADLINE_COLUMNS

        return by_org(self._latest_well_led(HEADLINE_CODES, HEADLINE_COLUMNS))

    def indicator_name(self, code: str) -> str:
        row = self.indicators.get(code)
        return str(row["indicator_name"]) if row is not None and row.get("indicator_name") is not None else code

    def org_field(self, org: str, column: str) -> str | None:
        value = self.orgs.get(org, {}).get(column)
        return value if isinstance(value, str) else None

    def sections(self, org_code: str) -> tuple[list[Section], set[str]]:
        """The page's sections in reading order, and the indicator codes they show (for the method notes)."""
        shown: set[str] = set()
        builders = (self.people_promise, self.funnels, self.wres, self.board, self._well_led.section,
                    self._outcomes.sections, self.programme)
        out = []
        for build in builders:
            built = build(org_code, shown)
            for section in built if isinstance(built, list) else [built]:
                if section is not None and (section.figures or section.html_blocks):
                    out.append(section)
        return out, shown

    # ------------------------------------------------------------------ People Promise
    def _people_promise_rows(self) -> dict[str, list[Row]]:
        pub = self.pub
        scores = "fct_staff_survey_scores"
        if not pub.has(scores, "org_code", "measure_level", "measure_code", "measure_name", "survey_year", "score"):
            return {}
        bench_columns = ("geography_level", "geography_code", "result_kind", "code", "survey_year", "p25_value",
                         "median_value", "p75_value")
        if pub.has("fct_staff_survey_benchmarks", *bench_columns) and pub.has("dim_organisation",
                                                                             "benchmarking_group_code"):
            bench = ("b.p25_value, b.median_value, b.p75_value from fct_staff_survey_scores s "
                     "left join dim_organisation o on o.org_code = s.org_code "
                     "left join fct_staff_survey_benchmarks b on b.geography_level = 'benchmark_group' "
                     "and b.geography_code = o.benchmarking_group_code and b.result_kind = 'score' "
                     "and b.code = s.measure_code and b.survey_year = s.survey_year")
        else:
            bench = "null as p25_value, null as median_value, null as p75_value from fct_staff_survey_scores s"
        have = set(pub.columns(scores))
        optional = ", ".join(f"s.{c}" if c in have else f"null as {c}" for c in ("base_n", "indicator_code"))
        return by_org(pub.rows(
            f"select s.org_code, s.measure_code, s.measure_name, s.survey_year, s.score, {optional}, {bench} "
            "where s.measure_level in ('element', 'theme') order by s.org_code, s.survey_year, s.measure_code"))

    def people_promise(self, org: str, shown: set[str]) -> Section | None:
        scores = sorted(self._scores.get(org, []),
                        key=lambda r: (PEOPLE_PROMISE_ORDER.get(r["measure_code"], 99), r["survey_year"]))
        if not scores:
            return None
        shown.update(r["indicator_code"] for r in scores if r["indicator_code"] is not None)
        data = [{"panel": r["measure_name"], "order": PEOPLE_PROMISE_ORDER.get(r["measure_code"], 99),
                 "x": int(r["survey_year"]), "x_label": str(r["survey_year"]), "value": _clean(r["score"]),
                 "reference": _clean(r["median_value"]), "band_lo": _clean(r["p25_value"]),
                 "band_hi": _clean(r["p75_value"])} for r in scores]
        group_name = self.org_field(org, "benchmarking_group") or "the benchmarking group"
        first, last = min(r["survey_year"] for r in scores), max(r["survey_year"] for r in scores)
        latest = [r for r in scores if r["survey_year"] == last]
        above = sum(1 for r in latest if _above(r["score"], r["p75_value"]))
        below = sum(1 for r in latest if _above(r["p25_value"], r["score"]))
        summary = (f"Scores (0-10) of the seven People Promise elements and the engagement and morale themes, "
                   f"{int(first)} to {int(last)}, against the middle half (25th to 75th percentile) and median of "
                   f"{group_name}. In {int(last)}, {above} of {len(latest)} are above the group's upper quartile "
                   f"and {below} below its lower quartile.")
        spec = charts.small_multiples(data, description=summary, x_title="Survey year", y_title="Score (0-10)",
                                      band_title="Group middle half", reference_title="Group median")
        table = [[r["measure_name"], str(r["survey_year"]), number(r["score"], ".2f"),
                  number(r["median_value"], ".2f"), value_range(r["p25_value"], r["p75_value"], ".2f"),
                  number(r["base_n"], ",.0f")] for r in scores]
        figure = Figure("people-promise", "People Promise elements and themes", summary, spec,
                        ["Measure", "Year", "Score", "Group median", "Group middle half", "Responses"], table,
                        [("line", charts.NHS_BLUE, "This organisation"), ("dash", charts.GREY, "Group median"),
                         ("band", "#C8D3DA", "Group middle half (25th-75th percentile)")])
        return Section("people-promise", "Staff experience: the People Promise",
                       "Scores are published with their number of responses but no spread, so they carry no "
                       "interval: the band is the spread of the benchmarking group, a position and not a test.",
                       [figure])

    # ------------------------------------------------------------------ funnels
    def _funnel_data(self) -> tuple[dict[str, list[Row]], dict[tuple, list[Row]]]:
        needed = ("indicator_code", "period", "value", "base_n", "funnel_target", "overdispersion_phi",
                  "comparator_code", "org_code")
        if not self.pub.has(WELL_LED, *needed):
            return {}, {}
        own = self._latest_well_led(KEY_QUESTIONS, ("value", "base_n", "funnel_target", "overdispersion_phi",
                                                    "overdispersion_model", "overdispersion_tau2", "comparator_code",
                                                    "ci_lower", "ci_upper", "assessment"),
                                    "value is not null and funnel_target is not null")
        peers: dict[tuple, list[Row]] = defaultdict(list)
        for r in self.pub.rows("select indicator_code, period, comparator_code, org_code, base_n, value "
                               f"from {WELL_LED} where indicator_code in (select unnest(?::varchar[])) "
                               "and value is not null and comparator_code is not null order by rowid",
                               [list(KEY_QUESTIONS)]):
            peers[(r["indicator_code"], r["period"], r["comparator_code"])].append(r)
        return by_org(own), dict(peers)

    def funnels(self, org: str, shown: set[str]) -> Section | None:
        rows = {r["indicator_code"]: r for r in self._funnel_rows.get(org, [])}
        figures = []
        for code in KEY_QUESTIONS:
            if code in rows:
                figures.append(self._funnel(org, rows[code]))
                shown.add(code)
        if not figures:
            return None
        return Section("funnels", "Key questions among peers (funnel plots)",
                       "Each dot is an organisation of the comparator group, placed by its number of responses and "
                       "its % answering favourably; the funnels are the 95% and 99.8% limits around the group's "
                       "pooled %, widened by the real spread between organisations (additive random effects, "
                       "Spiegelhalter 2005). Outside the 99.8% limits is better or worse than expected; inside is "
                       "as expected.", figures)

    def _peer_points(self, group: tuple) -> tuple[list[tuple[str, Row, str]], list[int]]:
        """A comparator group's members as (org, chart point, table row), rendered once for all its pages;
        ordered by value, highest first, as the table lists them."""
        if group not in self._peer_parts:
            members = self._peers.get(group, [])
            points = [(r["org_code"], {"kind": "peer", "label": r["org_code"], "n": _clean(r["base_n"]),
                                       "value": _clean(r["value"])}) for r in members]
            ranked = sorted(range(len(members)), key=lambda i: -float(members[i]["value"]))
            rows = {i: table_rows([[members[i]["org_code"], number(members[i]["base_n"], ",.0f"),
                                    number(members[i]["value"]), ""]]) for i in ranked}
            self._peer_parts[group] = ([(*points[i], rows[i]) for i in range(len(members))], ranked)
        return self._peer_parts[group]

    def _limit_points(self, group: tuple, target: float, spread: tuple) -> list[Row]:
        """The 95% and 99.8% limits along the group's range of responses (the same for all its members), by the
        overdispersion model the warehouse used: `spread` is ("additive", tau2) or ("multiplicative", phi)."""
        key = (*group, target, *spread)
        if key not in self._limits:
            ns = [float(r["base_n"]) for r in self._peers.get(group, []) if _clean(r["base_n"]) is not None]
            points = []
            if ns and spread[1] is not None:
                grid = np.geomspace(max(10, min(ns) * 0.8), max(ns) * 1.15, FUNNEL_POINTS)
                for level, z in (("95%", 1.959964), ("99.8%", 3.090232)):
                    for side, sign in (("lower", -1), ("upper", 1)):
                        for n in grid:
                            limit = 100 * (target + sign * z * math.sqrt(_funnel_variance(target, n, *spread)))
                            points.append({"kind": "limit", "limit": f"{level} {side}", "level": level,
                                           "n": round(float(n), 1), "value": round(min(100.0, max(0.0, limit)), 3)})
            self._limits[key] = points
        return self._limits[key]

    def _funnel(self, org: str, row: Row) -> Figure:
        code, period, comparator = row["indicator_code"], row["period"], row["comparator_code"]
        group = (code, period, comparator)
        members, ranked = self._peer_points(group)
        peers = [m for m in members if m[0] != org]
        target = float(row["funnel_target"]) / 100
        data: list[Row] = [point for _, point, _ in peers]
        data += self._limit_points(group, target, _spread(row))
        data.append({"kind": "trust", "label": org, "n": _clean(row["base_n"]), "value": _clean(row["value"]),
                     "lo": _clean(row["ci_lower"]), "hi": _clean(row["ci_upper"])})
        name = self.indicator_name(code)
        assessment = ASSESSMENT_LABELS.get(str(row["assessment"]), str(row["assessment"]))
        summary = (f"{name} ({int(period)}): {org} {number(row['value'])}% favourable from "
                   f"{number(row['base_n'], ',.0f')} responses, against {len(peers)} peers ({comparator}) whose "
                   f"pooled figure is {number(row['funnel_target'])}%. Funnel reading: {assessment.lower()}.")
        spec = charts.funnel(data, description=summary, y_title="% favourable")
        table = [[org + " (this organisation)", number(row["base_n"], ",.0f"), number(row["value"]),
                  value_range(row["ci_lower"], row["ci_upper"], ".1f")]]
        peer_rows = "".join(members[i][2] for i in ranked if members[i][0] != org)
        return Figure(f"funnel-{code}", f"{name} ({int(period)})", summary, spec,
                      ["Organisation", "Responses", "% favourable", "95% interval"], table,
                      [("diamond", charts.DARK_BLUE, "This organisation, with its 95% interval"),
                       ("dot", charts.GREY, "Peers"), ("dash", charts.AMBER, "95% limits"),
                       ("line", charts.RED, "99.8% limits")], peer_rows)

    # ------------------------------------------------------------------ WRES
    def _wres_rows(self) -> tuple[dict[str, list[Row]], dict[str, dict[tuple, str]]]:
        pub, table = self.pub, "fct_wres_indicators"
        if not pub.has(table, "org_code", "reporting_year", "indicator_code"):
            return {}, {}
        columns = pick(pub, table, "org_code", "reporting_year", "indicator_code", "value", "ci_lower", "ci_upper",
                       "value_unit", "staff_group", "band")
        rows = by_org(pub.rows(f"select {columns} from {table} order by org_code, rowid"))
        assessments: dict[str, dict[tuple, str]] = defaultdict(dict)
        if pub.has(WELL_LED, "org_code", "indicator_code", "period", "assessment"):
            for r in pub.rows(f"select org_code, indicator_code, period, assessment from {WELL_LED} "
                              "where indicator_code in (select unnest(?::varchar[]))", [list(WRES_PANELS)]):
                assessments[r["org_code"]][(r["indicator_code"], int(r["period"]))] = ASSESSMENT_LABELS.get(
                    r["assessment"], str(r["assessment"]))
        return rows, dict(assessments)

    def wres(self, org: str, shown: set[str]) -> Section | None:
        rows, all_assessments = self._wres
        wres = rows.get(org, [])
        if not wres:
            return None
        assessments = all_assessments.get(org, {})
        order = {c: i for i, c in enumerate(WRES_PANELS)}
        series = sorted((r for r in wres if r["indicator_code"] in order),
                        key=lambda r: (order[r["indicator_code"]], r["reporting_year"]))
        figures = []
        if series:
            data, table = [], []
            for r in series:
                target = self._target(r["indicator_code"])
                label = self._short_name(r["indicator_code"])
                year = int(r["reporting_year"])
                data.append({"panel": label, "order": order[r["indicator_code"]], "x": year, "x_label": str(year),
                             "value": _clean(r["value"]), "lo": _clean(r["ci_lower"]), "hi": _clean(r["ci_upper"]),
                             "band_lo": target[0], "band_hi": target[1], "reference": target[2]})
                fmt = ".2f" if r["value_unit"] == "ratio" else ".1f"
                table.append([label, str(r["reporting_year"]), number(r["value"], fmt),
                              value_range(r["ci_lower"], r["ci_upper"], fmt),
                              assessments.get((r["indicator_code"], year), "")])
            shown.update(r["indicator_code"] for r in series)
            summary = ("WRES indicators 2 to 9 by reporting year with their 95% intervals. Indicators 2-4 are "
                       "relative likelihoods (1 = equal; the shaded band is 0.80-1.25, the range WRES treats as "
                       "no adverse impact); 5-8 are gaps in percentage points between BME and White staff (0 = "
                       "parity); 9 is the BME share of voting board members minus that of the workforce.")
            figures.append(Figure("wres-series", "WRES indicators over time", summary,
                                  charts.small_multiples(data, description=summary, x_title="Reporting year",
                                                         y_title="Value", columns=4, width=150,
                                                         band_title="Target band", reference_title="Target"),
                                  ["Indicator", "Year", "Value", "95% interval", "Assessment"], table,
                                  [("line", charts.NHS_BLUE, "This organisation, with 95% intervals"),
                                   ("band", "#C8D3DA", "Target band (0.80-1.25 for ratios)"),
                                   ("dash", charts.GREY, "Equality (1 for ratios, 0 for gaps)")]))
        bands = [r for r in wres if str(r["indicator_code"]).startswith("wres_1_")]
        if bands:
            year = max(r["reporting_year"] for r in bands)
            latest = []
            for r in bands:
                if r["reporting_year"] == year:
                    label = str(r["staff_group"]).replace("_", "-") + ": " + str(r["band"]).replace("_", " ")
                    latest.append({**r, "label": label})
            latest.sort(key=lambda r: (str(r["staff_group"]), str(r["indicator_code"])))
            shown.update(r["indicator_code"] for r in latest)
            data = [{"label": r["label"], "order": i, "value": _clean(r["value"]), "lo": _clean(r["ci_lower"]),
                     "hi": _clean(r["ci_upper"]), "verdict": "", "colour": charts.NHS_BLUE}
                    for i, r in enumerate(latest) if _clean(r["value"]) is not None]
            summary = (f"WRES indicator 1 in {int(year)}: for each pay band, BME staff's share of the band relative "
                       "to their share of the workforce (1 = proportionate), with 95% intervals; the shaded band "
                       "is 0.80-1.25.")
            figures.append(Figure("wres-1", f"WRES 1: representation by pay band ({int(year)})", summary,
                                  charts.interval_dots(data, description=summary, x_title="Relative representation",
                                                       reference=1.0, band=(0.8, 1.25), label_width=200),
                                  ["Staff group and band", "Value", "95% interval"],
                                  [[r["label"], number(r["value"], ".2f"),
                                    value_range(r["ci_lower"], r["ci_upper"], ".2f")] for r in latest]))
        if not figures:
            return None
        return Section("wres", "Workforce Race Equality Standard",
                       "Each value is shown with its published 95% interval; a ratio is judged against 0.80-1.25 "
                       "by its interval, not its point estimate alone.", figures)

    # ------------------------------------------------------------------ board
    def _board_rows(self) -> tuple[dict[str, list[Row]], dict[tuple, tuple]]:
        pub, table = self.pub, "fct_board_composition"
        if not pub.has(table, "org_code", "as_at_date"):
            return {}, {}
        columns = [c for c, *_ in BOARD_PANELS if c in pub.columns(table)]
        rows = by_org(pub.rows(f"select {pick(pub, table, 'org_code', 'as_at_date', *columns)} from {table} "
                               "order by org_code, as_at_date"))
        bench: dict[tuple, tuple] = {}
        needed = ("geography_level", "geography_code", "measure_code", "as_at_date", "p25_value", "p75_value",
                  "median_value")
        if pub.has("fct_board_benchmarks", *needed):
            for r in pub.rows("select geography_code, measure_code, as_at_date, p25_value, p75_value, median_value "
                              "from fct_board_benchmarks where geography_level = 'benchmark_group'"):
                bench[(r["geography_code"], r["measure_code"], str(r["as_at_date"])[:10])] = (
                    r["p25_value"], r["p75_value"], r["median_value"])
        return rows, bench

    def board(self, org: str, shown: set[str]) -> Section | None:
        board = self._board.get(org, [])
        if not board:
            return None
        group = self.org_field(org, "benchmarking_group_code")
        data, table = [], []
        for order, (column, title, scale, measure) in enumerate(BOARD_PANELS):
            if column not in board[0]:
                continue
            target = self._target(measure) if measure else (None, None, None)
            for r in board:
                day = str(r["as_at_date"])[:10]
                value = _scaled(r[column], scale)
                band = target
                if band == (None, None, None) and measure and (group, measure, day) in self._board_bench:
                    q1, q3, median = self._board_bench[(group, measure, day)]
                    band = (_scaled(q1, scale), _scaled(q3, scale), _scaled(median, scale))
                data.append({"panel": title, "order": order, "x": day, "x_label": day, "value": value,
                             "band_lo": band[0], "band_hi": band[1], "reference": band[2]})
                table.append([title, day, number(value, ".1f" if scale != 1 or "pct" in column else ".0f")])
            if measure:
                shown.add(measure)
        days = [str(r["as_at_date"])[:10] for r in board]
        summary = (f"The board of {org} at each quarter end from {min(days)} to {max(days)}: size, vacancies, "
                   "interim posts, women and BME shares of voting members, and the tenure of the chief executive and "
                   "chair, against the middle half and median of the benchmarking group (a position, not a "
                   "verdict). Women are shown against 50%: a board has parity when floor(n/2) or ceil(n/2) of its n "
                   "voting members are women, a target every board size can meet. A share is not published where a "
                   "group has fewer than 5 people; such quarters are gaps.")
        spec = charts.small_multiples(data, description=summary, x_title="Quarter end", y_title="Value",
                                      temporal=True, value_format=".1f", band_title="Group middle half or target",
                                      reference_title="Group median or target", width=190)
        figure = Figure("board", "Board composition and stability by quarter", summary, spec,
                        ["Measure", "Quarter end", "Value"], table,
                        [("line", charts.NHS_BLUE, "This organisation"),
                         ("dash", charts.GREY, "Group median (women: 50%, parity)"),
                         ("band", "#C8D3DA", "Group middle half (25th-75th percentile)")])
        return Section("board", "Board composition and stability",
                       "From the trust's board registers as at each quarter end. Percentages by gender or ethnicity "
                       "are withheld where the group has fewer than 5 people: they appear nowhere on this page.",
                       [figure])

    # ------------------------------------------------------------------ programme cohort
    def programme(self, org: str, shown: set[str]) -> Section | None:
        changes = self._cohorts.get(org, [])
        needed = {"cohort", "indicator_code", "difference_in_differences", "ci_lower", "ci_upper"}
        if not changes or not needed <= set(changes[0]):
            return None
        unit = "unit" if "unit" in changes[0] else "cohort"
        units = {"score_0_10": "scores, 0-10", "percentage_points": "WRES gaps, percentage points"}
        colour = {"better_than_peers": charts.GREEN, "worse_than_peers": charts.RED}
        figures = []
        ordered = sorted(changes, key=lambda r: (str(r["cohort"]), str(r[unit])))
        for (cohort, scale), part in groupby(ordered, key=lambda r: (r["cohort"], r[unit])):
            rows = [{**r, "name": self.indicator_name(r["indicator_code"])} for r in part]
            shown.update(r["indicator_code"] for r in rows)
            estimable = [r for r in rows if _clean(r["difference_in_differences"]) is not None]
            data = [{"label": r["name"], "order": i, "value": _clean(r["difference_in_differences"]),
                     "lo": _clean(r["ci_lower"]), "hi": _clean(r["ci_upper"]),
                     "verdict": str(r.get("relative_change")).replace("_", " "),
                     "colour": colour.get(r.get("relative_change"), charts.NHS_BLUE)}
                    for i, r in enumerate(estimable)]
            start = str(rows[0]["programme_start_date"])[:10] if "programme_start_date" in rows[0] else ""
            better = sum(1 for r in rows if r.get("relative_change") == "better_than_peers")
            worse = sum(1 for r in rows if r.get("relative_change") == "worse_than_peers")
            summary = (f"{cohort} (started {start}): for each headline indicator, {org}'s change from the last "
                       "survey before the programme to the latest one, minus its peers' average change over the "
                       f"same years, with a 95% interval. {better} indicator(s) moved better than peers, {worse} "
                       "worse; the rest are within what peers' own changes make ordinary.")
            table = [[r["name"], _period_value(r.get("before_period"), r.get("before_value")),
                      _period_value(r.get("latest_period"), r.get("latest_value")),
                      number(r.get("trust_change"), "+.2f"), number(r.get("comparator_change"), "+.2f"),
                      number(r["difference_in_differences"], "+.2f"), value_range(r["ci_lower"], r["ci_upper"], "+.2f"),
                      str(r.get("relative_change")).replace("_", " ")
                      + (f" ({r['not_estimable_reason']})" if isinstance(r.get("not_estimable_reason"), str)
                         else "")]
                     for r in rows]
            title = f"Before and after the programme, against peers: {cohort}"
            if unit == "unit":
                title += f" ({units.get(scale, str(scale).replace('_', ' '))})"
            figures.append(Figure(f"cohort-{len(figures)}", title, summary,
                                  charts.interval_dots(data, description=summary,
                                                       x_title="Change relative to peers (difference in "
                                                               "differences)"),
                                  ["Indicator", "Before", "Latest", "Change", "Peers' change", "Difference",
                                   "95% interval", "Reading"], table,
                                  [("dot", charts.GREEN, "Better than peers"), ("dot", charts.RED, "Worse than peers"),
                                   ("dot", charts.NHS_BLUE, "No significant difference")]))
        return Section("programme", "Programme cohort: before and after, against peers",
                       "A difference in differences: the organisation's change minus its peers' average change "
                       "over the same survey years. The interval comes from how much peers' own changes vary; an "
                       "association in time, not proof that the programme caused the change.", figures)

    # ------------------------------------------------------------------ small lookups
    def _target(self, code: str | None) -> tuple:
        """(band lower, band upper, reference line) of an indicator's target, from dim_indicator."""
        row = self.indicators.get(code) if code else None
        if row is None:
            return (None, None, None)
        lower, upper, value = (_clean(row.get(c)) for c in ("target_lower", "target_upper", "target_value"))
        return (lower if upper is not None else None, upper if lower is not None else None, value)

    def _short_name(self, code: str) -> str:
        name = self.indicator_name(code)
        head, _, rest = name.partition(":")
        return f"{head}: {rest.strip()[:38]}…" if len(rest.strip()) > 38 else name


def _spread(row: Row) -> tuple:
    """The overdispersion the warehouse applied to this row's funnel: additive (tau-squared, the default) or
    multiplicative (phi); a row published before the additive model read as multiplicative."""
    if row.get("overdispersion_model") == "additive":
        return ("additive", _clean(row.get("overdispersion_tau2")))
    return ("multiplicative", _clean(row.get("overdispersion_phi")))


def _funnel_variance(target: float, n: float, model: str, spread: float) -> float:
    binomial = target * (1 - target) / n
    return binomial + spread if model == "additive" else binomial * spread


def _above(a, b) -> bool:
    return _clean(a) is not None and _clean(b) is not None and float(a) > float(b)


def _scaled(value, scale: float):
    value = _clean(value)
    return None if value is None else value * scale


def _period_value(period, value) -> str:
    if _clean(period) is None:
        return NOT_PUBLISHED
    return f"{int(period)}: {number(value, '.2f')}"

