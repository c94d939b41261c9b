"""What the Dagster UI shows: every asset described, grouped, owned and kinded; every check described."""

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.defs.models.assets import describe_test

GROUPS = {"sources", "seeds", "staging", "intermediate", "marts", "publication"}
GRAPH = defs.resolve_asset_graph()


@pytest.mark.parametrize("key", sorted(GRAPH.get_all_asset_keys(), key=lambda k: k.to_user_string()),
                         ids=lambda k: k.to_user_string())
def test_every_asset_has_a_description_group_owner_and_kinds(key):
    node = GRAPH.get(key)
    name = key.to_user_string()
    assert node.description and len(node.description) > 20, f"{name}: no useful description"
    assert node.group_name in GROUPS, f"{name} is in group {node.group_name}"
    assert node.owners == ["team:wellled-data-engineering"], name
    assert node.kinds, f"{name} has no kinds"


def test_every_check_has_a_description_that_says_what_it_tests_and_whether_it_blocks():
    checks = list(GRAPH.asset_check_keys)
    assert len(checks) > 100  # the GX gates and one per dbt test
    for check in checks:
        description = GRAPH.get_check_spec(check).description
        assert description, f"{check.asset_key.to_user_string()}:{check.name} has no description"
        if not check.name.startswith("gx_"):
            assert description.startswith(f"dbt test `{check.name}`:"), description
            assert "Blocking" in description or "Warning only" in description, description


def test_dbt_test_descriptions_name_the_column_model_and_rule():
    assert describe_test({"name": "not_null_dim_organisation_org_code", "column_name": "org_code",
                          "attached_node": "model.wellled.dim_organisation", "config": {"severity": "ERROR"},
                          "test_metadata": {"name": "not_null", "kwargs": {"column_name": "org_code"}}}) == (
        "dbt test `not_null_dim_organisation_org_code`: `org_code` of dim_organisation is never null. "
        "Blocking: a failure stops downstream models and the publication.")
    rules = describe_test({"name": "column_rules_fct_board_composition", "config": {},
                           "attached_node": "model.wellled.fct_board_composition",
                           "test_metadata": {"name": "column_rules", "kwargs": {
                               "keys": [["org_code", "as_at_date"]], "not_null": ["org_code", "as_at_date"],
                               "accepted_values": {"nation": ["England"]},
                               "accepted_range": {"women_pct": {"min_value": 0, "max_value": 100},
                                                  "members": {"min_value": 0}}}}})
    assert ("in fct_board_composition, one row per (org_code, as_at_date); `org_code`, `as_at_date` never null; "
            "`nation` one of: England; "
            "`women_pct` between 0 and 100; `members` at least 0. Blocking") in rules
    related = describe_test({"name": "rel", "attached_node": "model.wellled.fct_wres_indicators", "config": {},
                             "test_metadata": {"name": "relationships", "kwargs": {
                                 "column_name": "org_code", "to": "ref('dim_organisation')", "field": "org_code"}}})
    assert "every `org_code` of fct_wres_indicators exists in dim_organisation.org_code." in related
    singular = describe_test({"name": "assert_x", "config": {}, "depends_on": {"nodes": ["model.wellled.m"]},
                              "raw_code": "{#\n  Privacy: no member attributes\n  in marts.\n#}\nselect 1"})
    assert "Privacy: no member attributes in marts." in singular


def test_the_publication_says_where_it_is_how_many_versions_are_kept_and_how_to_roll_back():
    metadata = GRAPH.get(dg.AssetKey(["publication", "wellled"])).metadata
    assert str(metadata["published_file"].value).endswith("published/wellled.duckdb")
    assert metadata["versions_kept"] == 5 or getattr(metadata["versions_kept"], "value", None) == 5
    assert "wellled publish --rollback" in str(metadata["rollback"])
    assert "read-only" in str(metadata["bi_access"])


def test_every_job_sensor_and_schedule_is_described():
    jobs = [job for job in defs.resolve_all_job_defs() if not job.name.startswith("__")]
    assert {"national_refresh", "ingest_staff_survey_by_period", "ingest_wres_by_period", "ingest_board_by_period",
            "build_and_publish"} <= {job.name for job in jobs}
    for definition in [*jobs, *defs.sensors, *defs.schedules]:
        assert definition.description, definition.name
