"""Publication on PostgreSQL: copy the gated marts into `candidate`, then swap it into `published`.

The swap is one transaction with a `lock_timeout`: a long BI query on `published` delays it (and after the
timeout the publication is refused, the previous one still live) instead of hanging the refresh. The
previous publication is kept as schema `published_v<version>` (bounded), which `wellled_reader` cannot
read. BI tools connect as `wellled_reader`, which can read `published` and nothing else.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable

import pandas as pd

from .publish import MANIFEST_DOCS, MANIFEST_TABLE, Publication, PublicationRefused, quote
from .safe_text import neutralise_updates
from .warehouse import PostgresWarehouse

READER_ROLE = "wellled_reader"
KEPT_PREFIX = "published_v"
_MANIFEST_TYPES = {"version": "text", "run_id": "text", "published_at": "timestamp", "item_kind": "text",
                   "item_name": "text", "status": "text", "row_count": "bigint", "sha256": "text", "detail": "text"}


def lock_timeout() -> str:
    return os.environ.get("WELLLED_PUBLISH_LOCK_TIMEOUT", "10s")


def publish(store: PostgresWarehouse, version: str, make_manifest: Callable[[dict[str, int]], pd.DataFrame],
            keep: int) -> Publication:
    con = store.connect()
    try:
        with con, con.cursor() as cur:
            ensure_reader_role(cur)
            cur.execute("drop schema if exists candidate cascade")
            cur.execute("create schema candidate")
            cur.execute("select table_name from information_schema.tables where table_schema = 'marts' "
                        "and table_type = 'BASE TABLE' order by table_name")
            tables = [t for (t,) in cur.fetchall()]
            counts = {}
            for table in tables:
                cur.execute(f'create table candidate."{table}" as select * from marts."{table}"')
                _copy_comments(cur, table)
                cur.execute(f'select count(*) from candidate."{table}"')
                counts[table] = cur.fetchone()[0]
            _write_manifest(cur, make_manifest(counts))
            cur.execute("select table_name, column_name from information_schema.columns where table_schema = "
                        "'candidate' and data_type in ('text', 'character varying')")
            for statement in neutralise_updates("candidate", cur.fetchall()):  # formulas shown as text
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
                cur.execute(f"alter schema published rename to {_kept_schema(previous)}")
                cur.execute(f"revoke all on schema {_kept_schema(previous)} from {READER_ROLE}")
            cur.execute("alter schema candidate rename to published")
    except Exception as error:
        if type(error).__name__ == "LockNotAvailable":
            raise PublicationRefused(f"the published schema stayed locked by readers for {lock_timeout()}; "
                                     "the previous publication stays live. Run the refresh again.") from None
        raise
    finally:
        con.close()
    _prune(store, keep)
    return Publication(version, None, counts)


def ensure_reader_role(cur) -> None:
    """`wellled_reader`: login, read-only transactions, and (by grants) the published schema only."""
    cur.execute("select 1 from pg_roles where rolname = %s", [READER_ROLE])
    password = os.environ.get("WELLLED_READER_PASSWORD")
    if not cur.fetchone():
        cur.execute(f"create role {READER_ROLE} login")
    if password:
        cur.execute(f"alter role {READER_ROLE} password {quote(password)}")
    cur.execute(f"alter role {READER_ROLE} set default_transaction_read_only = on")
    cur.execute("select current_database()")
    database = cur.fetchone()[0]
    # Nothing by default: no temporary tables, no objects in public.
    cur.execute(f'revoke temporary on database "{database}" from public')
    cur.execute("revoke create on schema public from public")


def _copy_comments(cur, table: str) -> None:
    cur.execute("select obj_description(%s::regclass, 'pg_class')", [f'marts."{table}"'])
    comment = cur.fetchone()[0]
    if comment:
        cur.execute(f'comment on table candidate."{table}" is {quote(comment)}')
    cur.execute("select a.attname, col_description(a.attrelid, a.attnum) from pg_attribute a "
                "where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped", [f'marts."{table}"'])
    for column, text in cur.fetchall():
        if text:
            cur.execute(f'comment on column candidate."{table}"."{column}" is {quote(text)}')


def _write_manifest(cur, frame: pd.DataFrame) -> None:
    columns = ", ".join(f'"{name}" {kind}' for name, kind in _MANIFEST_TYPES.items())
    cur.execute(f"create table candidate.{MANIFEST_TABLE} ({columns})")
    buffer = io.StringIO()
    frame[list(_MANIFEST_TYPES)].to_csv(buffer, index=False, header=False)
    buffer.seek(0)
    cur.copy_expert(f"copy candidate.{MANIFEST_TABLE} from stdin with (format csv)", buffer)
    for column, text in MANIFEST_DOCS.items():
        target = f"column candidate.{MANIFEST_TABLE}.{column}" if column else f"table candidate.{MANIFEST_TABLE}"
        cur.execute(f"comment on {target} is {quote(text)}")


def _lock_published(cur) -> None:
    cur.execute("select table_name from information_schema.tables where table_schema = 'published'")
    tables = ", ".join(f'published."{t}"' for (t,) in cur.fetchall())
    if tables:
        cur.execute(f"lock table {tables} in access exclusive mode")


def _current_version(cur) -> str | None:
    cur.execute("select 1 from information_schema.tables where table_schema = 'published' and table_name = %s",
                [MANIFEST_TABLE])
    if not cur.fetchone():
        return None
    cur.execute(f"select max(version) from published.{MANIFEST_TABLE}")
    return cur.fetchone()[0]


def _kept_schema(version: str) -> str:
    return KEPT_PREFIX + version.lower()


def kept_versions(store: PostgresWarehouse) -> list[str]:
    """Schemas of earlier publications, oldest first."""
    frame = store.query("select schema_name from information_schema.schemata where schema_name like %s "
                        "order by schema_name", [KEPT_PREFIX + "%"])
    return list(frame["schema_name"])


def current_version(store: PostgresWarehouse) -> str | None:
    con = store.connect()
    try:
        with con.cursor() as cur:
            return _current_version(cur)
    finally:
        con.close()


def rollback(store: PostgresWarehouse) -> str:
    """Swap the newest kept publication back into `published`; the current one is kept in its place."""
    current = current_version(store)
    earlier = [s for s in kept_versions(store) if current and s < _kept_schema(current)]
    if not earlier:
        raise PublicationRefused(f"no earlier publication to roll back to (current: {current}).")
    con = store.connect()
    try:
        with con, con.cursor() as cur:
            cur.execute(f"set local lock_timeout = {quote(lock_timeout())}")
            _lock_published(cur)
            cur.execute(f"alter schema published rename to {_kept_schema(current)}")
            cur.execute(f"revoke all on schema {_kept_schema(current)} from {READER_ROLE}")
            cur.execute(f"alter schema {earlier[-1]} rename to published")
            cur.execute(f"grant usage on schema published to {READER_ROLE}")
            return _current_version(cur)
    finally:
        con.close()


def _prune(store: PostgresWarehouse, keep: int) -> None:
    """Drop the oldest kept publications; one still read by an old session is left for the next refresh."""
    con = store.connect()
    try:
        for schema in kept_versions(store)[: -keep or None]:
            try:
                with con, con.cursor() as cur:
                    cur.execute(f"set local lock_timeout = {quote(lock_timeout())}")
                    cur.execute(f"drop schema {schema} cascade")
            except Exception as error:
                if type(error).__name__ != "LockNotAvailable":
                    raise
    finally:
        con.close()


def published_counts(store: PostgresWarehouse) -> dict[str, int]:
    tables = store.query("select table_name from information_schema.tables where table_schema = 'published' "
                         "order by table_name")["table_name"]
    return {t: int(store.query(f'select count(*) as n from published."{t}"')["n"][0]) for t in tables}

