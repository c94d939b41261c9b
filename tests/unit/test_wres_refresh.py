"""The WRES board cross-check without a refresh: its gate warns without blocking, and it is a Dagster check."""

from __future__ import annotations

import pandas as pd

from pipelines import quality


def test_a_board_mismatch_warns_naming_the_trust_without_blocking():
    frame = pd.DataFrame([
        dict(org_code="RXA", reporting_year=2025, board_group="voting", return_white=8, return_bme=2,
             return_unknown=0, has_register=True, register_members=10,
             is_consistent_with_register=True),
        dict(org_code="RXB", reporting_year=2025, board_group="voting", return_white=7, return_bme=3,
             return_unknown=0, has_register=True, register_members=10,
             is_consistent_with_register=False),
        dict(org_code="RXC", reporting_year=2025, board_group="voting", return_white=7, return_bme=3,
             return_unknown=0, has_register=False, register_members=None,
             is_consistent_with_register=None),
    ])
    outcome = quality.validate("fct_wres_board_cross_check", frame)
    assert outcome.status != "passed" and not outcome.blocking
    failed = {f.column: f for f in outcome.failed}
    assert set(failed) == {"is_consistent_with_register", "has_register"}
    assert all(f.severity == "warning" for f in failed.values())
    assert [s["org_code"] for s in failed["is_consistent_with_register"].sample] == ["RXB"]
    assert [s["org_code"] for s in failed["has_register"].sample] == ["RXC"]


def test_the_cross_check_is_a_dagster_check_on_the_comparison_model_and_the_published_table():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert ("marts/fct_wres_board_cross_check", "gx_fct_wres_board_cross_check") in checks
    assert ("marts/fct_wres_benchmarks", "gx_fct_wres_benchmarks") in checks
    assert any(asset == "intermediate/int_wres__board_cross_check" and "is_consistent_with_register" in name
               for asset, name in checks)
