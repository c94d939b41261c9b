"""What the pipeline asks of a warehouse engine, whichever it is (`Warehouse`), and what publication hands it.

Read from the call sites: ingest writes raw tables, the gates and the CLI read tables, dbt gets its target and
environment, the respondent ingest copies files by the engine itself, and publication writes a version and
makes it current in one atomic step, lists, keeps and rolls back versions. What a publication contains (the
manifest, its descriptions, formulas shown as text) and which versions are kept are decided above, in
`pipelines/publish.py`; an engine only carries them out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..sources.landing import LandedFile

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

# Every publication carries this table, one row per item, each with the publication's `version`.
MANIFEST_TABLE = "publication_manifest"


class WarehouseUnreachable(RuntimeError):
    """The warehouse server cannot be reached: the message says where, never with a traceback."""


class PublicationRefused(RuntimeError):
    """Nothing is published (a gate failed, readers held the publication): the previous one stays live."""


class NotSupported(RuntimeError):
    """Input this engine cannot take yet: the message says which and what to do instead."""


@dataclass(frozen=True)
class Release:
    """One version of the gated marts, as publication defines it, for an engine to write and make current."""

    version: str
    manifest_docs: dict[str, str]  # "" describes the table itself
    manifest: Callable[[dict[str, int]], pd.DataFrame]  # its rows, from the published tables' row counts
    # SQL updates for a schema's text columns [(table, column)]: how formulas are shown as text.
    text_rewrites: Callable[[str, list[tuple[str, str]]], list[str]]


@dataclass
class RespondentsLoad:
    files: list[dict]  # rows of raw.landing_files
    rows: int


class Reader(Protocol):
    """Reads of the build warehouse."""

    def read_table(self, schema: str, table: str) -> pd.DataFrame: ...

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """A read-only query in the engine's own SQL."""

    def landed_sources(self) -> set[str]:
        """The sources with rows in raw.landing_files."""


class OneShotReads:
    """A warehouse's own read methods: each opens a connection through the engine's `reading()` for one read."""

    def read_table(self, schema: str, table: str) -> pd.DataFrame:
        with self.reading() as reader:
            return reader.read_table(schema, table)

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self.reading() as reader:
            return reader.query(sql, params)

    def landed_sources(self) -> set[str]:
        with self.reading() as reader:
            return reader.landed_sources()


class Warehouse(Reader, Protocol):
    """Its read methods (`Reader`'s) each open a connection for one read; `reading` holds one for several."""

    engine: str  # "duckdb" or "postgres": for messages and metadata, never to branch on
    dbt_target: str

    def describe(self) -> str:
        """Where the build warehouse is, for people."""

    def dbt_env(self) -> dict[str, str]:
        """The environment dbt needs to build in this warehouse (profiles.yml reads it)."""

    # The build warehouse.
    def write_source(self, source: str, tables: dict[str, pd.DataFrame], files: list[dict]) -> None:
        """Replace a source's raw tables and its landing_files rows in one transaction."""

    def write_periods(self, source: str, periods: list[str], tables: dict[str, pd.DataFrame],
                      files: list[dict]) -> None:
        """Replace only the given periods' raw rows and landing_files rows of a source, in one transaction."""

    def load_respondents(self, files: list[LandedFile], log: Callable[[str], None]) -> RespondentsLoad:
        """Copy respondent-level files into raw.staff_survey_respondents by the engine itself (never through
        pandas), with their landing_files rows, in one transaction; every raw table exists afterwards."""

    def reading(self) -> AbstractContextManager[Reader]:
        """One connection for several reads (a gate reads its table and the landed sources): opening one costs
        more than reading a small table."""

    # The publication.
    def publish_version(self, release: Release) -> dict[str, int]:
        """Write the release beside the current publication and make it current in one atomic step; return the
        rows of each published table. Readers see the old version or the new one, never a mix."""

    def make_current(self, version: str) -> None:
        """Make a kept version current again, in one atomic step."""

    def current_version(self) -> str | None: ...

    def versions(self) -> list[str]:
        """Every version held, the current one included, oldest first."""

    def retain(self, versions: Collection[str]) -> None:
        """Drop every held version not in `versions` (never the current one), and leftovers of interrupted
        publications. A version still in use by a reader may be left for the next publication."""

    def published_location(self) -> str:
        """Where BI tools read the current publication."""

    def published_counts(self) -> dict[str, int]:
        """Rows of each table of the current publication (empty when there is none)."""

    def open_published(self) -> duckdb.DuckDBPyConnection | None:
        """The current publication in DuckDB, for reading by bare table name with its descriptions (the
        profile site's SQL); None when nothing is published. The caller closes it."""


def quote(text: str) -> str:
    """A SQL string literal (both engines)."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A SQL identifier, quoted (both engines): any name, whatever its case or characters."""
    return '"' + str(name).replace('"', '""') + '"'


def describe(execute: Callable[[str], object], table: str, docs: Mapping[str, str | None]) -> None:
    """Write descriptions as comments, as BI tools show them (both engines): `docs[""]` describes `table` (SQL,
    already quoted), every other key the column of that name; empty ones are left out."""
    for column, text in docs.items():
        if text:
            target = f"column {table}.{ident(column)}" if column else f"table {table}"
            execute(f"comment on {target} is {quote(str(text))}")
