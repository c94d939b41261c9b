"""The index page's national overview: medians by region and benchmarking group, WRES 2-4 by region."""

from __future__ import annotations

import pandas as pd

from . import charts
from .published import Publication
from .sections import Figure


def overview(publication: Publication) -> list:
    figures = []
    bench = publication.table("fct_staff_survey_benchmarks")
    orgs = publication.table("dim_organisation")
    if {"geography_level", "geography_code", "result_kind", "code", "median_value", "survey_year"} <= set(
            bench.columns):
        scores = bench[bench["result_kind"] == "score"]
        year = int(scores["survey_year"].max()) if len(scores) else None
        measures = _measure_names(publication)
        for level, title, names in (
                ("region", "NHS region", _names(orgs, "region_code", "region_name")),
                ("benchmark_group", "Benchmarking group", _names(orgs, "benchmarking_group_code",
                                                                 "benchmarking_group"))):
            part = scores[(scores["geography_level"] == level) & (scores["survey_year"] == year)
                          & scores["code"].isin(measures)]
            if part.empty:
                continue
            low, high = part["median_value"].min(), part["median_value"].max()
            data = [{"geography": names.get(r.geography_code, r.geography_code), "measure": measures[r.code][0],
                     "order": measures[r.code][1], "value": round(float(r.median_value), 3),
                     "organisations": int(r.organisation_count) if pd.notna(r.organisation_count) else None,
                     "dark": bool(r.median_value > low + 0.6 * (high - low))} for r in part.itertuples()]
            summary = (f"Median People Promise element and theme scores (0-10) in {year} by {title.lower()}; "
                       "darker is higher. The table gives every value.")
            table = [[d["geography"], d["measure"], f"{d['value']:.2f}", str(d["organisations"] or "")]
                     for d in sorted(data, key=lambda d: (d["geography"], d["order"]))]
            figures.append(Figure(f"overview-{level}", f"People Promise medians by {title.lower()} ({year})", summary,
                                  charts.heatmap(data, description=summary, x_title="Measure", y_title=title,
                                                 value_title="Median score"),
                                  [title, "Measure", "Median score", "Organisations"], table))
    wres = publication.table("fct_wres_benchmarks")
    if {"geography_level", "geography_code", "indicator_code", "value", "reporting_year"} <= set(wres.columns):
        codes = {"wres_2": "WRES 2", "wres_3": "WRES 3", "wres_4": "WRES 4"}
        part = wres[wres["indicator_code"].isin(codes) & wres["geography_level"].isin(["region", "national"])]
        if len(part):
            year = int(part["reporting_year"].max())
            part = part[part["reporting_year"] == year]
            names = {**_names(orgs, "region_code", "region_name"), "ENG": "England"}
            data = [{"label": f"{names.get(r.geography_code, r.geography_code)}: {codes[r.indicator_code]}",
                     "order": i, "value": round(float(r.value), 3),
                     "lo": None if pd.isna(r.ci_lower) else round(float(r.ci_lower), 3),
                     "hi": None if pd.isna(r.ci_upper) else round(float(r.ci_upper), 3), "verdict": "",
                     "colour": charts.DARK_BLUE if r.geography_level == "national" else charts.NHS_BLUE}
                    for i, r in enumerate(part.sort_values(["indicator_code", "geography_level",
                                                            "geography_code"]).itertuples()) if pd.notna(r.value)]
            summary = (f"WRES relative likelihoods 2-4 in {year} for England and each region, from summed counts, "
                       "with 95% intervals, against the 0.80-1.25 band.")
            figures.append(Figure("overview-wres", f"WRES 2-4 by region ({year})", summary,
                                  charts.interval_dots(data, description=summary, x_title="Relative likelihood",
                                                       reference=1.0, band=(0.8, 1.25), label_width=260),
                                  ["Geography and indicator", "Value", "95% interval"],
                                  [[d["label"], f"{d['value']:.2f}",
                                    "" if d["lo"] is None else f"{d['lo']:.2f} to {d['hi']:.2f}"] for d in data]))
    return figures


def _names(orgs: pd.DataFrame, code: str, name: str) -> dict[str, str]:
    if not {code, name} <= set(orgs.columns):
        return {}
    pairs = orgs[[code, name]].dropna().drop_duplicates(code)
    return dict(zip(pairs[code], pairs[name], strict=True))


def _measure_names(publication: Publication) -> dict[str, tuple[str, int]]:
    scores = publication.table("fct_staff_survey_scores")
    if not {"measure_code", "measure_name", "measure_level"} <= set(scores.columns):
        return {}
    heads = scores[scores["measure_level"].isin(["element", "theme"])][["measure_code", "measure_name"]]
    heads = heads.drop_duplicates("measure_code").sort_values("measure_code", key=lambda s: s.map(
        lambda c: (c in ("ENGAGEMENT", "MORALE"), c)))
    return {r.measure_code: (r.measure_name, i) for i, r in enumerate(heads.itertuples())}
