"""Write the profile site of one publication into a folder: index, one page per organisation, downloads.

Layout (all links relative, so the folder opens from file:// anywhere):
    index.html                    national overview, search, list of organisations
    trusts/<ORG>.html             one page per organisation
    downloads/<ORG>/<table>.csv   the organisation's rows of each published table
    downloads/<ORG>/<ORG>_wellled.xlsx
    assets/                       the one shared bundle: Vega, Vega-Lite, vega-embed, the page script and style
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import pandas as pd

from . import charts
from .headlines import headlines
from .published import MANIFEST, Publication
from .rows import TrustRows
from .sections import PageBuilder, number
from .workbook import trust_workbook

HERE = Path(__file__).parent
ASSETS = ("profile.css", "profile.js")
VEGA_BUNDLE = "vega-bundle.js"
METHOD_FIELDS = (("definition", "Definition"), ("method_note", "Method"), ("assessment_method", "Assessment method"),
                 ("direction_of_good", "Direction of good"), ("target_note", "Target"), ("unit", "Unit"),
                 ("comparability_note", "Comparability"), ("source_name", "Source"), ("publisher", "Publisher"),
                 ("publication_date", "Published"), ("licence", "Licence"))


@dataclass(frozen=True)
class BuildResult:
    folder: Path
    version: str
    pages: int


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one classic script (vl-convert bundles the versions it ships)."""
    import vl_convert

    return vl_convert.javascript_bundle()


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def spec_json(spec: dict) -> str:
    """JSON safe inside a <script> element (no '</' can close it early)."""
    return json.dumps(spec, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


def build_site(publication: Publication, out: Path, *, orgs: list[str] | None = None) -> BuildResult:
    """Write the whole site into `out` (created; expected empty)."""
    out.mkdir(parents=True, exist_ok=True)
    assets = out / "assets"
    assets.mkdir(exist_ok=True)
    (assets / VEGA_BUNDLE).write_text(vega_bundle(), encoding="utf-8")
    for name in ASSETS:
        shutil.copyfile(HERE / "static" / name, assets / name)
    rows = TrustRows(publication)
    builder = PageBuilder(rows)
    env = _environment()
    codes = orgs if orgs is not None else rows.org_codes()
    (out / "trusts").mkdir(exist_ok=True)
    page = env.get_template("trust.html.j2")
    for code in codes:
        html = page.render(**trust_context(builder, code, out), root="../", pub=publication)
        (out / "trusts" / f"{code}.html").write_text(html, encoding="utf-8")
    index = env.get_template("index.html.j2").render(title="All organisations", root="", pub=publication,
                                                     orgs=_org_list(rows), figures=_with_json(overview(publication)))
    (out / "index.html").write_text(index, encoding="utf-8")
    return BuildResult(out, publication.version, len(codes))


def page_name(code: str) -> str:
    return f"trusts/{code}.html"


def _org_list(rows: TrustRows) -> list[dict]:
    orgs = rows.organisations
    out = []
    for code in rows.org_codes():
        org = orgs.loc[code]
        name = _title(org.get("org_name")) or code
        kind = str(org.get("org_kind") or "").replace("_", " ")
        region = org.get("region_name") if isinstance(org.get("region_name"), str) else ""
        out.append({"code": code, "name": name, "kind": kind, "region": region, "href": page_name(code),
                    "search": f"{code} {name} {kind} {region}".lower()})
    return out


def _title(name) -> str:
    """ODS spells names in capitals; pages use title case with NHS kept."""
    if not isinstance(name, str):
        return ""
    text = name.title() if name.isupper() else name
    text = re.sub(r"\b(Nhs|Icb|Csu|Cic)\b", lambda m: m.group(1).upper(), text).replace("'S ", "'s ")
    return re.sub(r"(?<=\s)(And|Of|The|For)(?=\s)", lambda m: m.group(1).lower(), text)


def _with_json(figures):
    for figure in figures:
        figure.spec_json = spec_json(figure.spec)
    return figures


def trust_context(builder: PageBuilder, code: str, out: Path) -> dict:
    rows = builder.rows
    org = rows.organisations.loc[code] if code in rows.organisations.index else pd.Series({"org_code": code})
    name = _title(org.get("org_name")) or code
    positions = rows.positions(code)
    sections, shown = builder.sections(code)
    for section in sections:
        _with_json(section.figures)
    names = _indicator_names(builder)
    tiles = [{"value": h.value, "label": f"{h.name} ({h.period}) · {h.assessment_label.lower()}", "tone": h.tone}
             for h in headlines(rows, code, names)[:6]]
    facts = " · ".join(str(v) for v in (
        str(org.get("org_kind") or "").replace("_", " ").capitalize(), org.get("benchmarking_group"),
        org.get("region_name"), org.get("ics_name") and f"ICS: {org.get('ics_name')}",
        org.get("is_open") is False and "closed") if isinstance(v, str) and v)
    return {"title": f"{name} ({code})", "org": {"org_code": code, "name": name, "facts": facts}, "tiles": tiles,
            "sections": sections, "methods": _methods(builder, shown), "provenance": _provenance(rows, positions),
            "downloads": write_downloads(rows, code, positions, out)}


def _indicator_names(builder: PageBuilder) -> dict[str, str]:
    frame = builder.indicators
    if not {"indicator_code", "indicator_name"} <= set(frame.columns):
        return {}
    if not hasattr(builder, "_names"):
        builder._names = dict(zip(frame["indicator_code"], frame["indicator_name"], strict=True))
    return builder._names


def _methods(builder: PageBuilder, shown: set[str]) -> list[dict]:
    frame = builder.indicator_by_code
    out = []
    for code in sorted(c for c in shown if c in frame.index):
        row = frame.loc[code]
        fields = [(label, str(row[column])[:10] if column == "publication_date" else str(row[column]))
                  for column, label in METHOD_FIELDS if column in row.index and pd.notna(row[column])
                  and str(row[column]) not in ("", "none")]
        out.append({"code": code, "name": builder.indicator_name(code), "fields": fields})
    return out


def _provenance(rows: TrustRows, positions: dict) -> dict:
    manifest = rows.publication.table(MANIFEST).take(positions.get(MANIFEST, []))
    if "item_kind" not in manifest.columns:
        return {"gates": "", "sources": [], "files": []}
    sources = manifest[manifest["item_kind"] == "source"]
    checks = manifest[manifest["item_kind"] == "check"]
    gates = ", ".join(f"{n} {s}" for s, n in checks["status"].value_counts().items())
    files = manifest[manifest["item_kind"] == "file"]
    return {"gates": f"Quality gates of the run: {gates}." if gates else "",
            "sources": [[r.item_name, r.status, r.detail or ""] for r in sources.itertuples()],
            "files": [[r.item_name, r.status, number(r.row_count, ",.0f"), r.sha256 or ""] for r in files.itertuples()]}


def write_downloads(rows: TrustRows, code: str, positions: dict, out: Path) -> dict:
    """The organisation's CSV per table and its workbook; returns the links the page lists."""
    folder = out / "downloads" / code
    folder.mkdir(parents=True, exist_ok=True)
    links = []
    for name, selected in positions.items():
        if not len(selected):
            continue
        (folder / f"{name}.csv").write_text(rows.csv(name, selected), encoding="utf-8")
        links.append((name, f"../downloads/{code}/{name}.csv", f"{len(selected):,}"))
    workbook = folder / f"{code}_wellled.xlsx"
    trust_workbook(rows.publication, code, {name: rows.sheet(name, selected) for name, selected in positions.items()},
                   workbook)
    return {"xlsx": f"../downloads/{code}/{workbook.name}", "csv": links}


# ---------------------------------------------------------------------- national overview
def overview(publication: Publication) -> list:
    from .sections import Figure

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




def publish_site(out: Path | None = None, *, orgs: list[str] | None = None) -> BuildResult:
    """Build the site of the current publication: into `<warehouse>/published/profiles` (versioned, swapped
    atomically, pruned with the publication's versions), or into the folder `out`."""
    from .. import publish, settings
    from . import swap
    from .published import load_current

    publication = load_current()
    if out is not None:
        staged = out.with_name(f".{out.name}.partial")
        shutil.rmtree(staged, ignore_errors=True)
        result = build_site(publication, staged, orgs=orgs)
        swap.replace_folder(out, staged)
        return BuildResult(out, result.version, result.pages)
    published = settings.published_dir()
    staged = swap.staging_folder(published, publication.version)
    result = build_site(publication, staged, orgs=orgs)
    link = swap.make_current(published, staged, publication.version)
    swap.prune(published, publish.published_state().kept)
    return BuildResult(link, result.version, result.pages)
