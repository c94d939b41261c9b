"""The warehouse as a Dagster resource, for the assets that open the build warehouse."""

from __future__ import annotations

import dagster as dg

from . import current
from .base import Warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The build warehouse of the settings (DuckDB, or PostgreSQL when WELLLED_WAREHOUSE_URL is set), chosen when
    a step asks for it, so a run follows the environment it was launched in, as the CLI does."""

    def get(self) -> Warehouse:
        return current()
