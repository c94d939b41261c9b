"""The build warehouse, on DuckDB (default, one file) or PostgreSQL (`WELLLED_WAREHOUSE_URL`).

Everything that touches the warehouse goes through `current()`: ingest writes raw tables, the gates read
tables, the dbt asset gets its target and environment, the publish step and the CLI summary read counts.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import duckdb
import pandas as pd

from . import settings
from .disk_space import DiskFull, disk_full_message, is_disk_full
from .faults import pause_point
from .permissions import owner_only_dir, owner_only_file
from .safe_text import shown
from .sources import schemas
from .sources.landing import SourceError

RAW = "raw"
PG_TYPES = {"VARCHAR": "text", "INTEGER": "integer", "BIGINT": "bigint", "DOUBLE": "double precision",
            "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp"}


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


def _ddl(table: str, types: dict[str, str] | None = None) -> str:
    return ", ".join(f'"{c.name}" {(types or {}).get(c.type, c.type)}' for c in schemas.columns(table))


class DuckDBWarehouse:
    engine = "duckdb"
    dbt_target = "duckdb"

    def __init__(self, path: Path):
        self.path = path

    def describe(self) -> str:
        return str(self.path)

    def dbt_env(self) -> dict[str, str]:
        return {"WELLLED_DBT_TARGET": self.dbt_target, "WELLLED_BUILD_DB": str(self.path)}

    def write_source(self, source: str, tables: dict[str, pd.DataFrame], files: list[dict]) -> None:
        """Replace a source's raw tables and its landing_files rows in one transaction."""
        with connect(self.path) as con:
            con.execute("begin transaction")
            try:
                con.execute(f"create schema if not exists {RAW}")
                for table, frame in tables.items():
                    if frame.empty:
                        con.execute(f"create or replace table {RAW}.{table} ({_ddl(table)})")
                        continue
                    _copy_frame(con, f"create or replace table {RAW}.{table} as", table, frame)
                    pause_point("ingest")  # mid-transaction: a crash here must leave the last commit intact
                _replace_landing_files(con, files, "source = ?", [[source]])
                con.execute("commit")
            except Exception as error:
                raise abandon(con, error) from None

    def write_periods(self, source: str, periods: list[str], tables: dict[str, pd.DataFrame],
                      files: list[dict]) -> None:
        """Replace only the given periods' rows of a source's raw tables and landing_files, in one transaction.

        A period's rows are those whose `_source_file` lies in its folder (`staff_survey/2024/...`), so every
        other period's rows stay exactly as they were. Tables are created when missing; a table whose columns
        differ from the schema is refused (a national refresh recreates it).
        """
        with connect(self.path) as con:
            con.execute("begin transaction")
            try:
                con.execute(f"create schema if not exists {RAW}")
                for table, frame in tables.items():
                    con.execute(f"create table if not exists {RAW}.{table} ({_ddl(table)})")
                    existing = [c for (c,) in con.execute(
                        "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
                        "order by column_index", [RAW, table]).fetchall()]
                    _refuse_drift(table, existing)
                    for period in periods:
                        con.execute(f"delete from {RAW}.{table} where starts_with(_source_file, ?)",
                                    [period_prefix(source, period)])
                    if not frame.empty:
                        _copy_frame(con, f"insert into {RAW}.{table}", table, frame)
                    pause_point("ingest")  # mid-transaction: a crash here must leave the last commit intact
                _replace_landing_files(con, files, "source = ? and period = ?", [[source, p] for p in periods])
                con.execute("commit")
            except Exception as error:
                raise abandon(con, error) from None

    def read_table(self, schema: str, table: str) -> pd.DataFrame:
        with connect(self.path, read_only=True) as con:
            return con.execute(f'select * from "{schema}"."{table}"').df()

    def landed_sources(self) -> set[str]:
        with connect(self.path, read_only=True) as con:
            return {s for (s,) in con.execute(f"select distinct source from {RAW}.landing_files").fetchall()}


def abandon(con: duckdb.DuckDBPyConnection, error: Exception) -> Exception:
    """Roll back after `error` (a commit that failed has nothing left to roll back) and return what to raise:
    a full disk said as one, anything else as it was."""
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")
    return DiskFull(disk_full_message(settings.build_db_path().parent)) if is_disk_full(error) else error


def _copy_frame(con: duckdb.DuckDBPyConnection, statement: str, table: str, frame: pd.DataFrame) -> None:
    """`statement` ("insert into raw.t" or "create ... as") the frame's rows, cast to the raw table's types. A
    value the engine cannot store is reported as bad input naming its file and row (engine_error)."""
    cols = schemas.columns(table)
    con.register("incoming", frame[[c.name for c in cols]])
    select = ", ".join(f'cast("{c.name}" as {c.type}) as "{c.name}"' for c in cols)
    try:
        con.execute(f"{statement} select {select} from incoming")
    except duckdb.Error as error:
        if is_disk_full(error):
            raise DiskFull(disk_full_message(settings.build_db_path().parent)) from None
        raise engine_error(table, frame, error) from None
    finally:
        con.unregister("incoming")


def engine_error(table: str, frame: pd.DataFrame, error: Exception) -> SourceError:
    """The first value of `frame` the raw table's column type cannot hold, as a SourceError naming the file,
    row, column and type; found on a separate in-memory engine (the failed transaction accepts no query)."""
    cols = [c for c in schemas.columns(table) if c.name in frame.columns and c.type != "VARCHAR"]
    lineage = {"_source_file", "_row_number"} <= set(frame.columns)
    with duckdb.connect() as probe:
        probe.register("incoming", frame)
        for c in cols:
            where = f'"{c.name}" is not null and try_cast("{c.name}" as {c.type}) is null'
            found = probe.execute(f'select {"_source_file, _row_number" if lineage else "null, null"}, '
                                  f'cast("{c.name}" as varchar) from incoming where {where} limit 1').fetchall()
            if found:
                file, row, value = found[0]
                return SourceError(file or f"raw.{table}", f"{c.name} '{shown(value)}' cannot be stored as "
                                                            f"{c.type} (out of range or not a {c.type.lower()}).",
                                   row=row, hint="Correct the value in the file and land it again.")
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return SourceError(f"raw.{table}", f"could not be written by the engine: {shown(first_line, 200)}",
                       hint="Check the files of this source; the message above names the engine's complaint.")


def _replace_landing_files(con: duckdb.DuckDBPyConnection, files: list[dict], where: str,
                           params: list[list]) -> None:
    """Inside the caller's transaction: delete the landing_files rows `where` matches (once per parameter
    list), then insert `files`."""
    con.execute(f"create table if not exists {RAW}.landing_files ({_ddl('landing_files')})")
    for values in params:
        con.execute(f"delete from {RAW}.landing_files where {where}", values)
    if files:
        con.register("incoming", pd.DataFrame(files, columns=schemas.column_names("landing_files")))
        con.execute(f"insert into {RAW}.landing_files select * from incoming")
        con.unregister("incoming")


class WarehouseUnreachable(RuntimeError):
    """The warehouse server cannot be reached: the message says where, never with a traceback."""


class PostgresWarehouse:
    engine = "postgres"
    dbt_target = "postgres"

    def __init__(self, url: str):
        self.url = url

    def describe(self) -> str:
        parts = pg_params(self.url)
        return f"postgresql database {parts['dbname']} on {parts['host']}:{parts['port']}"

    def connect(self):
        import psycopg2

        try:
            return psycopg2.connect(self.url)
        except psycopg2.OperationalError as error:
            parts = pg_params(self.url)
            reason = (str(error).strip().splitlines() or ["no answer"])[0]
            raise WarehouseUnreachable(f"cannot reach PostgreSQL at {parts['host']}:{parts['port']} "
                                       f"({shown(reason, 200)}). Check the server is running and "
                                       "WELLLED_WAREHOUSE_URL.") from None

    def dbt_env(self) -> dict[str, str]:
        return {"WELLLED_DBT_TARGET": self.dbt_target,
                **{f"WELLLED_PG_{key.upper()}": str(value) for key, value in pg_params(self.url).items()}}

    def write_source(self, source: str, tables: dict[str, pd.DataFrame], files: list[dict]) -> None:
        """Replace a source's raw tables and its landing_files rows in one transaction (COPY for speed)."""
        con = self.connect()
        try:
            with con, con.cursor() as cur:
                cur.execute(f"create schema if not exists {RAW}")
                for table, frame in tables.items():
                    self._reset_table(cur, table)
                    self._copy(cur, table, frame)
                cur.execute(f"create table if not exists {RAW}.landing_files ({_ddl('landing_files', PG_TYPES)})")
                cur.execute(f"delete from {RAW}.landing_files where source = %s", [source])
                self._copy(cur, "landing_files", pd.DataFrame(files, columns=schemas.column_names("landing_files")))
        finally:
            con.close()

    def write_periods(self, source: str, periods: list[str], tables: dict[str, pd.DataFrame],
                      files: list[dict]) -> None:
        """Replace only the given periods' rows (by `_source_file` folder) and landing_files rows, in one
        transaction; every other period's rows stay as they were."""
        con = self.connect()
        try:
            with con, con.cursor() as cur:
                cur.execute(f"create schema if not exists {RAW}")
                for table, frame in tables.items():
                    cur.execute(f"create table if not exists {RAW}.{table} ({_ddl(table, PG_TYPES)})")
                    cur.execute("select column_name from information_schema.columns where table_schema = %s and "
                                "table_name = %s order by ordinal_position", [RAW, table])
                    _refuse_drift(table, [c for (c,) in cur.fetchall()])
                    for period in periods:
                        cur.execute(f"delete from {RAW}.{table} where starts_with(_source_file, %s)",
                                    [period_prefix(source, period)])
                    self._copy(cur, table, frame)
                cur.execute(f"create table if not exists {RAW}.landing_files ({_ddl('landing_files', PG_TYPES)})")
                for period in periods:
                    cur.execute(f"delete from {RAW}.landing_files where source = %s and period = %s", [source, period])
                self._copy(cur, "landing_files", pd.DataFrame(files, columns=schemas.column_names("landing_files")))
        finally:
            con.close()

    @staticmethod
    def _reset_table(cur, table: str) -> None:
        """Empty the table, keeping the dbt views built on it; recreate it only when its columns changed."""
        cur.execute("select column_name from information_schema.columns where table_schema = %s and "
                    "table_name = %s order by ordinal_position", [RAW, table])
        if [c for (c,) in cur.fetchall()] == schemas.column_names(table):
            cur.execute(f"truncate {RAW}.{table}")
            return
        cur.execute(f"drop table if exists {RAW}.{table} cascade")  # dbt rebuilds the dependent views
        cur.execute(f"create table {RAW}.{table} ({_ddl(table, PG_TYPES)})")

    @staticmethod
    def _copy(cur, table: str, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        cols = schemas.columns(table)
        out = frame[[c.name for c in cols]].copy()
        for c in cols:
            if c.type in ("INTEGER", "BIGINT"):
                out[c.name] = pd.to_numeric(out[c.name]).astype("Int64")
        buffer = io.StringIO()
        out.to_csv(buffer, index=False, header=False)
        buffer.seek(0)
        names = ", ".join(f'"{c.name}"' for c in cols)
        import psycopg2

        try:
            cur.copy_expert(f"copy {RAW}.{table} ({names}) from stdin with (format csv)", buffer)
        except psycopg2.DataError as error:
            raise engine_error(table, frame, error) from None

    def query(self, sql: str, params=None) -> pd.DataFrame:
        con = self.connect()
        try:
            with con.cursor() as cur:
                cur.execute(sql, params)
                return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])
        finally:
            con.close()

    def read_table(self, schema: str, table: str) -> pd.DataFrame:
        frame = self.query(f'select * from "{schema}"."{table}"')
        # psycopg2 gives numeric columns of an empty or all-null result as object: keep pandas types useful.
        return frame.infer_objects()

    def landed_sources(self) -> set[str]:
        return set(self.query(f"select distinct source from {RAW}.landing_files")["source"])


def period_prefix(source: str, period: str) -> str:
    """The `_source_file` prefix of a period's rows: files sit in `<source>/<period>/` (docs/source_formats.md)."""
    return f"{source}/{period}/"


def _refuse_drift(table: str, existing: list[str]) -> None:
    if existing != schemas.column_names(table):
        raise ValueError(f"raw.{table} has other columns than this version of wellled writes: a period cannot "
                         "be replaced inside it. Run a national refresh (wellled refresh), which recreates it.")


def pg_params(url: str) -> dict[str, str]:
    """host, port, user, password, dbname of a postgresql:// URL (a socket folder may come as ?host=)."""
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    return {"host": query.get("host", [parsed.hostname or "localhost"])[0],
            "port": str(query.get("port", [parsed.port or 5432])[0]),
            "user": unquote(parsed.username or "postgres"), "password": unquote(parsed.password or ""),
            "dbname": (parsed.path or "/postgres").lstrip("/") or "postgres"}


def current() -> DuckDBWarehouse | PostgresWarehouse:
    """The warehouse the settings select: PostgreSQL when WELLLED_WAREHOUSE_URL is set, else DuckDB."""
    url = settings.warehouse_url()
    return PostgresWarehouse(url) if url else DuckDBWarehouse(settings.build_db_path())
