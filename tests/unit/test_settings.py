"""Every environment variable is read in pipelines/settings.py, listed there and in the README, and `.env` is
read by `wellled` as Dagster reads it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from pipelines import settings

ROOT = settings.PROJECT_ROOT
READS = re.compile(r"os\.environ\.get\(|os\.getenv\(|os\.environ\[[\"']")
NAMES = re.compile(r"\bWELLLED_[A-Z_]+")


def _python_files() -> list[Path]:
    return sorted((ROOT / "pipelines").rglob("*.py"))


def test_only_settings_reads_the_environment():
    readers = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
               for path in _python_files() if path.name != "settings.py"
               for number, line in enumerate(path.read_text().splitlines(), 1) if READS.search(line)]
    assert not readers, "read environment variables through pipelines/settings.py:\n" + "\n".join(readers)


def test_every_variable_is_listed_in_settings_and_the_readme():
    listed = {name for name, _default, _meaning in settings.ENVIRONMENT}
    used = {name for path in [*_python_files(), ROOT / "dbt_project" / "profiles.yml", *ROOT.glob("dagster*.yaml")]
            for name in NAMES.findall(path.read_text())}
    used.discard("WELLLED_PAUSED_AT")  # not a variable: the line a paused fault point prints for the test
    unlisted = {name for name in used - listed if not name.startswith(settings.DBT_ENVIRONMENT)}
    assert not unlisted, f"add to settings.ENVIRONMENT: {sorted(unlisted)}"
    readme = (ROOT / "README.md").read_text()
    assert not [name for name in listed if f"`{name}`" not in readme], "every setting belongs in the README table"


def test_env_file_values_win_as_in_dagster(tmp_path, monkeypatch):
    monkeypatch.delenv("WELLLED_IGNORE_ENV_FILE")
    (tmp_path / ".env").write_text("WELLLED_SERVE_PORT=6543\n# a comment\nWELLLED_VERBOSE=\n")
    monkeypatch.setenv("WELLLED_SERVE_PORT", "5433")
    monkeypatch.delenv("WELLLED_VERBOSE", raising=False)
    assert settings.load_env_file(tmp_path) == ["WELLLED_SERVE_PORT", "WELLLED_VERBOSE"]
    assert settings.serve_port() == 6543
    assert not settings.verbose()
    assert settings.load_env_file(tmp_path / "missing") == []


def test_the_command_line_reads_env_from_its_folder(tmp_path):
    warehouse = tmp_path / "elsewhere"
    (tmp_path / ".env").write_text(f"WELLLED_WAREHOUSE_DIR={warehouse}\n")
    env = {key: value for key, value in os.environ.items()
           if key not in ("WELLLED_WAREHOUSE_DIR", "DAGSTER_HOME", "WELLLED_IGNORE_ENV_FILE")}
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "publish", "--list"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert str(warehouse) in done.stdout + done.stderr, done.stdout + done.stderr


def test_tests_never_read_a_developers_env_file(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("WELLLED_WAREHOUSE_DIR=/somewhere/real\n")
    monkeypatch.delenv("WELLLED_WAREHOUSE_DIR", raising=False)
    assert settings.load_env_file(tmp_path) == []  # tests/conftest.py sets WELLLED_IGNORE_ENV_FILE
    assert "WELLLED_WAREHOUSE_DIR" not in os.environ
