"""Jobs: the unpartitioned national refresh of every source, model, gate and the publication."""

from __future__ import annotations

import dagster as dg

national_refresh = dg.define_asset_job(
    "national_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every landed source, build the dbt models, run every quality gate and, when all "
                "blocking gates pass, publish a new version of the warehouse.",
)
