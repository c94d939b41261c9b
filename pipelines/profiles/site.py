"""Write the profile site of one publication into a folder: index, one page per organisation, downloads.

Layout (all links relative, so the folder opens from file:// anywhere):
    index.html                    national overview, search, list of organisations
    trusts/<ORG>.html             one page per organisation
    downloads/<ORG>/...           the organisation's rows of each table keyed by organisation (CSV, XLSX)
    downloads/reference/...       the other published tables (benchmarks, indicators, manifest), once
    assets/                       the one shared bundle: Vega, Vega-Lite, vega-embed, the page script and style

Fast by design: each section's data comes from one set-based query for all organisations (sections.py), the
downloads are written by DuckDB and two compression threads (downloads.py) in the background while the
pages are rendered, and what many pages repeat (a funnel's peers, method notes) is rendered once.
"""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jinja2
import orjson
from markupsafe import Markup

from ..warehouse.base import MANIFEST_TABLE
from . import markup, vocabulary
from .downloads import Downloads, plan_downloads, write_downloads
from .headlines import headlines
from .overview import overview
from .published import Publication
from .rows import files_by_org
from .sections import Figure, PageBuilder, number

HERE = Path(__file__).parent
ASSETS = ("profile.css", "profile.js", "vega-bundle.js")
METHOD_FIELDS = (("definition", "Definition"), ("method_note", "Method"), ("assessment_method", "Assessment method"),
                 ("direction_of_good", "Direction of good"), ("target_note", "Target"), ("unit", "Unit"),
                 ("comparability_note", "Comparability"), ("source_name", "Source"), ("publisher", "Publisher"),
                 ("publication_date", "Published"), ("licence", "Licence"))


@dataclass(frozen=True)
class BuildResult:
    folder: Path
    version: str
    pages: int


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def spec_json(spec: dict) -> str:
    """JSON safe inside a <script> element (no '</' can close it early)."""
    return orjson.dumps(spec).decode().replace("</", "<\\/")


def build_site(publication: Publication, out: Path, *, orgs: list[str] | None = None) -> BuildResult:
    """Write the whole site into `out` (created; expected empty)."""
    out.mkdir(parents=True, exist_ok=True)
    assets = out / "assets"
    assets.mkdir(exist_ok=True)
    for name in ASSETS:
        shutil.copyfile(HERE / "static" / name, assets / name)
    builder = PageBuilder(publication)
    codes = orgs if orgs is not None else sorted(builder.orgs)
    plan = plan_downloads(publication, codes)
    with ThreadPoolExecutor(1) as background:  # DuckDB and zlib release the GIL: files and pages overlap
        downloads = background.submit(write_downloads, publication, out, plan)
        _write_pages(publication, builder, plan, codes, out)
        downloads.result()
    return BuildResult(out, publication.version, len(codes))


def _write_pages(publication: Publication, builder: PageBuilder, plan: Downloads, codes: list[str],
                 out: Path) -> None:
    env = _environment()
    (out / "trusts").mkdir(exist_ok=True)
    page = env.get_template("trust.html.j2")
    common = Common(publication, builder)
    for code in codes:
        html = page.render(**trust_context(builder, common, plan, code), root="../", pub=publication)
        (out / page_name(code)).write_text(html, encoding="utf-8")
    index = env.get_template("index.html.j2").render(title="All organisations", root="", pub=publication,
                                                     orgs=_org_list(builder, codes),
                                                     figures=_finished(overview(publication)))
    (out / "index.html").write_text(index, encoding="utf-8")


def page_name(code: str) -> str:
    return f"trusts/{code}.html"


class Common:
    """What every page shares, rendered once: indicator names, method notes, the manifest's sources and gates."""

    def __init__(self, publication: Publication, builder: PageBuilder):
        self.names = {code: builder.indicator_name(code) for code in builder.indicators}
        self.methods = {code: markup.method_note(code, builder.indicator_name(code), _method_fields(row))
                        for code, row in builder.indicators.items()}
        manifest = publication.rows(f"select * from {MANIFEST_TABLE} order by rowid") if publication.has(
            MANIFEST_TABLE, "item_kind", "item_name") else []
        sources = [[r["item_name"], r.get("status"), r.get("detail") or ""] for r in manifest
                   if r["item_kind"] == "source"]
        statuses: dict[str, int] = {}
        for r in manifest:
            if r["item_kind"] == "check":
                statuses[r.get("status")] = statuses.get(r.get("status"), 0) + 1
        gates = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items(), key=lambda item: -item[1]))
        self.gates = f"Quality gates of the run: {gates}." if gates else ""
        self.sources = markup.plain_table("Sources in this publication", ["Source", "Status", "Detail"], sources)
        self.files = files_by_org(manifest)
        self.glossary = markup.glossary(vocabulary.glossary())  # the same on every page: rendered once

    def block_html(self, block: dict) -> Markup:
        if block["kind"] == "statements":
            return markup.statements(block["items"])
        if block["kind"] == "glossary":
            return self.glossary
        return markup.plain_table(block["caption"], block["columns"], block["rows"])


def _method_fields(row: dict) -> list[tuple[str, str]]:
    fields = []
    for column, label in METHOD_FIELDS:
        value = row.get(column)
        if value is None or (isinstance(value, float) and value != value):
            continue
        text = str(value)[:10] if column == "publication_date" else str(value)
        if text not in ("", "none"):
            fields.append((label, text))
    return fields


def _org_list(builder: PageBuilder, codes: list[str]) -> list[dict]:
    out = []
    for code in codes:
        org = builder.orgs.get(code, {})
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


def _finished(figures: list[Figure]) -> list[Figure]:
    """Figures ready for the template: their spec as JSON and their table's rows as HTML."""
    for figure in figures:
        figure.spec_json = Markup(spec_json(figure.spec))
        figure.table_body = Markup(markup.table_rows(figure.rows) + figure.shared_rows)
    return figures


def trust_context(builder: PageBuilder, common: Common, plan: Downloads, code: str) -> dict:
    org = builder.orgs.get(code, {"org_code": code})
    name = _title(org.get("org_name")) or code
    sections, shown = builder.sections(code)
    for section in sections:
        _finished(section.figures)
        for block in section.html_blocks:
            block["html"] = common.block_html(block)
    tiles = [{"value": h.value, "label": f"{h.name} ({h.period}) · {h.assessment_label.lower()}", "tone": h.tone}
             for h in headlines(builder.headline_rows.get(code, []), common.names)[:6]]
    facts = " · ".join(str(v) for v in (
        str(org.get("org_kind") or "").replace("_", " ").capitalize(), org.get("benchmarking_group"),
        org.get("region_name"), org.get("ics_name") and f"ICS: {org.get('ics_name')}",
        org.get("is_open") is False and "closed") if isinstance(v, str) and v)
    files = [[r["item_name"], r.get("status"), number(r.get("row_count"), ",.0f"), r.get("sha256") or ""]
             for r in common.files.get(code, [])]
    places = [org.get(c) for c in ("region_code", "benchmarking_group_code") if isinstance(org.get(c), str)]
    return {"title": f"{name} ({code})", "org": {"org_code": code, "name": name, "facts": facts}, "tiles": tiles,
            "sections": sections,
            "methods": Markup("".join(common.methods[c] for c in sorted(shown) if c in common.methods)),
            "provenance": {"gates": common.gates, "sources": common.sources,
                           "files": markup.plain_table("Landed files behind this page (SHA-256 of each file's bytes)",
                                                       ["File", "Kind", "Rows", "SHA-256"], files)},
            "downloads": plan.links(code), "places": ", ".join(places) or "none"}


def publish_site(out: Path | None = None, *, orgs: list[str] | None = None) -> BuildResult:
    """Build the site of the current publication: into `<warehouse>/published/profiles` (versioned, swapped
    atomically, pruned with the publication's versions), or into the folder `out`."""
    from .. import publish, settings
    from . import swap
    from .published import load_current

    publication = load_current()
    try:
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
    finally:
        publication.close()
