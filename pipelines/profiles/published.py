"""One publication, open for reading: every published table by name, its descriptions and its manifest.

Only the published warehouse is read: the current DuckDB file through one read-only connection (which keeps
the version it opened even if a newer one is published meanwhile), or the `published` schema on PostgreSQL
copied into an in-memory DuckDB. Either way everything built from a `Publication` belongs to one version and
is queried with DuckDB SQL, set-based for all organisations at once. Columns are looked up by name and may be
missing: other parts of the warehouse grow while the profiles are built from whatever is there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ..warehouse.base import MANIFEST_TABLE, ident


class PublicationMissing(RuntimeError):
    """There is no publication to build from."""


@dataclass
class Publication:
    version: str
    run_id: str
    published_at: str
    con: duckdb.DuckDBPyConnection = field(repr=False)
    names: tuple[str, ...] = ()
    table_docs: dict[str, str] = field(default_factory=dict)
    column_docs: dict[str, dict[str, str]] = field(default_factory=dict)
    column_types: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    catalog: str = "memory"  # where the tables are: the attached file, or the in-memory copy
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def table(self, name: str) -> pd.DataFrame:
        """The whole table as a data frame (read on first use), or an empty frame when it is not published."""
        if name not in self.names:
            return pd.DataFrame()
        if name not in self._frames:
            self._frames[name] = self.cursor().execute(f"select * from {ident(name)}").df()
        return self._frames[name]

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own to the same publication (one per thread), reading its tables by bare name."""
        cursor = self.con.cursor()
        cursor.execute(f"use {ident(self.catalog)}")
        return cursor

    def columns(self, name: str) -> list[str]:
        return [c for c, _ in self.column_types.get(name, [])]

    def has(self, name: str, *columns: str) -> bool:
        """The table is published and has every one of `columns`."""
        return name in self.names and set(columns) <= set(self.columns(name))

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        """A query's rows as dicts (a cursor of its own, so any thread may ask)."""
        result = self.cursor().execute(sql, params or [])
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    def close(self) -> None:
        self.con.close()


def pick(publication: Publication, table: str, *columns: str) -> str:
    """A select list of `columns`, with null for those the table lacks (so every row has every key)."""
    have = set(publication.columns(table))
    return ", ".join(ident(c) if c in have else f"null as {ident(c)}" for c in columns)


def load_duckdb(path: Path) -> Publication:
    from ..warehouse.duckdb_engine import open_published_file

    con = open_published_file(path)
    if con is None:
        raise PublicationMissing(f"no published warehouse at {path}: run `wellled refresh` (or `make demo`) first.")
    return _publication(con, str(path))


def _publication(con: duckdb.DuckDBPyConnection, where: str) -> Publication:
    here = "database_name = current_database() and schema_name = 'main'"
    names = tuple(t for (t,) in con.execute(f"select table_name from duckdb_tables() where {here} "
                                             "order by table_name").fetchall())
    if MANIFEST_TABLE not in names:
        con.close()
        raise PublicationMissing(f"{where} has no {MANIFEST_TABLE}: it is not a wellled publication.")
    table_docs = dict(con.execute(f"select table_name, comment from duckdb_tables() where {here} "
                                  "and comment is not null").fetchall())
    column_docs: dict[str, dict[str, str]] = {}
    column_types: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind, text in con.execute(
            f"select table_name, column_name, data_type, comment from duckdb_columns() where {here} "
            "order by table_name, column_index").fetchall():
        column_types.setdefault(table, []).append((column, kind))
        if text is not None:
            column_docs.setdefault(table, {})[column] = text
    first = con.execute(f"select version, run_id, published_at from {MANIFEST_TABLE} limit 1").fetchall()
    if not first:
        con.close()
        raise PublicationMissing(f"{where} has an empty {MANIFEST_TABLE}: it is not a complete wellled publication.")
    version, run_id, published_at = first[0]
    catalog = con.execute("select current_database()").fetchall()[0][0]
    return Publication(str(version), str(run_id), str(published_at)[:19], con, names, table_docs, column_docs,
                       column_types, catalog)


def load_current() -> Publication:
    """The publication BI tools see now, on either engine (the engine opens it in DuckDB)."""
    from .. import warehouse

    store = warehouse.current()
    con = store.open_published()
    if con is None:
        raise PublicationMissing(f"no published warehouse at {store.published_location()}: run `wellled refresh` "
                                 "(or `make demo`) first.")
    return _publication(con, store.published_location())

