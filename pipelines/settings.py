"""Every path and environment variable wellled reads, in one place.

Values are read when asked for (not at import), so tests and the CLI can point the pipeline at another
landing folder or warehouse by setting the environment variable first. A `.env` file in the current folder is
read the way Dagster reads it (its values win over the shell's), by `wellled` and by `dagster dev` alike, so
the command line and the UI always work on the same warehouse.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
# dbt from its own environment inside the pipeline's (`make install`; never another one on PATH): the pipeline's
# processes never import dbt-core, the largest part of a definitions load otherwise.
DBT_EXECUTABLE = str(Path(sys.prefix) / "dbt" / "bin" / "dbt")
# The dbt build step's command: dbt, run by a dbt process the refresh started early when one waits
# (pipelines/dbt_warm.py), else by itself.
DBT_BUILD_EXECUTABLE = str(Path(sys.prefix) / "dbt" / "bin" / "wellled-dbt")
DBT_PYTHON = Path(sys.prefix) / "dbt" / "bin" / "python"

# The published-level sources, parsed in Python (pipelines/sources/ingest.py), in the order listed everywhere.
SOURCES = ("ods", "staff_survey", "wres", "board", "sickness_absence", "cqc_ratings", "fft")
# Every landing folder (docs/sources.md): respondent-level data is copied by the engine itself
# (pipelines/sources/respondents.py), never parsed into pandas.
LANDED_SOURCES = (*SOURCES, "respondents")

# DuckDB files must stay readable by DuckDB 1.4/1.5 and the BI drivers built on them (docs/architecture.md).
DUCKDB_STORAGE_VERSION = "v1.4.0"

# Published versions held in all, the current one counted (docs/operations.md), on either engine.
PUBLISHED_VERSIONS_KEPT = 5


# Where failed runs are posted, and in which format (teams, slack or json; unset: by the webhook's host).
WEBHOOK_ENV = "WELLLED_ALERT_WEBHOOK"
ALERT_FORMAT_ENV = "WELLLED_ALERT_FORMAT"

# Every environment variable wellled reads: name, default, meaning (the README's settings table says the same).
ENVIRONMENT = (
    ("WELLLED_LANDING_DIR", "data/landing", "the landing folder: one folder per source, one per period"),
    ("WELLLED_WAREHOUSE_DIR", "warehouse", "build file, publications, run records, Data Docs, Dagster history"),
    ("DAGSTER_HOME", "<warehouse>/dagster", "the Dagster instance (run history, schedules, sensors)"),
    ("WELLLED_WAREHOUSE_URL", "unset (DuckDB)", "a postgresql:// URL: build and publish in PostgreSQL instead"),
    ("WELLLED_READER_PASSWORD", "generated and kept", "password of the read-only BI role on PostgreSQL"),
    ("WELLLED_PUBLISH_LOCK_TIMEOUT", "10s", "how long a PostgreSQL publication waits for BI readers' locks"),
    ("WELLLED_DAGSTER_PG_URL", "unset", "PostgreSQL for Dagster's own history (dagster.postgres.yaml)"),
    ("WELLLED_DUCKDB_MEMORY_LIMIT", "1GB", "DuckDB's memory limit for respondent-level scans and dbt"),
    ("WELLLED_SERVE_PORT", "5433", "port of `wellled serve` on 127.0.0.1"),
    (WEBHOOK_ENV, "unset", "webhook that failed runs are posted to (Teams, Slack or JSON)"),
    (ALERT_FORMAT_ENV, "by the webhook's host", "teams, slack or json"),
    ("WELLLED_VERBOSE", "unset", "any value: the refresh console also prints every step's log messages"),
    ("WELLLED_PAUSE_AT", "unset", "tests only: the named fault-injection point pauses so a test can kill the run"),
    ("WELLLED_IGNORE_ENV_FILE", "unset", "tests and the bench: any value, `wellled` ignores `.env` (a developer's own "
                                         "settings must never steer a test refresh)"),
)

# Set by wellled itself for dbt, never by users: for its profile (dbt_project/profiles.yml), and for the build
# step's command, the dbt process waiting for it (pipelines/dbt_warm.py).
DBT_ENVIRONMENT = ("WELLLED_DBT_TARGET", "WELLLED_BUILD_DB", "WELLLED_PG_", "WELLLED_DBT_WAITING")

ENV_FILE = ".env"


def dbt_build_file() -> str:
    """The file dbt's DuckDB plugin (pipelines/dbt_build_file.py) opens: WELLLED_BUILD_DB as wellled sets it, else
    the default build file relative to the folder dbt runs in (the dbt project, as its README shows)."""
    return os.environ.get("WELLLED_BUILD_DB") or "../warehouse/build/wellled.duckdb"


def load_env_file(folder: Path | None = None) -> list[str]:
    """Apply `<folder or the current folder>/.env` to the environment as Dagster does (its values win); returns
    the names it set."""
    from dotenv import dotenv_values

    path = (folder or Path.cwd()) / ENV_FILE
    if os.environ.get("WELLLED_IGNORE_ENV_FILE") or not path.is_file():
        return []
    values = {key: value for key, value in dotenv_values(path).items() if value is not None}
    os.environ.update(values)
    return sorted(values)


def duckdb_memory_limit() -> str:
    """DuckDB's memory_limit for the connections that scan respondent-level data and for dbt."""
    return os.environ.get("WELLLED_DUCKDB_MEMORY_LIMIT", "1GB")


def warehouse_url() -> str | None:
    """A postgresql:// URL selects the PostgreSQL warehouse; unset means the embedded DuckDB one."""
    return os.environ.get("WELLLED_WAREHOUSE_URL") or None


def landing_dir() -> Path:
    return Path(os.environ.get("WELLLED_LANDING_DIR", PROJECT_ROOT / "data" / "landing")).resolve()


def warehouse_dir() -> Path:
    return Path(os.environ.get("WELLLED_WAREHOUSE_DIR", PROJECT_ROOT / "warehouse")).resolve()


def build_db_path() -> Path:
    """The build warehouse: written only by the pipeline, never opened by BI tools."""
    return warehouse_dir() / "build" / "wellled.duckdb"


def published_dir() -> Path:
    return warehouse_dir() / "published"


def published_db_path() -> Path:
    """The current publication: the one path BI tools open, read-only."""
    return published_dir() / "wellled.duckdb"


# Beside wellled.duckdb: a link to the current version's Parquet folder (DuckDB engine).
CURRENT_PARQUET = "parquet"


def data_docs_dir() -> Path:
    return warehouse_dir() / "data_docs"


def dagster_home() -> Path:
    """The Dagster instance (run history, schedules, sensors): `DAGSTER_HOME` when set, else the warehouse
    folder's own, so each warehouse has one history and its runs never queue behind another's."""
    if os.environ.get("DAGSTER_HOME"):
        return Path(os.environ["DAGSTER_HOME"]).resolve()
    return warehouse_dir() / "dagster"


def ensure_dagster_home() -> Path:
    """A Dagster home with the project's instance settings (the build-file pool of 1), created if missing
    (owner-only: its event log holds the runs' messages)."""
    from .permissions import owner_only_dir

    home = dagster_home()
    if not home.exists():
        owner_only_dir(home)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text((PROJECT_ROOT / "dagster.yaml").read_text())
    return home


def run_dir(run_id: str) -> Path:
    """Per-run records (gate outcomes, Data Docs) that the publish step and the CLI summary read."""
    return warehouse_dir() / "runs" / run_id


def serve_port() -> int:
    """TCP port of `wellled serve` on 127.0.0.1: beside, not on, the port of a PostgreSQL the machine may run."""
    return int(os.environ.get("WELLLED_SERVE_PORT", "5433"))


def reader_password() -> str | None:
    return os.environ.get("WELLLED_READER_PASSWORD") or None


def publish_lock_timeout() -> str:
    return os.environ.get("WELLLED_PUBLISH_LOCK_TIMEOUT", "10s")


def alert_webhook() -> str:
    return os.environ.get(WEBHOOK_ENV, "").strip()


def alert_format() -> str:
    """The chosen format, lower-case; empty means chosen by the webhook's host."""
    return os.environ.get(ALERT_FORMAT_ENV, "").strip().lower()


def verbose() -> bool:
    return bool(os.environ.get("WELLLED_VERBOSE"))


def pause_point_name() -> str | None:
    return os.environ.get("WELLLED_PAUSE_AT") or None
