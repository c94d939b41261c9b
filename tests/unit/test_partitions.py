"""Partitioned jobs as defined: one partition set per source period, and build_and_publish gated."""

from pipelines.definitions import defs
from pipelines.defs.sources.jobs import PARTITIONS, job_name
from pipelines.sources.schemas import SOURCE_TABLES


def test_partitions_follow_each_source_period_and_build_and_publish_gates_before_publishing():
    assert {s: PARTITIONS[s].name for s in PARTITIONS} == {
        "staff_survey": "staff_survey_survey_years", "wres": "wres_reporting_years", "board": "board_as_at_dates",
        "sickness_absence": "sickness_absence_months", "cqc_ratings": "cqc_ratings_release_dates", "fft": "fft_months"}
    for source, partitions in PARTITIONS.items():
        job = defs.resolve_job_def(job_name(source))
        assert job.partitions_def == partitions
    national = defs.resolve_job_def("national_refresh")
    assert national.partitions_def is None
    build = defs.resolve_job_def("build_and_publish")
    assert build.partitions_def is None
    assert not any(k.path[0] == "raw" for k in build.asset_layer.executable_asset_keys)
    # dbt waits for every raw gate (blocking), so a bad raw table stops the build and the publication.
    upstream = {o.node.name for outs in build.graph.dependency_structure.input_to_upstream_outputs_for_node(
        "dbt_models").values() for o in outs}
    assert {f"raw__{t}_gx_raw_{t}" for s in SOURCE_TABLES.values() for t in s} <= upstream
