"""The single Dagster Definitions object of the wellled code location (see workspace.yaml)."""

from __future__ import annotations

import dagster as dg

from .defs.checks import mart_checks, raw_checks
from .defs.dbt import dbt_models, dbt_resource
from .defs.ingest import ingest_assets
from .defs.jobs import national_refresh
from .defs.partitions import build_and_publish, period_jobs
from .defs.profiles import profile_site
from .defs.publish import published_warehouse
from .defs.respondents import respondent_assets, respondent_checks, respondent_refresh
from .defs.schedules import schedules
from .defs.sensors import sensors
from .progress import progress_console
from .warehouse.resource import WarehouseResource

defs = dg.Definitions(
    assets=[*ingest_assets, *respondent_assets, dbt_models, published_warehouse, profile_site],
    asset_checks=[*raw_checks, *respondent_checks, *mart_checks],
    jobs=[national_refresh, *period_jobs, build_and_publish, respondent_refresh],
    schedules=schedules,
    sensors=sensors,
    resources={"dbt": dbt_resource, "warehouse": WarehouseResource()},
    # Also for runs of the implicit asset job (materialising a selection in the UI): steps one at a time in
    # the run's process, as the build-file pool of one requires anyway.
    executor=dg.in_process_executor,
    loggers={"console": progress_console},
)
