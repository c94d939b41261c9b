"""Jobs: the unpartitioned national refresh of every source, model, gate and the publication, and the
build-and-publish step that follows partitioned ingest runs."""

from __future__ import annotations

import dagster as dg

from ..common import REFRESH_TAG
from ..models import assets as models
from ..models import checks as model_checks
from ..sources import checks as source_checks
from ..sources.jobs import PERIODS
from . import assets as publication

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

# dbt (with its tests), every Great Expectations gate (on the raw tables too, which this job reads but does
# not write) and the publication: what national_refresh does after ingest.
build_and_publish = dg.define_asset_job(
    "build_and_publish",
    selection=(dg.AssetSelection.assets(models.dbt_models, publication.published_warehouse,
                                     publication.profile_site)
               | dg.AssetSelection.checks(*source_checks.raw_checks, *model_checks.mart_checks)),
    description="Build the dbt models, run every quality gate (raw tables included) and, when all blocking "
                "gates pass, publish: the step after partitioned ingest runs (ingest_<source>_by_period for "
                f"{', '.join(PERIODS)}). Ingests nothing. One at a time with national refreshes.",
    tags={REFRESH_TAG: "build_and_publish"},
    executor_def=dg.in_process_executor,
)
