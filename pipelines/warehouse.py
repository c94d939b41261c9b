"""Connections to the build warehouse and writing raw tables with the types of `sources.schemas`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from . import settings
from .sources import schemas


@contextmanager
def connect(path: Path | None = None, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is always closed: the build file admits one writer and no reader beside it."""
    path = path or settings.build_db_path()
    if read_only:
        con = duckdb.connect(str(path), read_only=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), config={"storage_compatibility_version": settings.DUCKDB_STORAGE_VERSION})
    try:
        yield con
    finally:
        con.close()


def replace_raw_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Create or replace raw.<table> with exactly the contract's columns and types, in one transaction."""
    cols = schemas.columns(table)
    select = ", ".join(f'cast("{c.name}" as {c.type}) as "{c.name}"' for c in cols)
    ddl = ", ".join(f'"{c.name}" {c.type}' for c in cols)
    con.execute("begin transaction")
    try:
        con.execute("create schema if not exists raw")
        if frame.empty:
            con.execute(f"create or replace table raw.{table} ({ddl})")
        else:
            con.register("incoming", frame[[c.name for c in cols]])
            con.execute(f"create or replace table raw.{table} as select {select} from incoming")
            con.unregister("incoming")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(frame)
