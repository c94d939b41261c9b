"""The private Dagster APIs wellled uses on purpose, each failing here with a clear message when Dagster moves it,
and the behaviour built on them: the worker health check run monitoring calls (pipelines/run_launcher.py) and
the event log that keeps its connections (pipelines/event_log.py)."""

from __future__ import annotations

import importlib
import inspect
import os
import shutil
from pathlib import Path

import dagster as dg
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _private(module: str, name: str, used_by: str):
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        pytest.fail(f"Dagster {dg.__version__} no longer has {module}.{name}, which {used_by} imports on purpose "
                    "(Dagster exports nothing in its place): find where it moved, or a public replacement, and "
                    "update that file.")


def test_run_launcher_health_check_types_still_exist():
    result = _private("dagster._core.launcher.base", "CheckRunHealthResult", "pipelines/run_launcher.py")
    status = _private("dagster._core.launcher.base", "WorkerStatus", "pipelines/run_launcher.py")
    assert {"RUNNING", "FAILED"} <= set(status.__members__), "WorkerStatus lost RUNNING or FAILED"
    assert list(inspect.signature(result).parameters)[:2] == ["status", "msg"], (
        "CheckRunHealthResult(status, msg) changed: pipelines/run_launcher.py builds it positionally")
    for hook in ("supports_check_run_worker_health", "check_run_worker_health"):
        assert hasattr(dg.DefaultRunLauncher, hook), (
            f"DefaultRunLauncher.{hook} is gone: run monitoring no longer asks launchers whether a worker is alive, "
            "so pipelines/run_launcher.py must find Dagster's new hook")


def test_run_launcher_can_still_tell_a_local_code_server():
    """launch_run tags runs whose code server is on this host; without that tag run monitoring never fails a
    run whose worker died, so the attributes it reads are checked here rather than failing silently there."""
    context = _private("dagster._core.launcher.base", "LaunchRunContext", "pipelines/run_launcher.py")
    assert {"dagster_run", "workspace"} <= set(inspect.signature(context).parameters), (
        "LaunchRunContext has no dagster_run or workspace any more (pipelines/run_launcher.py, _grpc_client)")
    location = _private("dagster._core.remote_representation.code_location", "GrpcServerCodeLocation",
                        "pipelines/run_launcher.py (it reads the code location's client)")
    client = _private("dagster._grpc.client", "DagsterGrpcClient", "pipelines/run_launcher.py (it reads its address)")
    assert "self.client = " in inspect.getsource(location.__init__), (
        "GrpcServerCodeLocation no longer has a `client` (pipelines/run_launcher.py, _grpc_client)")
    assert all(f"self.{name} = " in inspect.getsource(client.__init__) for name in ("socket", "host")), (
        "DagsterGrpcClient no longer has `socket` and `host` (pipelines/run_launcher.py, launch_run)")


def test_event_log_overrides_what_it_expects_of_dagsters_sqlite_event_log():
    storage = _private("dagster._core.storage.event_log", "SqliteEventLogStorage", "pipelines/event_log.py")
    _private("dagster._core.storage.sqlite", "SQLITE_BUSY_TIMEOUT_SECONDS", "pipelines/event_log.py")
    _private("dagster._core.storage.event_log.sqlite.sqlite_event_log", "INDEX_SHARD_NAME", "pipelines/event_log.py")
    ref = _private("dagster._core.instance.ref", "InstanceRef", "pipelines/event_log.py")
    assert "overrides" in inspect.signature(ref.from_dir).parameters, "InstanceRef.from_dir lost `overrides`"
    source = inspect.getsource(storage)
    for used in ("def _connect(self, shard", "def _initdb(self, engine", "self._initialized_dbs", "self._db_lock",
                 "def conn_string_for_shard(self", "def has_table(self, table_name", "self.index_connection()"):
        assert used in source, (f"Dagster's SqliteEventLogStorage no longer has `{used}`, which "
                                "pipelines/event_log.py overrides or relies on: check that SqliteEventLog still "
                                "stores what Dagster's class reads, then update it")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "dagster_home"
    folder.mkdir()
    shutil.copyfile(ROOT / "dagster.yaml", folder / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(folder))
    return folder


@dg.asset
def chatty(context) -> dg.MaterializeResult:
    for i in range(50):
        context.log.info(f"message {i}")
    return dg.MaterializeResult(metadata={"rows": 3})


@dg.asset_check(asset=chatty)
def chatty_check() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def test_event_log_keeps_one_engine_per_file_and_dagster_reads_what_it_wrote(home):
    from pipelines.event_log import SqliteEventLog, open_instance

    with open_instance() as instance:
        storage = instance.event_log_storage
        assert type(storage) is SqliteEventLog
        assert instance.run_launcher.__class__.__name__ == "WellledRunLauncher", "the instance settings still apply"
        assert instance.run_monitoring_enabled and storage.supports_global_concurrency_limits
        result = dg.materialize([chatty, chatty_check], instance=instance, run_config={"loggers": {}})
        assert result.success
        assert set(storage._engines) == {"index", result.run_id}, "one engine per database file"
        written = [e.dagster_event_type for e in instance.all_logs(result.run_id)]
    with dg.DagsterInstance.from_config(str(home)) as dagsters:  # as the UI and the daemon open it
        assert type(dagsters.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert [e.dagster_event_type for e in dagsters.all_logs(result.run_id)] == written
        assert len(written) > 50
        materialization = dagsters.get_latest_materialization_event(chatty.key)
        assert materialization is not None and materialization.run_id == result.run_id  # the index copy
        check = dagsters.event_log_storage.get_latest_asset_check_execution_by_key([chatty_check.check_key])
        assert check[chatty_check.check_key].run_id == result.run_id
        assert dagsters.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.SUCCESS


def test_event_log_is_not_used_for_an_instance_with_its_own_storage(home):
    from pipelines.event_log import open_instance

    config = yaml.safe_load((home / "dagster.yaml").read_text())
    config["storage"] = {"sqlite": {"base_dir": str(home / "elsewhere")}}
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    with open_instance() as instance:
        assert type(instance.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert os.path.realpath(instance.event_log_storage._base_dir).startswith(str(home / "elsewhere"))


def test_dagster_dbt_hooks_the_dbt_resource_overrides_still_exist():
    """pipelines/defs/models/assets.py (WellledDbtCliResource) overrides two private hooks of DbtCliResource to
    skip start-up work; were they renamed, the override would silently stop saving anything."""
    from dagster_dbt import DbtCliResource

    for hook in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert hasattr(DbtCliResource, hook), (
            f"dagster-dbt no longer has DbtCliResource.{hook}, which WellledDbtCliResource overrides on purpose: "
            "find its new name (or a public option) and update pipelines/defs/models/assets.py")


def test_dagster_dbt_still_caches_the_parsed_manifest_by_path():
    """WellledDbtCliResource._cli_version reads dbt's version from the manifest dagster-dbt parsed for the
    definitions (validate_manifest caches it by path), rather than parsing 3 MB of JSON again in every dbt step."""
    validate = _private("dagster_dbt.dbt_manifest", "validate_manifest", "pipelines/defs/models/assets.py")
    from pipelines.defs.models.assets import ensure_manifest

    assert validate(ensure_manifest()) is validate(ensure_manifest()), (
        "dagster_dbt.dbt_manifest.validate_manifest no longer caches by path: read the version some other way in "
        "pipelines/defs/models/assets.py (WellledDbtCliResource._cli_version)")
