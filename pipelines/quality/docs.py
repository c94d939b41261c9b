"""Data Docs for a run: GX's own validation pages plus an overview page that knows about severity and skips.

    build_data_docs(outcomes, run_dir) -> run_dir / "index.html"

Calls add to the folder: each call stores its (already redacted) validation results and outcome, renders
their pages and the GX site index (unless told to leave them to `finish_data_docs`, which renders every
page of the run in one build), and rewrites the overview from everything stored there. So checks that run in
separate processes can each call it with their own outcome and the run still gets one site.

Layout of `run_dir`:
    index.html            overview: every suite's status (passed / warning / failed / skipped) and failures
    outcomes/<suite>.json the outcome facts (SuiteOutcome.to_metadata())
    gx/results/           GX validation results store (redacted)
    gx/site/              GX Data Docs site (its own index.html, one page per validation)
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipelines.quality import _gx
from pipelines.quality.gate import SuiteOutcome

_STATUS_COLOURS = {"passed": "#1b7f3b", "warning": "#a86400", "failed": "#b00020", "skipped": "#666666"}


def build_data_docs(outcomes: Iterable[SuiteOutcome], out_dir: str | Path, *, run_name: str = "wellled",
                    render: bool = True) -> Path:
    """Store the outcomes in `out_dir` (one folder per run) and rewrite its overview; returns index.html.

    With `render`, also render their GX pages and the GX site index now; without, `finish_data_docs` renders
    them later with the rest of the run's.
    """
    out = Path(out_dir).resolve()
    (out / "outcomes").mkdir(parents=True, exist_ok=True)
    outcomes = list(outcomes)
    with _gx.LOCK:
        m = _gx.initialise()  # every GX module is imported there, once, under the lock
        ctx = _docs_context(out)
        run_id = m.RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))
        keys = []
        for outcome in outcomes:
            _write_json(out / "outcomes" / f"{outcome.suite}.json", outcome.to_metadata())
            if outcome.gx_result is None:
                continue
            key = m.ValidationResultIdentifier(
                expectation_suite_identifier=m.ExpectationSuiteIdentifier(name=outcome.suite),
                run_id=run_id,
                batch_identifier=outcome.suite,
            )
            outcome.gx_result.meta["run_id"] = run_id  # shown on the page as run name and time
            ctx.validation_results_store.set(key, outcome.gx_result)
            keys.append(key)
        if render:
            # With no keys GX would render every stored page: a skipped outcome only needs the index.
            ctx.build_data_docs(site_names=[_SITE], resource_identifiers=keys or _any_key(ctx))
    return _write_overview(out)


def finish_data_docs(out_dir: str | Path) -> Path:
    """Render every GX page of the run folder not rendered yet and the GX site index, in one build; returns
    index.html.

    A GX build prepares its templates and copies its static files each time and its index reads every stored
    result, so a run renders the pages its gates left for later once, when its gates are done. Pages already
    rendered (the raw gates render their own) are not rendered again: a stored result never changes.
    """
    out = Path(out_dir).resolve()
    with _gx.LOCK:
        _gx.initialise()
        ctx = _docs_context(out)
        missing = [key for key in ctx.validation_results_store.list_keys() if not _page(out, key).is_file()]
        ctx.build_data_docs(site_names=[_SITE], resource_identifiers=missing or _any_key(ctx))
    return _write_overview(out)


def blocked(out_dir: str | Path) -> bool:
    """True when an outcome stored in the run folder blocks publication."""
    return any(json.loads(p.read_text(encoding="utf-8"))["blocking"]
               for p in sorted((Path(out_dir) / "outcomes").glob("*.json")))


_SITE = "wellled"


def _docs_context(out: Path) -> Any:
    return _gx.docs_context(str(out / "gx" / "results"), str(out / "gx" / "site"))


def _page(out: Path, key: Any) -> Path:
    """Where GX renders the page of a stored validation result (its key, as folders)."""
    *folders, name = key.to_tuple()
    return out.joinpath("gx", "site", "validations", *folders, f"{name}.html")


def _any_key(ctx: Any) -> list | None:
    return ctx.validation_results_store.list_keys()[:1] or None


def _write_overview(out: Path) -> Path:
    index = out / "index.html"
    _write_text(index, _overview(out, out / "gx" / "site"))
    return index


def _overview(out: Path, site_dir: Path) -> str:
    facts = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "outcomes").glob("*.json"))]
    rows, details = [], []
    for f in facts:
        suite = f["suite"]
        page = _latest_page(site_dir, suite)
        link = f'<a href="{html.escape(page)}">GX page</a>' if page else ""
        colour = _STATUS_COLOURS.get(f["status"], "#000")
        note = f["skipped_reason"] or ""
        rows.append(
            f"<tr><td>{html.escape(suite)}</td><td>{html.escape(f['layer'])}</td>"
            f'<td style="color:{colour};font-weight:bold">{html.escape(f["status"])}</td>'
            f"<td>{f['rows']:,}</td><td>{f['evaluated']}</td><td>{f['critical_failures']}</td>"
            f"<td>{f['warning_failures']}</td><td>{html.escape(note)}</td><td>{link}</td></tr>"
        )
        if f["failed_expectations"]:
            details.append(_failures_section(suite, f["failed_expectations"]))
    blocking = [f["suite"] for f in facts if f["blocking"]]
    verdict = (f"Publication blocked by: {', '.join(blocking)}." if blocking
               else "No critical failure: nothing here blocks publication.")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wellled quality gate</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;margin-bottom:1.5em}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}th{{background:#eee}}
code{{font-size:90%}}</style></head><body>
<h1>wellled quality gate</h1>
<p>{html.escape(verdict)} <code>critical</code> failures block publication; <code>warning</code> ones are recorded.
A skipped suite's source is absent: absent is not failed. Values of protected characteristics are never shown.
GX marks a validation unsuccessful even when only warnings failed: read severity here.</p>
<table><tr><th>suite</th><th>layer</th><th>status</th><th>rows</th><th>expectations</th><th>critical failures</th>
<th>warnings</th><th>note</th><th>detail</th></tr>
{"".join(rows)}
</table>
{"".join(details)}
<p><a href="gx/site/index.html">All GX Data Docs</a></p>
</body></html>
"""


def _failures_section(suite: str, failed: list[dict[str, Any]]) -> str:
    items = []
    for f in failed:
        unexpected = "" if f["unexpected_count"] is None else f"{f['unexpected_count']:,}"
        sample = json.dumps(f["sample"], ensure_ascii=False) if f["sample"] else (f["observed"] or "")
        items.append(
            f"<tr><td>{html.escape(f['severity'])}</td><td>{html.escape(f['expectation'])}</td>"
            f"<td>{html.escape(f['column'] or '(table)')}</td><td>{unexpected}</td>"
            f"<td>{html.escape(f['description'])}</td><td><code>{html.escape(sample)}</code></td></tr>"
        )
    return (f"<h2>{html.escape(suite)}: failed expectations</h2><table><tr><th>severity</th><th>expectation</th>"
            f"<th>column</th><th>unexpected</th><th>what it checks</th><th>sample (redacted)</th></tr>"
            f"{''.join(items)}</table>")


def _latest_page(site_dir: Path, suite: str) -> str | None:
    pages = sorted((site_dir / "validations" / suite).glob("**/*.html"))
    return pages[-1].relative_to(site_dir.parent.parent).as_posix() if pages else None


def _write_json(path: Path, data: Any) -> None:
    _write_text(path, json.dumps(data, indent=2, ensure_ascii=False))


def _write_text(path: Path, text: str) -> None:
    """Write atomically, so a reader never sees half a page."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
