"""`wellled docs`: one folder a user opens in a browser, with the dbt docs and the Great Expectations Data Docs.

    write_docs(out) -> out / "index.html"

Layout of `out` (default `<warehouse>/docs/`):
    index.html             start page: every published table with its description, links to both sites
    dbt/static_index.html  dbt docs as one self-contained file (`dbt docs generate --static`): models,
                           columns, tests, lineage and the exposures (BI uses)
    quality/index.html     the latest refresh's quality gate overview and GX Data Docs (copied from
                           `<warehouse>/data_docs/<run id>/`), when a refresh has run

dbt reads the build warehouse's catalogue (column types), so run it when no refresh is writing.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import settings, warehouse
from .publish import MANIFEST_DOCS, MANIFEST_TABLE


def write_docs(out: Path | None = None) -> Path:
    """Generate the dbt docs and copy the latest GX Data Docs into `out`; return the start page."""
    out = Path(out or settings.warehouse_dir() / "docs").resolve()
    out.mkdir(parents=True, exist_ok=True)
    dbt_dir = out / "dbt"
    _dbt_docs(dbt_dir)
    quality = _copy_quality_docs(out / "quality")
    tables = _published_tables(dbt_dir / "manifest.json")
    tables.append((MANIFEST_TABLE, MANIFEST_DOCS[""] + " Written by the publish step, not by dbt: its columns "
                   "are described in the published file (duckdb_columns().comment).", ""))
    index = out / "index.html"
    index.write_text(_index_page(tables, quality is not None), encoding="utf-8")
    return index


def _dbt_docs(target: Path) -> None:
    env = {**os.environ, **warehouse.current().dbt_env()}
    # dbt's own log goes to a scratch folder: the install folder stays read-only and the docs hold no logs.
    with tempfile.TemporaryDirectory(prefix="wellled-dbt-docs-") as logs:
        result = subprocess.run(
            [settings.DBT_EXECUTABLE, "docs", "generate", "--static", "--quiet",
             "--project-dir", str(settings.DBT_PROJECT_DIR), "--profiles-dir", str(settings.DBT_PROJECT_DIR),
             "--target-path", str(target), "--log-path", logs],
            env=env, capture_output=True, text=True)
    if result.returncode != 0 or not (target / "static_index.html").exists():
        raise RuntimeError(f"dbt docs generate failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    # Keep what a reader needs (the pages, manifest.json and catalog.json), not dbt's working files.
    shutil.rmtree(target / "compiled", ignore_errors=True)
    for name in ("graph.gpickle", "graph_summary.json", "partial_parse.msgpack", "semantic_manifest.json",
                 "run_results.json"):
        (target / name).unlink(missing_ok=True)


def _copy_quality_docs(dest: Path) -> Path | None:
    """The most recent run's Data Docs folder (overview + GX site), or None when no refresh has run."""
    runs = [p for p in settings.data_docs_dir().glob("*") if (p / "index.html").exists()]
    if not runs:
        return None
    latest = max(runs, key=lambda p: (p / "index.html").stat().st_mtime)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(latest, dest)
    return dest


def _published_tables(manifest_path: Path) -> list[tuple[str, str, str]]:
    """(table, description, dbt docs link) for every model of the marts layer, i.e. every published table."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    rows = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] == "model" and node["fqn"][1:2] == ["marts"]:
            rows.append((node["name"], " ".join(node.get("description", "").split()),
                         f"dbt/static_index.html#!/model/{unique_id}"))
    return sorted(rows)


def _link(name: str, link: str) -> str:
    code = f"<code>{html.escape(name)}</code>"
    return f'<a href="{html.escape(link)}">{code}</a>' if link else code


def _index_page(tables: list[tuple[str, str, str]], has_quality: bool) -> str:
    rows = "".join(f"<tr><td>{_link(name, link)}</td><td>{html.escape(text) or '<em>no description</em>'}</td></tr>"
                   for name, text, link in tables)
    quality = ('<li><a href="quality/index.html">Quality gates</a> of the latest refresh: every Great Expectations '
               'suite, its status and failures, and the <a href="quality/gx/site/index.html">GX Data Docs</a>.</li>'
               if has_quality else "<li>Quality gates: no refresh has run yet, so there are no Data Docs.</li>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wellled documentation</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}th{{background:#eee}}</style>
</head><body>
<h1>wellled documentation</h1>
<ul>
<li><a href="dbt/static_index.html">dbt docs</a>: every model, column, test and its lineage, and the exposures
(the BI uses of the published tables).</li>
{quality}
</ul>
<h2>Published tables</h2>
<p>The tables BI tools read (the <code>marts</code> layer, published with <code>publication_manifest</code>).
<code>fct_well_led_summary</code> is evidence for a conversation, not a rating.</p>
<table><tr><th>table</th><th>description</th></tr>{rows}</table>
</body></html>
"""
