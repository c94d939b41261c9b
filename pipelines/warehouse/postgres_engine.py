"""The PostgreSQL warehouse (`WELLLED_WAREHOUSE_URL`): raw tables by COPY, publication by a schema swap.

A publication copies the gated marts into schema `candidate`, then swaps it into `published` in one
transaction with a `lock_timeout`: a long BI query on `published` delays the swap (and after the timeout the
publication is refused, the previous one still live) instead of hanging the refresh. Earlier publications are
kept as schemas `published_v<version>`, which `wellled_reader` cannot read. BI tools connect as
`wellled_reader`, which can read `published` and nothing else.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import parse_qs, unquote, urlparse

import duckdb
import pandas as pd

from .. import settings
from ..safe_text import shown
from ..sources import respondents as respondent_files
from ..sources import schemas
from ..sources.landing import LandedFile
from .base import (
    MANIFEST_TABLE,
    NotSupported,
    OneShotReads,
    PublicationRefused,
    Release,
    RespondentsLoad,
    WarehouseUnreachable,
    describe,
    ident,
    quote,
)
from .raw import RAW, ddl, engine_error, landing_files_frame, period_prefix, refuse_drift

# DuckDB types as PostgreSQL types: the raw schema's and those the published marts add (DECIMAL: pg_type).
PG_TYPES = {"VARCHAR": "text", "INTEGER": "integer", "BIGINT": "bigint", "DOUBLE": "double precision",
            "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp", "HUGEINT": "numeric",
            "UBIGINT": "numeric", "UINTEGER": "bigint", "SMALLINT": "smallint", "TINYINT": "smallint",
            "FLOAT": "real", "TIMESTAMP WITH TIME ZONE": "timestamptz"}
READER_ROLE = "wellled_reader"
KEPT_PREFIX = "published_v"
_MANIFEST_TYPES = {"version": "text", "run_id": "text", "published_at": "timestamp", "item_kind": "text",
                   "item_name": "text", "status": "text", "row_count": "bigint", "sha256": "text", "detail": "text"}


def lock_timeout() -> str:
    return settings.publish_lock_timeout()


class PostgresReader:
    """Reads through one connection to the database, which its opener closes."""

    def __init__(self, con):
        self.con = con

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self.con.cursor() as cur:
            cur.execute(sql, params)
            return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])

    def read_table(self, schema: str, table: str) -> pd.DataFrame:
        frame = self.query(f'select * from {ident(schema)}.{ident(table)}')
        # psycopg2 gives numeric columns of an empty or all-null result as object: keep pandas types useful.
        return frame.infer_objects()

    def landed_sources(self) -> set[str]:
        return set(self.query(f"select distinct source from {RAW}.landing_files")["source"])


class PostgresWarehouse(OneShotReads):
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

    # The build warehouse.

    def write_source(self, source: str, tables: dict[str, pd.DataFrame], files: list[dict]) -> None:
        """COPY for speed."""
        con = self.connect()
        try:
            with con, con.cursor() as cur:
                cur.execute(f"create schema if not exists {RAW}")
                for table, frame in tables.items():
                    _reset_table(cur, table)
                    _copy(cur, table, frame)
                cur.execute(f"create table if not exists {RAW}.landing_files ({ddl('landing_files', PG_TYPES)})")
                cur.execute(f"delete from {RAW}.landing_files where source = %s", [source])
                _copy(cur, "landing_files", landing_files_frame(files))
        finally:
            con.close()

    def write_periods(self, source: str, periods: list[str], tables: dict[str, pd.DataFrame],
                      files: list[dict]) -> None:
        con = self.connect()
        try:
            with con, con.cursor() as cur:
                cur.execute(f"create schema if not exists {RAW}")
                for table, frame in tables.items():
                    cur.execute(f"create table if not exists {RAW}.{table} ({ddl(table, PG_TYPES)})")
                    cur.execute("select column_name from information_schema.columns where table_schema = %s and "
                                "table_name = %s order by ordinal_position", [RAW, table])
                    refuse_drift(table, [c for (c,) in cur.fetchall()])
                    for period in periods:
                        cur.execute(f"delete from {RAW}.{table} where starts_with(_source_file, %s)",
                                    [period_prefix(source, period)])
                    _copy(cur, table, frame)
                cur.execute(f"create table if not exists {RAW}.landing_files ({ddl('landing_files', PG_TYPES)})")
                for period in periods:
                    cur.execute(f"delete from {RAW}.landing_files where source = %s and period = %s", [source, period])
                _copy(cur, "landing_files", landing_files_frame(files))
        finally:
            con.close()

    def load_respondents(self, files: list[LandedFile], log: Callable[[str], None]) -> RespondentsLoad:
        """Not yet on PostgreSQL: refused when files landed; otherwise the table is left empty."""
        if files:
            raise NotSupported("Respondent-level data is not supported on the PostgreSQL warehouse yet: "
                               f"{files[0].relpath} and {len(files) - 1} other file(s) landed. Refresh on the "
                               "DuckDB warehouse, or remove respondents/ from the landing folder.")
        con = self.connect()
        try:
            with con, con.cursor() as cur:
                cur.execute(f"create schema if not exists {RAW}")
                _reset_table(cur, respondent_files.TABLE)
                cur.execute(f"create table if not exists {RAW}.landing_files ({ddl('landing_files', PG_TYPES)})")
                cur.execute(f"delete from {RAW}.landing_files where source = %s", [respondent_files.SOURCE])
        finally:
            con.close()
        return RespondentsLoad([], 0)

    @contextmanager
    def reading(self) -> Iterator[PostgresReader]:
        con = self.connect()
        try:
            yield PostgresReader(con)
        finally:
            con.close()

    # The publication.

    def publish_version(self, release: Release) -> dict[str, int]:
        with self._swapping() as con:
            with con, con.cursor() as cur:
                ensure_reader_role(cur)
                cur.execute("drop schema if exists candidate cascade")
                cur.execute("create schema candidate")
                cur.execute("select table_name from information_schema.tables where table_schema = 'marts' "
                            "and table_type = 'BASE TABLE' order by table_name")
                tables = [t for (t,) in cur.fetchall()]
                counts = {}
                for table in tables:
                    cur.execute(f'create table candidate.{ident(table)} as select * from marts.{ident(table)}')
                    _copy_comments(cur, table)
                    cur.execute(f'select count(*) from candidate.{ident(table)}')
                    counts[table] = cur.fetchone()[0]
                _write_manifest(cur, release, release.manifest(counts))
                cur.execute("select table_name, column_name from information_schema.columns where table_schema = "
                            "'candidate' and data_type in ('text', 'character varying')")
                for statement in release.text_rewrites("candidate", cur.fetchall()):
                    cur.execute(statement)
                cur.execute(f"grant usage on schema candidate to {READER_ROLE}")
                cur.execute(f"grant select on all tables in schema candidate to {READER_ROLE}")
            with con, con.cursor() as cur:  # the swap: one short transaction
                cur.execute(f"set local lock_timeout = {quote(lock_timeout())}")
                previous = _current_version(cur)
                if previous:
                    # Renaming a schema does not wait for readers of its tables: lock them, so a running BI
                    # query finishes on the old version and delays the swap (up to the lock timeout).
                    _lock_published(cur)
                    _keep_published(cur, previous)
                cur.execute("alter schema candidate rename to published")
        return counts

    def make_current(self, version: str) -> None:
        current = self.current_version()
        with self._swapping() as con, con, con.cursor() as cur:
            cur.execute(f"set local lock_timeout = {quote(lock_timeout())}")
            _lock_published(cur)
            _keep_published(cur, current)
            cur.execute(f"alter schema {kept_schema(version)} rename to published")
            cur.execute(f"grant usage on schema published to {READER_ROLE}")

    def current_version(self) -> str | None:
        con = self.connect()
        try:
            with con.cursor() as cur:
                return _current_version(cur)
        finally:
            con.close()

    def versions(self) -> list[str]:
        kept = [self._version_of(schema) for schema in self._kept_schemas()]
        current = self.current_version()
        return sorted({v for v in [*kept, current] if v})

    def retain(self, versions: Collection[str]) -> None:
        """A kept schema still read by an old session is left for the next publication."""
        keep = {kept_schema(v) for v in versions}
        con = self.connect()
        try:
            for schema in self._kept_schemas():
                if schema in keep:
                    continue
                try:
                    with con, con.cursor() as cur:
                        cur.execute(f"set local lock_timeout = {quote(lock_timeout())}")
                        cur.execute(f"drop schema {schema} cascade")
                except Exception as error:
                    if not _locked(error):
                        raise
        finally:
            con.close()

    def published_location(self) -> str:
        return f"{self.describe()}, schema published"

    def published_counts(self) -> dict[str, int]:
        if not self.current_version():
            return {}
        tables = self.query("select table_name from information_schema.tables where table_schema = 'published' "
                            "order by table_name")["table_name"]
        return {t: int(self.query(f'select count(*) as n from published.{ident(t)}')["n"][0]) for t in tables}

    def open_published(self) -> duckdb.DuckDBPyConnection | None:
        """The `published` schema copied into an in-memory DuckDB, with its descriptions."""
        if not self.current_version():
            return None
        names = self.query("select table_name from information_schema.tables where table_schema = 'published' "
                           "order by table_name")["table_name"].tolist()
        con = duckdb.connect()
        for name in names:
            con.register("incoming", self.read_table("published", name))
            con.execute(f"create table {ident(name)} as select * from incoming")
            con.unregister("incoming")
        docs = self.query("select c.relname as table_name, a.attname as column_name, "
                          "col_description(c.oid, a.attnum) as column_doc, obj_description(c.oid) as table_doc "
                          "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                          "join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped "
                          "where n.nspname = 'published'")
        for name in names:
            rows = docs[docs.table_name == name]
            describe(con.execute, ident(name), {"": next((d for d in rows.table_doc if d), None),
                                                **dict(zip(rows.column_name, rows.column_doc, strict=True))})
        return con

    @contextmanager
    def _swapping(self) -> Iterator:
        """A connection for changing which schema is `published`: readers holding it past the lock timeout
        refuse the change (PublicationRefused), the previous publication still live."""
        con = self.connect()
        try:
            yield con
        except Exception as error:
            if _locked(error):
                raise _refused() from None
            raise
        finally:
            con.close()

    def _kept_schemas(self) -> list[str]:
        """Schemas of earlier publications, oldest first."""
        frame = self.query("select schema_name from information_schema.schemata where schema_name like %s "
                           "order by schema_name", [KEPT_PREFIX + "%"])
        return list(frame["schema_name"])

    def _version_of(self, schema: str) -> str | None:
        """The version a kept schema holds (its name is the version in lower case)."""
        frame = self.query(f'select max(version) as version from {ident(schema)}.{MANIFEST_TABLE}')
        return frame["version"][0]


def kept_schema(version: str) -> str:
    return KEPT_PREFIX + version.lower()


def ensure_reader_role(cur) -> None:
    """`wellled_reader`: login, read-only transactions, and (by grants) the published schema only."""
    cur.execute("select 1 from pg_roles where rolname = %s", [READER_ROLE])
    password = settings.reader_password()
    if not cur.fetchone():
        cur.execute(f"create role {READER_ROLE} login")
    if password:
        cur.execute(f"alter role {READER_ROLE} password {quote(password)}")
    cur.execute(f"alter role {READER_ROLE} set default_transaction_read_only = on")
    cur.execute("select current_database()")
    database = cur.fetchone()[0]
    # Nothing by default: no temporary tables, no objects in public.
    cur.execute(f'revoke temporary on database {ident(database)} from public')
    cur.execute("revoke create on schema public from public")


def pg_type(duckdb_type: str) -> str | None:
    """The PostgreSQL type of a DuckDB column type; None for one without (a list, struct or map)."""
    if decimal := re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", duckdb_type):
        return f"numeric({decimal[1]},{decimal[2]})"
    return PG_TYPES.get(duckdb_type)


def copy_csv(cur, target: str, rows: IO[str], columns: Sequence[str] | None = None) -> None:
    """COPY CSV lines (no header) into table `target` (SQL, already quoted), in the order of `columns` when given:
    every write of rows into PostgreSQL goes through here."""
    names = f" ({', '.join(ident(c) for c in columns)})" if columns else ""
    cur.copy_expert(f"copy {target}{names} from stdin with (format csv)", rows)


def copy_duckdb_tables(duck: duckdb.DuckDBPyConnection, cur, schema: str, tables: Sequence[str],
                       scratch: Path) -> None:
    """Create each of `tables` (DuckDB schema `main`) in PostgreSQL schema `schema` with its rows and the
    descriptions BI tools show; rows go through a CSV file DuckDB writes at `scratch`, streamed into COPY. A
    column whose type has no PostgreSQL equivalent is refused, naming it."""
    try:
        for table in tables:
            columns = duck.execute("select column_name, data_type, comment from duckdb_columns() where "
                                   "schema_name = 'main' and table_name = ? order by column_index", [table]).fetchall()
            unknown = [(name, kind) for name, kind, _ in columns if pg_type(kind) is None]
            if unknown:
                raise NotSupported(f"{table}.{unknown[0][0]} is of DuckDB type {unknown[0][1]}, which has no "
                                   "PostgreSQL type here: publish it as a scalar type")
            target = f"{ident(schema)}.{ident(table)}"
            cur.execute(f"create table {target} ({', '.join(f'{ident(n)} {pg_type(k)}' for n, k, _ in columns)})")
            duck.execute(f"copy main.{ident(table)} to {quote(str(scratch))} (format csv, header false)")
            with scratch.open(encoding="utf-8") as rows:
                copy_csv(cur, target, rows)
            comment = duck.execute("select comment from duckdb_tables() where schema_name = 'main' and "
                                   "table_name = ?", [table]).fetchone()[0]
            describe(cur.execute, target, {"": comment, **{name: text for name, _, text in columns}})
    finally:
        scratch.unlink(missing_ok=True)


def pg_params(url: str) -> dict[str, str]:
    """host, port, user, password, dbname of a postgresql:// URL (a socket folder may come as ?host=)."""
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    return {"host": query.get("host", [parsed.hostname or "localhost"])[0],
            "port": str(query.get("port", [parsed.port or 5432])[0]),
            "user": unquote(parsed.username or "postgres"), "password": unquote(parsed.password or ""),
            "dbname": (parsed.path or "/postgres").lstrip("/") or "postgres"}


def _reset_table(cur, table: str) -> None:
    """Empty the table, keeping the dbt views built on it; recreate it only when its columns changed."""
    cur.execute("select column_name from information_schema.columns where table_schema = %s and "
                "table_name = %s order by ordinal_position", [RAW, table])
    if [c for (c,) in cur.fetchall()] == schemas.column_names(table):
        cur.execute(f"truncate {RAW}.{table}")
        return
    cur.execute(f"drop table if exists {RAW}.{table} cascade")  # dbt rebuilds the dependent views
    cur.execute(f"create table {RAW}.{table} ({ddl(table, PG_TYPES)})")


def _copy(cur, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    cols = schemas.columns(table)
    out = frame[[c.name for c in cols]].copy()
    for c in cols:
        if c.type in ("INTEGER", "BIGINT"):
            out[c.name] = pd.to_numeric(out[c.name]).astype("Int64")
    import psycopg2

    try:
        copy_csv(cur, f"{RAW}.{table}", _csv(out), [c.name for c in cols])
    except psycopg2.DataError as error:
        raise engine_error(table, frame, error) from None


def _copy_comments(cur, table: str) -> None:
    source = f"marts.{ident(table)}"
    cur.execute("select obj_description(%s::regclass, 'pg_class')", [source])
    comment = cur.fetchone()[0]
    cur.execute("select a.attname, col_description(a.attrelid, a.attnum) from pg_attribute a "
                "where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped", [source])
    describe(cur.execute, f"candidate.{ident(table)}", {"": comment, **dict(cur.fetchall())})


def _write_manifest(cur, release: Release, frame: pd.DataFrame) -> None:
    table = MANIFEST_TABLE
    columns = ", ".join(f'{ident(name)} {kind}' for name, kind in _MANIFEST_TYPES.items())
    cur.execute(f"create table candidate.{table} ({columns})")
    copy_csv(cur, f"candidate.{table}", _csv(frame[list(_MANIFEST_TYPES)]))
    describe(cur.execute, f"candidate.{table}", release.manifest_docs)


def _csv(frame: pd.DataFrame) -> io.StringIO:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False)
    buffer.seek(0)
    return buffer


def _lock_published(cur) -> None:
    cur.execute("select table_name from information_schema.tables where table_schema = 'published'")
    tables = ", ".join(f'published.{ident(t)}' for (t,) in cur.fetchall())
    if tables:
        cur.execute(f"lock table {tables} in access exclusive mode")


def _keep_published(cur, version: str) -> None:
    """Rename `published` (holding `version`) to its kept schema, which the reader cannot read."""
    cur.execute(f"alter schema published rename to {kept_schema(version)}")
    cur.execute(f"revoke all on schema {kept_schema(version)} from {READER_ROLE}")


def _current_version(cur) -> str | None:
    cur.execute("select 1 from information_schema.tables where table_schema = 'published' and table_name = %s",
                [MANIFEST_TABLE])
    if not cur.fetchone():
        return None
    cur.execute(f"select max(version) from published.{MANIFEST_TABLE}")
    return cur.fetchone()[0]


def _locked(error: Exception) -> bool:
    return type(error).__name__ == "LockNotAvailable"


def _refused() -> PublicationRefused:
    return PublicationRefused(f"the published schema stayed locked by readers for {lock_timeout()}; the "
                              "previous publication stays live. Run the refresh again.")
