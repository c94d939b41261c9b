"""The warehouse engine boundary: the only code that knows DuckDB from PostgreSQL.

`current()` picks the engine from the settings (PostgreSQL when WELLLED_WAREHOUSE_URL is set, else the DuckDB
build file); everything else holds a `Warehouse` (base.py) and never asks which one it is. Dagster assets get
it as the `warehouse` resource (resource.py).
"""

from __future__ import annotations

from .. import settings
from .base import (
    MANIFEST_TABLE,
    NotSupported,
    PublicationRefused,
    Release,
    RespondentsLoad,
    Warehouse,
    WarehouseUnreachable,
)
from .duckdb_engine import DuckDBWarehouse, connect, open_duckdb
from .postgres_engine import PostgresWarehouse

__all__ = ["MANIFEST_TABLE", "DuckDBWarehouse", "NotSupported", "PostgresWarehouse", "PublicationRefused", "Release",
           "RespondentsLoad", "Warehouse", "WarehouseUnreachable", "connect", "current", "open_duckdb"]


def current() -> Warehouse:
    """The warehouse the settings select: PostgreSQL when WELLLED_WAREHOUSE_URL is set, else DuckDB."""
    url = settings.warehouse_url()
    return PostgresWarehouse(url) if url else DuckDBWarehouse(settings.build_db_path(), settings.published_dir())
