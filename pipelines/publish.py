"""Publication of the gated `marts`, the same on either engine: what a version holds, which are kept, rollback.

A version holds every mart of the build warehouse plus `publication_manifest` (what was published, from
which files, past which gates), with formulas shown as text. The warehouse engine (`pipelines/warehouse/`)
writes it beside the current publication and makes it current in one atomic step; then the versions beyond
the newest `PUBLISHED_VERSIONS_KEPT` (the current one counted, and never dropped) are dropped. Rollback makes
the version before the current one current again. Readers reconnect to see a new publication.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from . import settings, warehouse
from .profiles import swap as profile_swap
from .safe_text import neutralise_updates
from .warehouse import MANIFEST_TABLE, PublicationRefused, Release, Warehouse

__all__ = ["MANIFEST_DOCS", "MANIFEST_TABLE", "Publication", "PublicationRefused", "PublishedState", "manifest",
           "publish", "publish_release", "published_state", "read_gates", "retained", "rollback_current"]

MANIFEST_DOCS = {
    "": "What this publication is: one row per source (present or absent), landed file (with SHA-256), "
        "published table (with rows) and quality gate (with status) of the run that published it.",
    "version": "Publication version: UTC time of publication and the first 8 characters of the run id.",
    "run_id": "Dagster run that built and published this version.",
    "published_at": "When the version was published (UTC).",
    "item_kind": "source, file, table or check.",
    "item_name": "Source name, landing file path, table name or quality suite name.",
    "status": "present/absent (source), file kind (file), published (table), passed/warning/skipped (check).",
    "row_count": "Rows in the file, table or validated table.",
    "sha256": "SHA-256 of a landed file's bytes.",
    "detail": "Further detail: files landed per source, source of a file, expectations failed per check.",
}


@dataclass(frozen=True)
class Publication:
    version: str
    location: str  # where BI tools read it
    tables: dict[str, int]


def new_version(run_id: str, now: dt.datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}_{run_id[:8]}"


def publish(*, run_id: str, gates: list[dict], keep: int = settings.PUBLISHED_VERSIONS_KEPT,
            store: Warehouse | None = None) -> Publication:
    """Publish the gated marts of the warehouse, unless a gate of this run failed."""
    failed = [g["suite"] for g in gates if g["status"] == "failed"]
    if failed:
        raise PublicationRefused(f"critical quality gates failed in this run: {', '.join(failed)}")
    store = store or warehouse.current()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    version = new_version(run_id, now)
    files = store.read_table("raw", "landing_files")
    counts = publish_release(store, version, lambda counts: manifest(version, run_id, now, counts, gates, files), keep)
    return Publication(version, store.published_location(), counts)


def publish_release(store: Warehouse, version: str, make_manifest: Callable[[dict[str, int]], pd.DataFrame],
                    keep: int = settings.PUBLISHED_VERSIONS_KEPT) -> dict[str, int]:
    """Write one version of the marts with its manifest, formulas shown as text (docs/hostile_input.md), make
    it current, then drop the versions beyond `keep`; return the rows of each published table."""
    counts = store.publish_version(Release(version, MANIFEST_DOCS, make_manifest, neutralise_updates))
    store.retain(retained(store.versions(), store.current_version(), keep))
    return counts


def retained(versions: list[str], current: str | None, keep: int) -> list[str]:
    """The versions to keep: `keep` in all, the current one counted and always kept, then the newest others
    (after a rollback the current one may not be the newest)."""
    others = [v for v in versions if v != current]
    room = max(keep - (1 if current else 0), 0)
    return sorted([*([current] if current else []), *(others[-room:] if room else [])])


def manifest(version: str, run_id: str, now: dt.datetime, counts: dict[str, int], gates: list[dict],
             files: pd.DataFrame) -> pd.DataFrame:
    """One row per item of the publication: source presence, landed files, tables, gate outcomes."""
    rows = []
    per_source = files.groupby("source").size().to_dict() if len(files) else {}
    for source in settings.LANDED_SOURCES:
        n = int(per_source.get(source, 0))
        rows.append(("source", source, "present" if n else "absent", None, None, f"{n} files landed"))
    for f in files.sort_values(["source", "path"]).itertuples(index=False):
        rows.append(("file", f.path, f.file_kind, int(f.rows), f.sha256, f.source))
    rows += [("table", table, "published", n, None, None) for table, n in counts.items()]
    rows += [("check", g["suite"], g["status"], g.get("rows"), None,
              f"{g.get('failed', 0)} of {g.get('evaluated', 0)} expectations failed") for g in gates]
    frame = pd.DataFrame(rows, columns=["item_kind", "item_name", "status", "row_count", "sha256", "detail"])
    frame.insert(0, "published_at", now)
    frame.insert(0, "run_id", run_id)
    frame.insert(0, "version", version)
    return frame.astype({"row_count": "Int64"})


def read_gates(run_id: str) -> list[dict]:
    path = settings.run_dir(run_id) / "gates.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@dataclass(frozen=True)
class PublishedState:
    version: str | None
    location: str
    tables: dict[str, int]
    kept: list[str]  # every version held, the current one included, oldest first


def published_state(store: Warehouse | None = None) -> PublishedState:
    """What BI tools see now, on either engine: version, where, rows per table, kept versions."""
    store = store or warehouse.current()
    return PublishedState(store.current_version(), store.published_location(), store.published_counts(),
                          store.versions())


def rollback_current(store: Warehouse | None = None) -> str:
    """Make the version before the current one current again; returns it."""
    store = store or warehouse.current()
    versions, current = store.versions(), store.current_version()
    if current not in versions or versions.index(current) == 0:
        raise PublicationRefused(f"no earlier publication to roll back to (current: {current}, "
                                 f"kept: {', '.join(versions) or 'none'}).")
    previous = versions[versions.index(current) - 1]
    store.make_current(previous)
    profile_swap.point_to(settings.published_dir(), previous)  # its profile site, when one was built, follows
    return previous
