"""Atomic, versioned publication of the `marts` schema for BI tools.

Each publication is a new DuckDB file `published/versions/wellled_<version>.duckdb` (storage version
v1.4.0, tables in its `main` schema, with `publication_manifest`) plus Parquet copies in
`published/versions/wellled_<version>_parquet/`. The current one is `published/wellled.duckdb`: a hard link to
the version file, swapped in with one `os.replace`, so a BI reader opens either the old or the new version,
never a half-written one; and `published/parquet/`, a link to the version's Parquet folder swapped the same
way just before it. Readers reconnect (or reopen the files) to see a new publication.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from . import settings, warehouse
from .faults import pause_point
from .links import swap_link
from .profiles import swap as profile_swap
from .safe_text import neutralise_updates

MANIFEST_TABLE = "publication_manifest"
CURRENT_POINTER = "CURRENT"  # text file naming the current version, beside wellled.duckdb
CURRENT_PARQUET = "parquet"  # link to the current version's Parquet folder, beside wellled.duckdb
PARQUET_VERSION_KEY = "wellled_version"  # Parquet key-value metadata: the publication a file belongs to
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


class PublicationRefused(RuntimeError):
    """A gate failed in this run: nothing is published and the previous publication stays live."""


@dataclass(frozen=True)
class Publication:
    version: str
    path: Path | None  # the DuckDB file; None on PostgreSQL (schema `published`)
    tables: dict[str, int]


def versions_dir(published: Path) -> Path:
    return published / "versions"


def new_version(run_id: str, now: dt.datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}_{run_id[:8]}"


def publish(*, run_id: str, gates: list[dict], keep: int = settings.PUBLISHED_VERSIONS_KEPT) -> Publication:
    """Publish the gated marts of the current warehouse, unless a gate of this run failed."""
    failed = [g["suite"] for g in gates if g["status"] == "failed"]
    if failed:
        raise PublicationRefused(f"critical quality gates failed in this run: {', '.join(failed)}")
    store = warehouse.current()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    version = new_version(run_id, now)
    files = store.read_table("raw", "landing_files")

    def make_manifest(counts: dict[str, int]) -> pd.DataFrame:
        return manifest(version, run_id, now, counts, gates, files)

    if store.engine == "postgres":
        from . import publish_postgres

        return publish_postgres.publish(store, version, make_manifest, keep)
    return _publish_duckdb(store.path, settings.published_dir(), version, make_manifest, keep)


def _publish_duckdb(build_db: Path, published: Path, version: str, make_manifest, keep: int) -> Publication:
    folder = versions_dir(published)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"wellled_{version}.duckdb"
    partial = folder / f".wellled_{version}.duckdb.partial"
    remove_leftovers(published)

    con = duckdb.connect(str(partial), config={"storage_compatibility_version": settings.DUCKDB_STORAGE_VERSION})
    try:
        con.execute(f"attach '{build_db}' as build (read_only)")
        tables = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'build' and schema_name = 'marts' "
            "order by table_name").fetchall()]
        counts = {}
        for table in tables:
            con.execute(f'create table main."{table}" as select * from build.marts."{table}"')
            _copy_comments(con, table)
            counts[table] = con.execute(f'select count(*) from main."{table}"').fetchall()[0][0]
        con.register("manifest_rows", make_manifest(counts))
        con.execute(f"create table main.{MANIFEST_TABLE} as select * from manifest_rows")
        for column, text in MANIFEST_DOCS.items():
            target = f"column main.{MANIFEST_TABLE}.{column}" if column else f"table main.{MANIFEST_TABLE}"
            con.execute(f"comment on {target} is {quote(text)}")
        text_columns = con.execute("select table_name, column_name from duckdb_columns() where database_name = "
                                   "current_database() and schema_name = 'main' and data_type = 'VARCHAR'").fetchall()
        for statement in neutralise_updates("main", text_columns):  # formulas shown as text (docs/hostile_input.md)
            con.execute(statement)
        con.execute("detach build")
        parquet = parquet_dir(published, version)
        parquet.mkdir(exist_ok=True)
        for table in [*tables, MANIFEST_TABLE]:
            con.execute(f"copy main.\"{table}\" to '{parquet / (table + '.parquet')}' "
                        f"(format parquet, kv_metadata {{{PARQUET_VERSION_KEY}: {quote(version)}}})")
        con.execute("checkpoint")
    finally:
        con.close()
    pause_point("publish")  # the new version is written but not current: a crash here changes nothing
    os.replace(partial, final)
    _make_current(published, final, version)
    _prune(published, keep)
    return Publication(version, published / "wellled.duckdb", counts)


def _copy_comments(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Carry the dbt descriptions (persisted as comments) so BI tools show them."""
    comment = con.execute("select comment from duckdb_tables() where database_name = 'build' and "
                          "schema_name = 'marts' and table_name = ?", [table]).fetchall()
    if comment and comment[0][0]:
        con.execute(f'comment on table main."{table}" is {quote(comment[0][0])}')
    for column, text in con.execute("select column_name, comment from duckdb_columns() where database_name = "
                                    "'build' and schema_name = 'marts' and table_name = ? and comment is not null",
                                    [table]).fetchall():
        con.execute(f'comment on column main."{table}"."{column}" is {quote(text)}')


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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


def parquet_dir(published: Path, version: str) -> Path:
    return versions_dir(published) / f"wellled_{version}_parquet"


def _make_current(published: Path, final: Path, version: str) -> None:
    # The Parquet set first: should its link fail, the DuckDB file and the pointer still name the old version.
    swap_link(published / CURRENT_PARQUET, parquet_dir(published, version))
    staged = published / ".wellled.duckdb.next"
    staged.unlink(missing_ok=True)
    try:
        os.link(final, staged)
    except OSError:  # filesystems without hard links: a full copy, still swapped in atomically
        shutil.copy2(final, staged)
    os.replace(staged, published / "wellled.duckdb")
    pointer = published / f".{CURRENT_POINTER}.next"
    pointer.write_text(version + "\n")
    os.replace(pointer, published / CURRENT_POINTER)


def current_version(published: Path) -> str | None:
    pointer = published / CURRENT_POINTER
    return pointer.read_text().strip() if pointer.exists() else None


def list_versions(published: Path) -> list[str]:
    """Published versions, oldest first."""
    return sorted(p.stem.removeprefix("wellled_") for p in versions_dir(published).glob("wellled_*.duckdb"))


def rollback(published: Path) -> str:
    """Make the version before the current one current again; returns it."""
    versions, current = list_versions(published), current_version(published)
    if current not in versions or versions.index(current) == 0:
        raise PublicationRefused(f"no earlier publication to roll back to (current: {current}, "
                                 f"kept: {', '.join(versions) or 'none'}).")
    previous = versions[versions.index(current) - 1]
    _make_current(published, versions_dir(published) / f"wellled_{previous}.duckdb", previous)
    profile_swap.point_to(published, previous)  # its profile site, when one was built, follows
    return previous


def _prune(published: Path, keep: int) -> None:
    """Drop versions beyond the newest `keep` (never the current one) and leftovers of interrupted runs."""
    folder = versions_dir(published)
    remove_leftovers(published)
    for parquet in folder.glob("wellled_*_parquet"):
        if not (folder / (parquet.name.removesuffix("_parquet") + ".duckdb")).exists():
            shutil.rmtree(parquet, ignore_errors=True)
    versions, current = list_versions(published), current_version(published)
    for version in versions[:-keep] if keep else []:
        if version == current:
            continue
        (versions_dir(published) / f"wellled_{version}.duckdb").unlink(missing_ok=True)
        shutil.rmtree(versions_dir(published) / f"wellled_{version}_parquet", ignore_errors=True)


def remove_leftovers(published: Path) -> None:
    """What an interrupted publication leaves: the unfinished version file with its write-ahead log (and any
    other file DuckDB keeps beside it), and the staged link and pointer of a swap. Called by the next
    publication, before it writes and after it swaps."""
    for leftover in [*versions_dir(published).glob(".wellled_*.partial*"), published / ".wellled.duckdb.next",
                     published / f".{CURRENT_POINTER}.next"]:
        leftover.unlink(missing_ok=True)


def read_gates(run_id: str) -> list[dict]:
    path = settings.run_dir(run_id) / "gates.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@dataclass(frozen=True)
class PublishedState:
    version: str | None
    location: str
    tables: dict[str, int]
    kept: list[str]


def published_state() -> PublishedState:
    """What BI tools see now, on either engine: version, where, rows per table, kept versions."""
    store = warehouse.current()
    if store.engine == "postgres":
        from . import publish_postgres as pg

        version = pg.current_version(store)
        return PublishedState(version, f"{store.describe()}, schema published",
                              pg.published_counts(store) if version else {}, pg.kept_versions(store))
    path, folder = settings.published_db_path(), settings.published_dir()
    tables = {}
    if path.exists():
        with duckdb.connect(str(path), read_only=True) as con:
            names = [t for (t,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
            tables = {t: con.execute(f'select count(*) from "{t}"').fetchall()[0][0] for t in names}
    return PublishedState(current_version(folder), str(path), tables, list_versions(folder))


def rollback_current() -> str:
    store = warehouse.current()
    if store.engine == "postgres":
        from . import publish_postgres as pg

        return pg.rollback(store)
    return rollback(settings.published_dir())
