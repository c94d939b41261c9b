"""Both Dagster instance configs (SQLite storage and PostgreSQL storage) set the same limits: the pool of one,
one refresh at a time, run monitoring and retries, the launcher that checks workers."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import yaml

HOME = Path(__file__).resolve().parents[2]
CONFIGS = ("dagster.yaml", "dagster.postgres.yaml")
# Everything but where the instance stores its records.
LIMITS = ("concurrency", "run_queue", "run_coordinator", "run_monitoring", "run_retries", "run_launcher")


def _config(name: str) -> dict:
    return yaml.safe_load((HOME / name).read_text())


@pytest.mark.parametrize("section", LIMITS)
def test_both_instance_configs_set_the_same_limits(section):
    sqlite, postgres = (_config(name).get(section) for name in CONFIGS)
    assert sqlite == postgres, f"{section} differs between {CONFIGS[0]} and {CONFIGS[1]}"


def test_the_configs_differ_only_in_storage():
    sqlite, postgres = (_config(name) for name in CONFIGS)
    assert set(postgres) - set(sqlite) <= {"storage"}
    assert set(sqlite) - set(postgres) <= {"storage"}


def test_one_refresh_at_a_time_and_a_pool_of_one(tmp_path, monkeypatch):
    """The PostgreSQL config, as Dagster reads it (storage aside, which needs a server)."""
    config = _config("dagster.postgres.yaml")
    config.pop("storage")
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(config))
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        concurrency = instance.get_concurrency_config()
        assert concurrency.pool_config.default_pool_limit == 1
        limits = concurrency.run_queue_config.tag_concurrency_limits
        assert {"key": "wellled/build_warehouse", "limit": 1} in limits
        assert instance.run_monitoring_enabled
