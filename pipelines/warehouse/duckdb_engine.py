"""The DuckDB warehouse (the default): one build file, and publications as version files swapped in atomically.

The build file `build/wellled.duckdb` admits one writer and no reader beside it, so every connection is
opened for one task and closed (`connect`). Each publication is a new file
`published/versions/wellled_<version>.duckdb` (storage v1.4.0, tables in its `main` schema, with the manifest)
plus Parquet copies in `published/versions/wellled_<version>_parquet/`. The current one is
`published/wellled.duckdb`: a hard link to the version file, swapped in with one `os.replace`, so a BI reader
opens either the old or the new version, never a half-written one; and `published/parquet/`, a link to the
version's Parquet folder swapped the same way just before it. Readers reconnect to see a new publication.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from .. import settings
from ..disk_space import DiskFull, disk_full_message, is_disk_full
from ..faults import pause_point
from ..links import swap_link
from ..permissions import owner_only_dir, owner_only_file
from ..settings import CURRENT_PARQUET
from ..sources import respondents as respondent_files
from ..sources import schemas
from ..sources.landing import LandedFile, SourceError
from . import duckdb_respondents
from .arrow_frame import frame_from_arrow
from .base import MANIFEST_TABLE, OneShotReads, Release, RespondentsLoad, describe, ident, quote
from .raw import RAW, ddl, engine_error, landing_files_frame, period_prefix, refuse_drift

CURRENT_POINTER = "CURRENT"  # text file naming the current version, beside wellled.duckdb
PARQUET_VERSION_KEY = "wellled_version"  # Parquet key-value metadata: the publication a file belongs to


def open_duckdb(path: Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the build file with the configured memory limit (the same one dbt runs with); new files
    get the storage version BI drivers read. The caller closes it: prefer `connect`."""
    path = path or settings.build_db_path()
    config = {"memory_limit": settings.duckdb_memory_limit()}
    if read_only:
        con = duckdb.connect(str(path), read_only=True, config=config)
    else:
        owner_only_dir(path.parent)  # every board member's gender and ethnic category: owner-only
        con = duckdb.connect(str(path), config={**config,
                                                "storage_compatibility_version": settings.DUCKDB_STORAGE_VERSION})
        owner_only_file(path)
    con.execute("set enable_progress_bar = false")
    return con


@contextmanager
def connect(path: Path | None = None, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection that is always closed: the build file admits one writer and no reader beside it."""
    con = open_duckdb(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


class DuckDBReader:
    """Reads through one read-only connection to the build file, which its opener closes."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def read_table(self, schema: str, table: str) -> pd.DataFrame:
        """The table as `.df()` gives it, built from Arrow (much cheaper for text; see arrow_frame)."""
        sql = f'select * from {ident(schema)}.{ident(table)}'
        frame = frame_from_arrow(self.con.sql(sql).to_arrow_table())
        return self.con.execute(sql).df() if frame is None else frame

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def landed_sources(self) -> set[str]:
        return {source for (source,) in self.con.execute(f"select distinct source from {RAW}.landing_files").fetchall()}


class DuckDBWarehouse(OneShotReads):
    engine = "duckdb"
    dbt_target = "duckdb"

    def __init__(self, path: Path, published: Path | None = None):
        self.path = path
        self.published = published or settings.published_dir()

    def describe(self) -> str:
        return str(self.path)

    def dbt_env(self) -> dict[str, str]:
        return {"WELLLED_DBT_TARGET": self.dbt_target, "WELLLED_BUILD_DB": str(self.path)}

    # The build warehouse.

    def write_source(self, source: str, tables: dict[str, pd.DataFrame], files: list[dict]) -> None:
        with connect(self.path) as con:
            con.execute("begin transaction")
            try:
                con.execute(f"create schema if not exists {RAW}")
                for table, frame in tables.items():
                    if frame.empty:
                        con.execute(f"create or replace table {RAW}.{table} ({ddl(table)})")
                        continue
                    self._copy_frame(con, f"create or replace table {RAW}.{table} as", table, frame)
                    pause_point("ingest")  # mid-transaction: a crash here must leave the last commit intact
                _replace_landing_files(con, files, "source = ?", [[source]])
                con.execute("commit")
            except Exception as error:
                raise self._abandon(con, error) from None

    def write_periods(self, source: str, periods: list[str], tables: dict[str, pd.DataFrame],
                      files: list[dict]) -> None:
        """A period's rows are those whose `_source_file` lies in its folder (`staff_survey/2024/...`), so every
        other period's rows stay exactly as they were. Tables are created when missing; a table whose columns
        differ from the schema is refused (a national refresh recreates it)."""
        with connect(self.path) as con:
            con.execute("begin transaction")
            try:
                con.execute(f"create schema if not exists {RAW}")
                for table, frame in tables.items():
                    con.execute(f"create table if not exists {RAW}.{table} ({ddl(table)})")
                    existing = [c for (c,) in con.execute(
                        "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
                        "order by column_index", [RAW, table]).fetchall()]
                    refuse_drift(table, existing)
                    for period in periods:
                        con.execute(f"delete from {RAW}.{table} where starts_with(_source_file, ?)",
                                    [period_prefix(source, period)])
                    if not frame.empty:
                        self._copy_frame(con, f"insert into {RAW}.{table}", table, frame)
                    pause_point("ingest")  # mid-transaction: a crash here must leave the last commit intact
                _replace_landing_files(con, files, "source = ? and period = ?", [[source, p] for p in periods])
                con.execute("commit")
            except Exception as error:
                raise self._abandon(con, error) from None

    def load_respondents(self, files: list[LandedFile], log: Callable[[str], None]) -> RespondentsLoad:
        with connect(self.path) as con:
            con.execute("begin transaction")
            try:
                loaded = duckdb_respondents.load(con, files, log=log)
                # Every raw table exists (empty until its source is ingested), so the respondent job alone can
                # build the models it needs (occupation weighting reads the organisational results).
                for table in schemas.RAW_TABLES:
                    con.execute(f"create table if not exists {RAW}.{table} ({ddl(table)})")
                _replace_landing_files(con, loaded.files, "source = ?", [[respondent_files.SOURCE]])
                con.execute("commit")
            except SourceError:
                con.execute("rollback")
                raise
            except Exception as error:
                raise self._abandon(con, error) from None
        return loaded

    @contextmanager
    def reading(self) -> Iterator[DuckDBReader]:
        with connect(self.path, read_only=True) as con:
            yield DuckDBReader(con)

    def _abandon(self, con: duckdb.DuckDBPyConnection, error: Exception) -> Exception:
        """Roll back after `error` (a commit that failed has nothing left to roll back) and return what to
        raise: a full disk said as one, anything else as it was."""
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        return DiskFull(disk_full_message(self.path.parent)) if is_disk_full(error) else error

    def _copy_frame(self, con: duckdb.DuckDBPyConnection, statement: str, table: str, frame: pd.DataFrame) -> None:
        """`statement` ("insert into raw.t" or "create ... as") the frame's rows, cast to the raw table's types.
        A value the engine cannot store is reported as bad input naming its file and row (engine_error)."""
        cols = schemas.columns(table)
        con.register("incoming", frame[[c.name for c in cols]])
        select = ", ".join(f'cast({ident(c.name)} as {c.type}) as {ident(c.name)}' for c in cols)
        try:
            con.execute(f"{statement} select {select} from incoming")
        except duckdb.Error as error:
            if is_disk_full(error):
                raise DiskFull(disk_full_message(self.path.parent)) from None
            raise engine_error(table, frame, error) from None
        finally:
            con.unregister("incoming")

    # The publication.

    def publish_version(self, release: Release) -> dict[str, int]:
        folder = versions_dir(self.published)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"wellled_{release.version}.duckdb"
        partial = folder / f".wellled_{release.version}.duckdb.partial"
        remove_leftovers(self.published)
        con = duckdb.connect(str(partial),
                             config={"storage_compatibility_version": settings.DUCKDB_STORAGE_VERSION})
        try:
            con.execute(f"attach {quote(str(self.path))} as build (read_only)")
            tables = [r[0] for r in con.execute(
                "select table_name from duckdb_tables() where database_name = 'build' and schema_name = 'marts' "
                "order by table_name").fetchall()]
            counts = {}
            con.execute("begin")  # one commit for the hundreds of statements below, not one each
            for table in tables:
                con.execute(f'create table main.{ident(table)} as select * from build.marts.{ident(table)}')
                _copy_comments(con, table)
                counts[table] = con.execute(f'select count(*) from main.{ident(table)}').fetchall()[0][0]
            con.register("manifest_rows", release.manifest(counts))
            con.execute(f"create table main.{MANIFEST_TABLE} as select * from manifest_rows")
            describe(con.execute, f"main.{MANIFEST_TABLE}", release.manifest_docs)
            text_columns = con.execute("select table_name, column_name from duckdb_columns() where database_name "
                                       "= current_database() and schema_name = 'main' and data_type = 'VARCHAR'"
                                       ).fetchall()
            for statement in release.text_rewrites("main", text_columns):
                con.execute(statement)
            con.execute("commit")
            con.execute("detach build")
            parquet = parquet_dir(self.published, release.version)
            parquet.mkdir(exist_ok=True)
            for table in [*tables, MANIFEST_TABLE]:
                con.execute(f"copy main.{ident(table)} to {quote(str(parquet / (table + '.parquet')))} "
                            f"(format parquet, kv_metadata {{{PARQUET_VERSION_KEY}: {quote(release.version)}}})")
            con.execute("checkpoint")
        finally:
            con.close()
        pause_point("publish")  # the new version is written but not current: a crash here changes nothing
        os.replace(partial, final)
        self.make_current(release.version)
        return counts

    def make_current(self, version: str) -> None:
        # The Parquet set first: should its link fail, the DuckDB file and the pointer still name the old version.
        published = self.published
        final = versions_dir(published) / f"wellled_{version}.duckdb"
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

    def current_version(self) -> str | None:
        return current_version(self.published)

    def versions(self) -> list[str]:
        return list_versions(self.published)

    def retain(self, versions: Collection[str]) -> None:
        folder = versions_dir(self.published)
        remove_leftovers(self.published)
        for parquet in folder.glob("wellled_*_parquet"):
            if not (folder / (parquet.name.removesuffix("_parquet") + ".duckdb")).exists():
                shutil.rmtree(parquet, ignore_errors=True)
        current = self.current_version()
        for version in self.versions():
            if version == current or version in versions:
                continue
            (folder / f"wellled_{version}.duckdb").unlink(missing_ok=True)
            shutil.rmtree(parquet_dir(self.published, version), ignore_errors=True)

    def published_location(self) -> str:
        return str(self.published / "wellled.duckdb")

    def published_counts(self) -> dict[str, int]:
        path = self.published / "wellled.duckdb"
        if not path.exists():
            return {}
        with duckdb.connect(str(path), read_only=True) as con:
            names = [t for (t,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
            return {t: con.execute(f'select count(*) from {ident(t)}').fetchall()[0][0] for t in names}

    def open_published(self) -> duckdb.DuckDBPyConnection | None:
        return open_published_file(self.published / "wellled.duckdb")


def _replace_landing_files(con: duckdb.DuckDBPyConnection, files: list[dict], where: str,
                           params: list[list]) -> None:
    """Inside the caller's transaction: delete the landing_files rows `where` matches (once per parameter
    list), then insert `files`."""
    con.execute(f"create table if not exists {RAW}.landing_files ({ddl('landing_files')})")
    for values in params:
        con.execute(f"delete from {RAW}.landing_files where {where}", values)
    if files:
        con.register("incoming", landing_files_frame(files))
        con.execute(f"insert into {RAW}.landing_files select * from incoming")
        con.unregister("incoming")


def _copy_comments(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Carry the dbt descriptions (persisted as comments) so BI tools show them."""
    comment = con.execute("select comment from duckdb_tables() where database_name = 'build' and "
                          "schema_name = 'marts' and table_name = ?", [table]).fetchall()
    columns = con.execute("select column_name, comment from duckdb_columns() where database_name = 'build' and "
                          "schema_name = 'marts' and table_name = ? and comment is not null", [table]).fetchall()
    describe(con.execute, f"main.{ident(table)}", {"": comment[0][0] if comment else None, **dict(columns)})


# The published folder's layout, also for readers that hold its path (`wellled serve`, tests).

def versions_dir(published: Path) -> Path:
    return published / "versions"


def parquet_dir(published: Path, version: str) -> Path:
    return versions_dir(published) / f"wellled_{version}_parquet"


def current_version(published: Path) -> str | None:
    pointer = published / CURRENT_POINTER
    return pointer.read_text().strip() if pointer.exists() else None


def list_versions(published: Path) -> list[str]:
    """Published versions, oldest first."""
    return sorted(p.stem.removeprefix("wellled_") for p in versions_dir(published).glob("wellled_*.duckdb"))


def open_published_file(path: Path) -> duckdb.DuckDBPyConnection | None:
    """An in-memory connection (for a reader's own scratch objects) with the publication at `path` attached
    read-only and in use: it keeps the version it opened even if a newer one is published meanwhile."""
    if not path.exists():
        return None
    con = duckdb.connect()
    con.execute("attach ? as published (read_only)", [str(path)])
    con.execute("use published")
    return con


def remove_leftovers(published: Path) -> None:
    """What an interrupted publication leaves: the unfinished version file with its write-ahead log (and any
    other file DuckDB keeps beside it), and the staged link and pointer of a swap. Called by the next
    publication, before it writes and after it swaps."""
    for leftover in [*versions_dir(published).glob(".wellled_*.partial*"), published / ".wellled.duckdb.next",
                     published / f".{CURRENT_POINTER}.next"]:
        leftover.unlink(missing_ok=True)
