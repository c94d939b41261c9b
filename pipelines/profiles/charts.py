"""Vega-Lite specifications of the profile's charts, as plain data.

Each function takes tidy rows (lists of dicts, already stripped of anything the warehouse withholds) and
returns a complete Vega-Lite spec with its data inline, so the page carries everything it draws and the
shared bundle only renders it. Colours follow the NHS identity palette; every mark has a tooltip of the same
fields the table behind the chart shows.
"""

from __future__ import annotations

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.json"  # a name only: nothing is fetched

NHS_BLUE, DARK_BLUE, GREY, PALE = "#005EB8", "#003087", "#768692", "#E8EDEE"
GREEN, RED, AMBER, PURPLE = "#007F3B", "#DA291C", "#ED8B00", "#330072"
# Only the two tested verdicts carry good/bad colours; an inconclusive reading is pale amber, the rest greys.
VERDICT_COLOURS = {"better": GREEN, "as_expected": "#AEB7BD", "worse": RED, "outside_band_not_significant": "#F2D49B",
                   "not_estimable": "#5E6B75", "position_only": "#E8EDEE", "not_assessed": "#D5DADD",
                   "missing": "#FFFFFF"}
# Positions in shades of blue: ordered, but never the good/bad colours of a verdict.
POSITION_COLOURS = {"top_quarter": DARK_BLUE, "middle": "#A4C3E6", "bottom_quarter": "#41B6E6"}
# CQC's own rating colours (a rating is the regulator's judgement), with the rating written on every cell.
RATING_COLOURS = {"Outstanding": "#00856A", "Good": "#3C9E4D", "Requires improvement": "#F6A623",
                  "Inadequate": "#C2292F", "Insufficient evidence to rate": "#768692"}

CONFIG = {
    "font": "Arial, Helvetica, sans-serif",
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "titleFontWeight": "normal", "gridColor": "#EEF1F2",
             "domainColor": GREY, "tickColor": GREY, "labelColor": "#212B32", "titleColor": "#425563"},
    "header": {"labelFontSize": 12, "labelFontWeight": "bold", "labelColor": "#212B32", "labelLimit": 260,
               "title": None},
    "view": {"stroke": None},
    "legend": {"orient": "bottom", "labelFontSize": 11, "titleFontSize": 11},
}


def _top(description: str, data: list[dict], **spec) -> dict:
    return {"$schema": SCHEMA, "description": description, "data": {"values": data}, "config": CONFIG,
            "background": "transparent", **spec}


def _tooltip(fields: list[tuple[str, str, str | None]]) -> list[dict]:
    """(field, title, number format or None) -> tooltip channel definitions."""
    out = []
    for field, title, fmt in fields:
        entry = {"field": field, "title": title, "type": "nominal" if fmt is None else "quantitative"}
        if fmt:
            entry["format"] = fmt
        out.append(entry)
    return out


def small_multiples(rows: list[dict], *, description: str, x_title: str, y_title: str, temporal: bool = False,
                    value_format: str = ".2f", band_title: str = "", reference_title: str = "", columns: int = 3,
                    shared_y: bool = False, width: int = 190, height: int = 120) -> dict:
    """One panel per `panel`: the organisation's `value` over `x` (with its interval `lo`-`hi` when given)
    against a shaded band `band_lo`-`band_hi` and a dashed reference line `reference`."""
    x = {"field": "x", "type": "temporal" if temporal else "ordinal", "title": x_title,
         "axis": {"labelAngle": 0, **({"format": "%b %y", "tickCount": 4} if temporal else {})}}
    y = {"type": "quantitative", "title": y_title, "scale": {"zero": False}}
    has = {key for row in rows for key, value in row.items() if value is not None}
    tooltip = _tooltip([t for t in (
        ("panel", "Measure", None), ("x_label", x_title, None), ("value", "Value", value_format),
        ("lo", "95% interval from", value_format), ("hi", "to", value_format),
        ("reference", reference_title or "Reference", value_format),
        ("band_lo", f"{band_title} from" if band_title else "Band from", value_format),
        ("band_hi", "to", value_format)) if t[0] in has or t[0] == "value"])
    layers = []  # a layer with nothing to draw still costs the browser its dataflow: only the needed ones
    if {"band_lo", "band_hi"} <= has:
        layers.append({"mark": {"type": "area", "color": "#C8D3DA", "opacity": 0.55, "interpolate": "monotone"},
                       "encoding": {"x": x, "y": {**y, "field": "band_lo"}, "y2": {"field": "band_hi"}}})
    if "reference" in has:
        layers.append({"mark": {"type": "line", "color": GREY, "strokeDash": [4, 3], "strokeWidth": 1.5},
                       "encoding": {"x": x, "y": {**y, "field": "reference"}}})
    if {"lo", "hi"} <= has:
        layers.append({"mark": {"type": "rule", "color": NHS_BLUE, "strokeWidth": 1.5},
                       "encoding": {"x": x, "y": {**y, "field": "lo"}, "y2": {"field": "hi"}}})
    layers.append({"mark": {"type": "line", "color": NHS_BLUE, "strokeWidth": 2.5,
                            "point": {"filled": True, "size": 45}},
                   "encoding": {"x": x, "y": {**y, "field": "value"}, "tooltip": tooltip}})
    return _top(description, rows,
                facet={"field": "panel", "type": "nominal", "sort": {"field": "order"}, "title": None},
                columns=columns,
                spec={"width": width, "height": height, "layer": layers},
                resolve={"scale": {"y": "shared" if shared_y else "independent"}})


def funnel(rows: list[dict], *, description: str, y_title: str) -> dict:
    """Peers as grey dots by responses (x) and % (y), the 95% and 99.8% limits, and this organisation (the
    row of kind 'trust', labelled with its `label`)."""
    x = {"field": "n", "type": "quantitative", "title": "Responses (log scale)", "scale": {"type": "log"},
         "axis": {"format": "~s", "tickCount": 5}}
    y = {"field": "value", "type": "quantitative", "title": y_title, "scale": {"zero": False}}
    return _top(description, rows, width=300, height=210, layer=[
        {"transform": [{"filter": "datum.kind === 'limit'"}],
         "mark": {"type": "line", "strokeWidth": 1.2},
         "encoding": {"x": x, "y": y, "detail": {"field": "limit"},
                      "color": {"field": "level", "type": "nominal", "title": "Funnel limit",
                                "scale": {"domain": ["95%", "99.8%"], "range": [AMBER, RED]}},
                      "strokeDash": {"field": "level", "scale": {"domain": ["95%", "99.8%"],
                                                                 "range": [[4, 3], [1, 0]]}, "legend": None}}},
        {"transform": [{"filter": "datum.kind === 'peer'"}],
         "mark": {"type": "circle", "color": GREY, "opacity": 0.45, "size": 22},
         "encoding": {"x": x, "y": y, "tooltip": _tooltip([("label", "Organisation", None),
                                                            ("n", "Responses", ",.0f"), ("value", "%", ".1f")])}},
        {"transform": [{"filter": "datum.kind === 'trust'"}],
         "mark": {"type": "rule", "color": DARK_BLUE, "strokeWidth": 2},
         "encoding": {"x": x, "y": {"field": "lo", "type": "quantitative"}, "y2": {"field": "hi"}}},
        {"transform": [{"filter": "datum.kind === 'trust'"}],
         "mark": {"type": "point", "shape": "diamond", "filled": True, "color": DARK_BLUE, "size": 140,
                  "stroke": "white", "strokeWidth": 1},
         "encoding": {"x": x, "y": y, "tooltip": _tooltip([("label", "Organisation", None),
                                                            ("n", "Responses", ",.0f"), ("value", "%", ".1f"),
                                                            ("lo", "95% interval from", ".1f"),
                                                            ("hi", "to", ".1f")])}},
        {"transform": [{"filter": "datum.kind === 'trust'"}],
         "mark": {"type": "text", "align": "left", "dx": 9, "dy": -9, "fontWeight": "bold", "color": DARK_BLUE},
         "encoding": {"x": x, "y": y, "text": {"field": "label"}}},
    ])


def stacked_counts(rows: list[dict], *, description: str, categories: list[str], labels: dict[str, str],
                   palette: dict[str, str], legend_title: str = "Assessment") -> dict:
    """Horizontal stacked bars: per statement, how many indicators fall in each category."""
    colours = [palette.get(c, GREY) for c in categories]
    return _top(description, rows, width=420, height={"step": 24},
                mark={"type": "bar", "stroke": "#AEB7BD", "strokeWidth": 0.5},
                encoding={
                    "y": {"field": "statement", "type": "nominal", "sort": {"field": "order"}, "title": None,
                          "axis": {"labelLimit": 300}},
                    "x": {"field": "count", "type": "quantitative", "title": "Indicators", "stack": "zero"},
                    "color": {"field": "category", "type": "nominal", "title": None,
                              "scale": {"domain": [labels[c] for c in categories], "range": colours},
                              "sort": [labels[c] for c in categories]},
                    "order": {"field": "category_order", "type": "quantitative"},
                    "tooltip": _tooltip([("statement", "Quality statement", None), ("category", legend_title, None),
                                         ("count", "Indicators", ",.0f")]),
                })


def interval_dots(rows: list[dict], *, description: str, x_title: str, reference: float = 0.0,
                  band: tuple[float, float] | None = None, log_scale: bool = False, value_format: str = ".2f",
                  label_width: int = 300) -> dict:
    """One row per `label`: a point `value` with its interval `lo`-`hi`, against a reference line (and band)."""
    x_scale = {"type": "log"} if log_scale else {"zero": False}
    x = {"field": "value", "type": "quantitative", "title": x_title, "scale": x_scale}
    y = {"field": "label", "type": "nominal", "sort": {"field": "order"}, "title": None,
         "axis": {"labelLimit": label_width}}
    layers: list[dict] = []
    if band:
        layers.append({"data": {"values": [{"a": band[0], "b": band[1]}]},
                       "mark": {"type": "rect", "color": "#DCEBDF", "opacity": 0.8},
                       "encoding": {"x": {"field": "a", "type": "quantitative", "scale": x_scale},
                                    "x2": {"field": "b"}}})
    layers += [
        {"data": {"values": [{"r": reference}]}, "mark": {"type": "rule", "color": GREY, "strokeDash": [4, 3]},
         "encoding": {"x": {"field": "r", "type": "quantitative", "scale": x_scale}}},
        {"mark": {"type": "rule", "strokeWidth": 2},
         "encoding": {"y": y, "x": {"field": "lo", "type": "quantitative", "scale": x_scale}, "x2": {"field": "hi"},
                      "color": {"field": "colour", "type": "nominal", "scale": None}}},
        {"mark": {"type": "point", "filled": True, "size": 70},
         "encoding": {"y": y, "x": x, "color": {"field": "colour", "type": "nominal", "scale": None},
                      "tooltip": _tooltip([("label", "Indicator", None), ("value", "Estimate", value_format),
                                           ("lo", "95% interval from", value_format), ("hi", "to", value_format),
                                           ("verdict", "Reading", None)])}},
    ]
    return _top(description, rows, width=360, height={"step": 22}, layer=layers)


def heatmap(rows: list[dict], *, description: str, x_title: str, y_title: str, value_title: str,
            value_format: str = ".2f") -> dict:
    """Geography (rows) by measure (columns), coloured and labelled by the median."""
    return _top(description, rows, width={"step": 64}, height={"step": 26}, layer=[
        {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 1},
         "encoding": {"x": {"field": "measure", "type": "nominal", "title": x_title, "sort": {"field": "order"},
                            "axis": {"labelAngle": -35, "labelLimit": 160, "orient": "top"}},
                      "y": {"field": "geography", "type": "nominal", "title": y_title, "axis": {"labelLimit": 240}},
                      "color": {"field": "value", "type": "quantitative", "title": value_title,
                                "scale": {"scheme": "blues"}, "legend": {"orient": "right"}},
                      "tooltip": _tooltip([("geography", y_title, None), ("measure", x_title, None),
                                           ("value", value_title, value_format),
                                           ("organisations", "Organisations", ",.0f")])}},
        {"mark": {"type": "text", "fontSize": 10},
         "encoding": {"x": {"field": "measure", "type": "nominal", "sort": {"field": "order"}},
                      "y": {"field": "geography", "type": "nominal"},
                      "text": {"field": "value", "type": "quantitative", "format": value_format},
                      "color": {"condition": {"test": "datum.dark", "value": "white"}, "value": "#212B32"}}},
    ])


def rating_grid(rows: list[dict], *, description: str) -> dict:
    """CQC ratings: a row per domain, a column per release, each cell coloured and labelled by its rating."""
    ratings = list(RATING_COLOURS)
    x = {"field": "release", "type": "ordinal", "title": "Ratings release", "axis": {"labelAngle": 0, "orient": "top"}}
    y = {"field": "domain", "type": "nominal", "title": None, "sort": {"field": "order"}, "axis": {"labelLimit": 160}}
    return _top(description, rows, width={"step": 118}, height={"step": 28}, layer=[
        {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
         "encoding": {"x": x, "y": y,
                      "color": {"field": "rating", "type": "nominal", "title": "CQC rating",
                                "scale": {"domain": ratings, "range": [RATING_COLOURS[r] for r in ratings]}},
                      "tooltip": _tooltip([("domain", "Domain", None), ("release", "Release", None),
                                           ("rating", "Rating", None), ("published", "Rating published", None),
                                           ("age", "Age at release", None)])}},
        {"mark": {"type": "text", "fontSize": 10, "fontWeight": "bold"},
         "encoding": {"x": x, "y": y, "text": {"field": "short"},
                      "color": {"condition": {"test": "datum.rating === 'Requires improvement'", "value": "#212B32"},
                                "value": "#FFFFFF"}}},
    ])
