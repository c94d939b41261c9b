"""Jobs: the unpartitioned national refresh of every source, model, gate and the publication."""

from __future__ import annotations

import dagster as dg

# Runs carrying this tag are queued one at a time (dagster.yaml, concurrency.runs.tag_concurrency_limits):
# two refreshes interleaving their steps would publish one run's raw tables under the other's gates.
REFRESH_TAG = "wellled/build_warehouse"

national_refresh = dg.define_asset_job(
    "national_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every landed source, build the dbt models, run every quality gate and, when all "
                "blocking gates pass, publish a new version of the warehouse. One refresh runs at a time.",
    tags={REFRESH_TAG: "national_refresh"},
    # Every step opens the build file, so the pool of one runs them one after another anyway; running them
    # in the run's own process (as `wellled refresh` does) saves a Python start-up, a definitions load and a
    # pool wait per step, which together cost more than most steps' own work.
    executor_def=dg.in_process_executor,
)
