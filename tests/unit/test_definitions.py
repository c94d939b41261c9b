"""The code location loads cleanly, and every asset is described, grouped and owned."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs

ROOT = Path(__file__).resolve().parents[2]
GROUPS = {"sources", "seeds", "staging", "intermediate", "marts", "publication"}


def test_dagster_definitions_validate(tmp_path):
    dagster = Path(sys.executable).parent / "dagster"
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    done = subprocess.run([str(dagster), "definitions", "validate", "-w", "workspace.yaml"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_asset_is_described_grouped_and_owned():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description, f"{key.to_user_string()} has no description"
        assert node.group_name in GROUPS, f"{key.to_user_string()} is in group {node.group_name}"
        assert node.owners, f"{key.to_user_string()} has no owner"


def test_every_raw_table_and_contract_mart_has_a_blocking_gate():
    graph = defs.resolve_asset_graph()
    gx = {check for check in graph.asset_check_keys if check.name.startswith("gx_")}
    assets = {check.asset_key.to_user_string() for check in gx}
    assert {"raw/ods_trusts", "raw/staff_survey_scores", "raw/wres_returns", "raw/board_registers",
            "marts/dim_organisation", "marts/fct_staff_survey_scores", "marts/fct_wres_indicators",
            "marts/fct_board_composition"} <= assets
    for check in gx:
        assert graph.get_check_spec(check).blocking, check


def test_national_refresh_covers_every_asset():
    job = defs.resolve_job_def("national_refresh")
    assert isinstance(job, dg.JobDefinition)
    assert dg.AssetKey(["publication", "wellled"]) in job.asset_layer.asset_graph.get_all_asset_keys()


def test_respondent_refresh_runs_only_the_checks_of_what_the_respondent_data_feeds():
    """It rebuilds the seeds and the staging view the respondent models read, but their checks belong to the
    national refresh: some read tables only a national refresh builds, absent from a new warehouse."""
    from pipelines.defs.respondents.jobs import respondent_refresh

    graph = defs.resolve_asset_graph()
    fed = dg.AssetSelection.assets(dg.AssetKey(["raw", "staff_survey_respondents"])).downstream().resolve(graph)
    checks = respondent_refresh.selection.resolve_checks(graph)
    assert {check.name for check in checks} >= {"gx_raw_staff_survey_respondent_sample",
                                                "gx_fct_staff_survey_respondent_scores"}
    assert not {f"{'/'.join(c.asset_key.path)}:{c.name}" for c in checks if c.asset_key not in fed}
    assert dg.AssetKey(["staging", "stg_staff_survey__organisations"]) in respondent_refresh.selection.resolve(graph)
