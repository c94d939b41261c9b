"""respondent_refresh: the respondent-level data alone, from landing to publication."""

import dagster as dg

from ...sources import respondents as src
from ..common import REFRESH_TAG, raw_key

_respondents = dg.AssetSelection.assets(raw_key(src.TABLE))
_downstream = _respondents.downstream()
_models = _downstream - dg.AssetSelection.groups("publication")
# What the respondent models read from the rest of the warehouse (seeds, another source's staging view) is
# rebuilt without its checks: those belong to the national refresh, and some read seeds and models this job
# does not build (in a warehouse no national refresh has filled, they would fail for want of a table).
_context = _models.upstream() - (dg.AssetSelection.groups("sources") - _respondents) - _downstream
# The respondent data, the dbt models built from it (but no other source's ingest), their gates, and the
# publication.
respondent_refresh = dg.define_asset_job(
    "respondent_refresh",
    selection=_context.without_checks() | _downstream,
    description="Ingest respondent-level survey data, score it in the warehouse, gate it and publish. The other "
                "sources keep what the last national refresh loaded.",
    tags={REFRESH_TAG: "respondent_refresh"},
    executor_def=dg.in_process_executor,
)
