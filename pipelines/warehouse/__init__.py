"""The warehouse engine boundary: the only code that knows DuckDB from PostgreSQL.

`current()` picks the engine from the settings (PostgreSQL when WELLLED_WAREHOUSE_URL is set, else the DuckDB
build file); everything else holds a `Warehouse` (base.py) and never asks which one it is. Dagster assets get
it as the `warehouse` resource (resource.py).

The engines (duckdb_engine.py, postgres_engine.py, with DuckDB and pandas) load when first used, not with the
Dagster definitions, which only name the resource.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from .duckdb_engine import DuckDBWarehouse, connect, open_duckdb
    from .postgres_engine import PostgresWarehouse

__all__ = ["MANIFEST_TABLE", "DuckDBWarehouse", "NotSupported", "PostgresWarehouse", "PublicationRefused", "Release",
           "RespondentsLoad", "Warehouse", "WarehouseUnreachable", "connect", "current", "open_duckdb"]

_ENGINE_NAMES = {"DuckDBWarehouse": "duckdb_engine", "connect": "duckdb_engine", "open_duckdb": "duckdb_engine",
                 "PostgresWarehouse": "postgres_engine"}


def __getattr__(name: str) -> Any:
    if name not in _ENGINE_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_ENGINE_NAMES[name]}"), name)


def current() -> Warehouse:
    """The warehouse the settings select: PostgreSQL when WELLLED_WAREHOUSE_URL is set, else DuckDB."""
    url = settings.warehouse_url()
    if url:
        from .postgres_engine import PostgresWarehouse
        return PostgresWarehouse(url)
    from .duckdb_engine import DuckDBWarehouse
    return DuckDBWarehouse(settings.build_db_path(), settings.published_dir())
