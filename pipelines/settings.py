"""Every path and environment variable wellled reads, in one place.

Paths are resolved when asked for (not at import), so tests and the CLI can point the pipeline at
another landing folder or warehouse by setting the environment variable first.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

# The published-level sources, parsed in Python (pipelines/sources/ingest.py), in the order listed everywhere.
SOURCES = ("ods", "staff_survey", "wres", "board", "sickness_absence", "cqc_ratings", "fft")
# Every landing folder (docs/source_formats.md): respondent-level data is copied by the engine itself
# (pipelines/sources/respondents.py), never parsed into pandas.
LANDED_SOURCES = (*SOURCES, "respondents")

# DuckDB files must stay readable by DuckDB 1.4/1.5 and the BI drivers built on them (docs/architecture.md).
DUCKDB_STORAGE_VERSION = "v1.4.0"

# Published versions held in all, the current one counted (docs/operations.md), on either engine.
PUBLISHED_VERSIONS_KEPT = 5


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
        config.write_text((PROJECT_ROOT / "dagster_home" / "dagster.yaml").read_text())
    return home


def run_dir(run_id: str) -> Path:
    """Per-run records (gate outcomes, Data Docs) that the publish step and the CLI summary read."""
    return warehouse_dir() / "runs" / run_id


def serve_port() -> int:
    """TCP port of `wellled serve` on 127.0.0.1: beside, not on, the port of a PostgreSQL the machine may run."""
    return int(os.environ.get("WELLLED_SERVE_PORT", "5433"))
