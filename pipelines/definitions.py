"""The single Dagster Definitions object of the wellled code location (see workspace.yaml)."""

from __future__ import annotations

import dagster as dg

from .defs.checks import mart_checks, raw_checks
from .defs.dbt import dbt_models, dbt_resource
from .defs.ingest import ingest_assets
from .defs.jobs import national_refresh
from .defs.publish import published_warehouse
from .progress import progress_console

defs = dg.Definitions(
    assets=[*ingest_assets, dbt_models, published_warehouse],
    asset_checks=[*raw_checks, *mart_checks],
    jobs=[national_refresh],
    resources={"dbt": dbt_resource},
    loggers={"console": progress_console},
)
