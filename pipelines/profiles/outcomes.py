"""Outcome sections beside the culture ones: staff sickness absence against its benchmarks, CQC ratings with
their dates and age, and the Friends and Family Test trend (no comparison between providers: FFT results are
not published for comparing organisations).

Each section appears when its table is published with rows for the organisation. Withheld values (suppressed
months) are null in the published tables and stay null here: a gap in the chart, "not published" in the table.
"""

from __future__ import annotations

from collections.abc import Callable

from . import charts
from .figures import Figure, Row, Section, clean, number, value_range
from .published import Publication

SICKNESS, SICKNESS_BENCHMARKS, RATINGS, FFT = ("fct_sickness_absence", "fct_sickness_absence_benchmarks",
                                               "fct_cqc_ratings", "fct_fft")
DOMAIN_ORDER = ("overall", "safe", "effective", "caring", "responsive", "well_led")
SETTINGS = {"inpatient": "Inpatient", "ae": "A&E"}
SHORT_RATINGS = {"Requires improvement": "Req. improvement", "Insufficient evidence to rate": "Insufficient evidence"}


class Outcomes:
    """Every organisation's outcome rows, read once."""

    def __init__(self, publication: Publication, all_rows: Callable[[str], dict[str, list[Row]]]):
        pub = publication
        self.sickness = all_rows(SICKNESS) if pub.has(SICKNESS, "month", "rate_pct", "rate_12m_pct") else {}
        self.ratings = all_rows(RATINGS) if pub.has(RATINGS, "release_date", "domain", "rating") else {}
        self.fft = all_rows(FFT) if pub.has(FFT, "month", "setting", "pct_positive", "pct_positive_12m") else {}
        self.benchmarks: dict[tuple, Row] = {}
        if pub.has(SICKNESS_BENCHMARKS, "geography_level", "geography_code", "month", "rate_pct", "rate_12m_pct"):
            for r in pub.rows(f"select * from {SICKNESS_BENCHMARKS}"):
                self.benchmarks[(r["geography_level"], r["geography_code"], str(r["month"])[:10])] = r
        self.national = {month: r for (level, _, month), r in self.benchmarks.items() if level == "national"}

    def sections(self, org: str, shown: set[str]) -> list[Section]:
        return [s for s in (self.sickness_section(org, shown), self.ratings_section(org, shown),
                            self.fft_section(org, shown)) if s is not None]

    # ------------------------------------------------------------------ sickness absence
    def _benchmark(self, row: Row, level: str) -> Row:
        """The benchmark row of the organisation's group (or England's) for the row's month, or {}."""
        month = str(row["month"])[:10]
        if level == "national":
            return self.national.get(month, {})
        return self.benchmarks.get((level, row.get("benchmarking_group_code"), month), {})

    def sickness_section(self, org: str, shown: set[str]) -> Section | None:
        rows = sorted(self.sickness.get(org, []), key=lambda r: str(r["month"]))
        if not rows:
            return None
        shown.update(("sickness_absence_rate_month", "sickness_absence_rate_12m"))
        group = [self._benchmark(r, "benchmark_group") for r in rows]
        england = [self._benchmark(r, "national") for r in rows]
        group_name = next((g.get("geography_name") for g in group if g.get("geography_name")), None)
        reference = "benchmark group" if group_name else "England"
        compare = group if group_name else england
        data = []
        for order, (panel, column) in enumerate((("Monthly rate", "rate_pct"),
                                                 ("Rolling 12-month rate", "rate_12m_pct"))):
            for r, b in zip(rows, compare, strict=True):
                month = str(r["month"])[:10]
                data.append({"panel": panel, "order": order, "x": month, "x_label": month[:7],
                             "value": clean(r[column]), "reference": clean(b.get(column))})
        withheld = sum(1 for r in rows if clean(r["rate_pct"]) is None)
        latest = next((r for r in reversed(rows) if clean(r["rate_12m_pct"]) is not None), None)
        reading = ""
        if latest is not None:
            i = rows.index(latest)
            reading = (f" In the 12 months to {str(latest['month'])[:7]} the rate was "
                       f"{number(latest['rate_12m_pct'], '.2f')}% ({reference} "
                       f"{number(compare[i].get('rate_12m_pct'), '.2f')}%"
                       + (f", England {number(england[i].get('rate_12m_pct'), '.2f')}%" if group_name else "")
                       + ").")
        summary = (f"Staff sickness absence of {org}, {str(rows[0]['month'])[:7]} to {str(rows[-1]['month'])[:7]}: the "
                   f"monthly rate and the rolling 12-month rate (FTE days lost over FTE days available), against the "
                   f"{group_name or 'England'} rate.{reading} "
                   + (f"{withheld} month(s) withheld for small numbers are gaps." if withheld else ""))
        spec = charts.small_multiples(data, description=summary, x_title="Month", y_title="Sickness absence, %",
                                      temporal=True, value_format=".2f", columns=2, width=300,
                                      reference_title=f"{reference.capitalize()} rate")
        table = [[str(r["month"])[:7], number(r["rate_pct"], ".2f"), number(g.get("rate_pct"), ".2f"),
                  number(e.get("rate_pct"), ".2f"), number(r["rate_12m_pct"], ".2f"),
                  number(g.get("rate_12m_pct"), ".2f"), number(e.get("rate_12m_pct"), ".2f")]
                 for r, g, e in zip(rows, group, england, strict=True)]
        figure = Figure("sickness-absence", "Staff sickness absence rate", summary, spec,
                        ["Month", "Rate, %", "Group rate, %", "England rate, %", "12-month rate, %",
                         "Group 12-month rate, %", "England 12-month rate, %"], table,
                        [("line", charts.NHS_BLUE, "This organisation"),
                         ("dash", charts.GREY, f"{group_name or 'England'} rate")])
        return Section("sickness-absence", "Outcomes: staff sickness absence",
                       "NHS Sickness Absence Rates: the share of full-time-equivalent days available that were lost "
                       "to sickness. The rolling 12-month rate sums days over the window before dividing, so a "
                       "seasonal month does not dominate. A comparison with the group's rate, not a test.", [figure])

    # ------------------------------------------------------------------ CQC ratings
    def ratings_section(self, org: str, shown: set[str]) -> Section | None:
        rows = self.ratings.get(org, [])
        if not rows:
            return None
        shown.update(f"cqc_{d}" for d in {str(r["domain"]) for r in rows} if d in DOMAIN_ORDER)
        order = {d: i for i, d in enumerate(DOMAIN_ORDER)}
        rows = sorted(rows, key=lambda r: (order.get(str(r["domain"]), 99), str(r["release_date"])))
        data = [{"domain": str(r.get("domain_name") or r["domain"]), "order": order.get(str(r["domain"]), 99),
                 "release": str(r["release_date"])[:10], "rating": str(r["rating"]),
                 "short": SHORT_RATINGS.get(str(r["rating"]), str(r["rating"])),
                 "published": _day(r.get("rating_publication_date")), "age": _age(r.get("rating_age_days"))}
                for r in rows if clean(r["rating"]) is not None]
        newest = max(str(r["release_date"])[:10] for r in rows)
        latest = [r for r in rows if str(r["release_date"])[:10] == newest]
        overall = next((r for r in latest if r["domain"] == "overall"), None)
        reading = (f" Overall: {overall['rating']}, published {_day(overall.get('rating_publication_date'))} "
                   f"({_age(overall.get('rating_age_days'))} old at the release)." if overall else "")
        summary = (f"CQC ratings of {org} by domain in each ratings release landed, from "
                   f"{min(d['release'] for d in data) if data else newest} to {newest}; each cell names its rating."
                   f"{reading} A rating can be years old: its publication date and age are in the table.")
        figure = Figure("cqc-ratings", "CQC ratings by domain and release", summary,
                        charts.rating_grid(data, description=summary),
                        ["Domain", "Release", "Rating", "Rating published", "Age at release", "Changed since the "
                         "previous release", "Note"],
                        [[d["domain"], d["release"], d["rating"], d["published"], d["age"],
                          _changed(r), _note(r)] for d, r in zip(data, [r for r in rows if clean(r["rating"])
                                                                         is not None], strict=True)],
                        [("band", colour, rating) for rating, colour in charts.RATING_COLOURS.items()])
        return Section("cqc-ratings", "Outcomes: CQC ratings",
                       "The Care Quality Commission's ratings as published in each monthly ratings release landed. "
                       "A rating is the regulator's judgement at its inspection, not an estimate: the scorecard "
                       "treats Good or Outstanding as the target every organisation can meet.", [figure])

    # ------------------------------------------------------------------ Friends and Family Test
    def fft_section(self, org: str, shown: set[str]) -> Section | None:
        rows = sorted(self.fft.get(org, []), key=lambda r: (str(r["setting"]), str(r["month"])))
        if not rows:
            return None
        settings = sorted({str(r["setting"]) for r in rows}, key=lambda s: list(SETTINGS).index(s)
                          if s in SETTINGS else 99)
        shown.update(f"fft_{s}_pct_positive_12m" for s in settings)
        data = []
        for i, setting in enumerate(settings):
            name = SETTINGS.get(setting, setting)
            for r in (r for r in rows if r["setting"] == setting):
                month = str(r["month"])[:10]
                data.append({"panel": f"{name}: monthly % positive", "order": 2 * i, "x": month,
                             "x_label": month[:7], "value": clean(r["pct_positive"])})
                data.append({"panel": f"{name}: 12-month % positive, 95% interval", "order": 2 * i + 1, "x": month,
                             "x_label": month[:7], "value": clean(r["pct_positive_12m"]),
                             "lo": clean(r.get("ci_lower_12m")), "hi": clean(r.get("ci_upper_12m"))})
        withheld = sum(1 for r in rows if clean(r["pct_positive"]) is None)
        summary = (f"Friends and Family Test for {org}, {str(rows[0]['month'])[:7]} onwards, by setting "
                   f"({', '.join(SETTINGS.get(s, s) for s in settings)}): the % of answers that were positive each "
                   "month, and over the last 12 months with its 95% interval. A trend within the organisation, not "
                   "a comparison with others. " + (f"{withheld} month(s) withheld are gaps." if withheld else ""))
        spec = charts.small_multiples(data, description=summary, x_title="Month", y_title="% positive",
                                      temporal=True, value_format=".1f", columns=2, width=300)
        table = [[SETTINGS.get(str(r["setting"]), str(r["setting"])), str(r["month"])[:7],
                  number(r.get("answered_responses"), ",.0f"), number(r["pct_positive"]),
                  number(r["pct_positive_12m"]), value_range(r.get("ci_lower_12m"), r.get("ci_upper_12m"), ".1f")]
                 for r in rows]
        figure = Figure("fft", "Friends and Family Test: % positive", summary, spec,
                        ["Setting", "Month", "Answers", "% positive", "12-month % positive", "95% interval"], table,
                        [("line", charts.NHS_BLUE, "This organisation, with 95% intervals (12 months)")])
        return Section("fft", "Outcomes: Friends and Family Test",
                       "Patients' answers to 'how was your experience of our service'. NHS England publishes FFT "
                       "for local improvement, not for comparing providers (collection methods differ), so it is "
                       "shown as this organisation's trend only.", [figure])


def _day(value) -> str:
    return str(value)[:10] if clean(value) is not None else ""


def _age(days) -> str:
    days = clean(days)
    if days is None:
        return ""
    return f"{days / 365.25:.1f} years" if days >= 365 else f"{int(days)} days"


def _changed(r: Row) -> str:
    changed = clean(r.get("is_changed_since_previous_release"))
    if changed is None:
        return ""
    return f"yes, from {r.get('previous_rating')}" if changed else "no"


def _note(r: Row) -> str:
    notes = []
    if clean(r.get("is_inherited")):
        notes.append("inherited from a predecessor")
    if clean(r.get("has_conflicting_ratings")):
        notes.append("conflicting ratings in the release")
    return "; ".join(notes)
