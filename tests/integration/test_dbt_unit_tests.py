"""The dbt unit tests (worked examples of the SQL's formulas on fixed inputs) pass, and the project's own generic
column rules test fails where it should.

A refresh leaves unit tests out (pipelines/defs/models/assets.py BUILD_ARGS: they re-prove the code, not the
data), so this is where they run: on a copy of the sample refresh's build warehouse, which holds every relation
they read.
"""

import json
import shutil
from pathlib import Path

import duckdb

from pipelines import settings
from tests.helpers import build_file_name, run_dbt


def _build_copy(sample_refresh, tmp_path: Path) -> Path:
    root, status = sample_refresh
    assert status == 0, "the sample refresh did not publish"
    build_copy = tmp_path / build_file_name()
    shutil.copyfile(root / "warehouse" / "build" / "wellled.duckdb", build_copy)
    return build_copy


def test_every_dbt_unit_test_passes(sample_refresh, tmp_path):
    build_copy = _build_copy(sample_refresh, tmp_path)
    result = run_dbt("test", "--select", "test_type:unit", build_db=build_copy, work=tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]

    manifest = json.loads((settings.DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    declared = set(manifest.get("unit_tests", {}))
    ran = {r["unique_id"]: r["status"]
           for r in json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]}
    assert declared, "the manifest declares no unit tests"
    assert set(ran) == declared, f"not run: {sorted(declared - set(ran))}"
    assert set(ran.values()) == {"pass"}, {uid: s for uid, s in ran.items() if s != "pass"}


def test_column_rules_fails_naming_each_broken_rule(sample_refresh, tmp_path):
    """The one-test-per-model column rules still fail on a single bad row or a repeated key, and say which
    column(s) broke which rule."""
    build_copy = _build_copy(sample_refresh, tmp_path)
    with duckdb.connect(str(build_copy)) as con:
        con.execute("update marts.fct_wres_indicators set direction_of_good = null, value_unit = 'percent', "
                    "white_value = 101 where rowid = (select min(rowid) from marts.fct_wres_indicators)")
        last = "rowid = (select max(rowid) from marts.fct_wres_indicators)"
        [key] = con.execute("select concat_ws(', ', org_code, reporting_year, indicator_code) "
                            f"from marts.fct_wres_indicators where {last}").fetchall()
        con.execute(f"insert into marts.fct_wres_indicators select * from marts.fct_wres_indicators where {last}")
    result = run_dbt("test", "--select", "fct_wres_indicators,test_name:column_rules", "--store-failures",
                     build_db=build_copy, work=tmp_path)
    assert result.returncode == 1, result.stdout[-4000:]
    assert "Got 4 results" in result.stdout, result.stdout[-4000:]
    with duckdb.connect(str(build_copy), read_only=True) as con:
        [failures] = [f"{schema}.{table}" for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() where table_name like 'column_rules%'").fetchall()]
        assert con.execute(f"select * from {failures} order by column_name").fetchall() == [
            ("direction_of_good", "not_null", 1, None),
            ("org_code, reporting_year, indicator_code", "unique_key", 2, key[0]),
            ("value_unit", "accepted_values", 1, "percent"),
            ("white_value", "accepted_range", 1, "101.0")]
