"""The resources every domain's assets ask for by name: `dbt` (the dbt CLI on the project) and `warehouse`
(the build warehouse's engine, DuckDB or PostgreSQL)."""

import dagster as dg

from ..warehouse.resource import WarehouseResource
from .models.assets import dbt_resource


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"dbt": dbt_resource, "warehouse": WarehouseResource()})
