"""respondent_refresh: the respondent-level data alone, from landing to publication."""

import dagster as dg

from ...sources import respondents as src
from ..common import REFRESH_TAG, raw_key

RESPONDENT_SEEDS = ("staff_survey_question_crosswalk", "staff_survey_response_scales", "staff_survey_score_items")
_respondents = dg.AssetSelection.assets(raw_key(src.TABLE))
_downstream = _respondents.downstream()
_models = _downstream - dg.AssetSelection.groups("publication")
# The respondent data, the dbt models built from it (with the seeds they read, but no other source's ingest),
# their gates, and the publication. The seeds' own tests are left to the national refresh: some relate them
# to seeds and marts this job does not build (with a check left out, dagster-dbt selects tests one by one).
respondent_refresh = dg.define_asset_job(
    "respondent_refresh",
    selection=((_models.upstream() - (dg.AssetSelection.groups("sources") - _respondents)) | _downstream)
    - dg.AssetSelection.checks_for_assets(*(dg.AssetKey(["seeds", seed]) for seed in RESPONDENT_SEEDS)),
    description="Ingest respondent-level survey data, score it in the warehouse, gate it and publish. The other "
                "sources keep what the last national refresh loaded.",
    tags={REFRESH_TAG: "respondent_refresh"},
    executor_def=dg.in_process_executor,
)
