"""One publication read into memory: every published table, its descriptions and its manifest.

Only the published warehouse is read (the current DuckDB file, or the `published` schema on PostgreSQL), with
one connection, so everything built from it belongs to one version. Columns are looked up by name and may be
missing: other parts of the warehouse grow while the profiles are built from whatever is there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

MANIFEST = "publication_manifest"


class PublicationMissing(RuntimeError):
    """There is no publication to build from."""


@dataclass
class Publication:
    version: str
    run_id: str
    published_at: str
    tables: dict[str, pd.DataFrame]
    table_docs: dict[str, str] = field(default_factory=dict)
    column_docs: dict[str, dict[str, str]] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """The table, or an empty frame when this publication does not have it."""
        return self.tables.get(name, pd.DataFrame())

    def has_rows(self, name: str) -> bool:
        return len(self.table(name)) > 0


def load_duckdb(path: Path) -> Publication:
    if not path.exists():
        raise PublicationMissing(f"no published warehouse at {path}: run `wellled refresh` (or `make demo`) first.")
    with duckdb.connect(str(path), read_only=True) as con:
        names = [t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'main' "
                                           "order by table_name").fetchall()]
        tables = {name: con.execute(f'select * from "{name}"').df() for name in names}
        table_docs = dict(con.execute("select table_name, comment from duckdb_tables() where schema_name = 'main' "
                                      "and comment is not null").fetchall())
        column_docs: dict[str, dict[str, str]] = {}
        for table, column, text in con.execute("select table_name, column_name, comment from duckdb_columns() "
                                               "where schema_name = 'main' and comment is not null").fetchall():
            column_docs.setdefault(table, {})[column] = text
    return _publication(tables, table_docs, column_docs, str(path))


def load_postgres(store) -> Publication:
    """The `published` schema of the PostgreSQL warehouse (`warehouse.PostgresWarehouse`)."""
    names = store.query("select table_name from information_schema.tables where table_schema = 'published' "
                        "order by table_name")["table_name"].tolist()
    tables = {name: store.read_table("published", name) for name in names}
    docs = store.query("select c.relname as table_name, a.attname as column_name, "
                       "col_description(c.oid, a.attnum) as column_doc, obj_description(c.oid) as table_doc "
                       "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                       "join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped "
                       "where n.nspname = 'published'")
    table_docs = {r.table_name: r.table_doc for r in docs.itertuples() if r.table_doc}
    column_docs: dict[str, dict[str, str]] = {}
    for r in docs.itertuples():
        if r.column_doc:
            column_docs.setdefault(r.table_name, {})[r.column_name] = r.column_doc
    return _publication(tables, table_docs, column_docs, store.describe())


def _publication(tables, table_docs, column_docs, where: str) -> Publication:
    manifest = tables.get(MANIFEST)
    if manifest is None or manifest.empty:
        raise PublicationMissing(f"{where} has no {MANIFEST}: it is not a wellled publication.")
    first = manifest.iloc[0]
    return Publication(str(first["version"]), str(first["run_id"]), str(first["published_at"])[:19], tables,
                       table_docs, column_docs)


def load_current() -> Publication:
    """The publication BI tools see now, on either engine."""
    from .. import settings, warehouse

    store = warehouse.current()
    if store.engine == "postgres":
        return load_postgres(store)
    return load_duckdb(settings.published_db_path())


def first_column(frame: pd.DataFrame, *names: str) -> str | None:
    """The first of `names` that the frame has (columns are read by name, never by position)."""
    return next((n for n in names if n in frame.columns), None)
