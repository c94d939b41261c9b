"""Names and metadata helpers shared by the asset modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dagster as dg

from ..quality import REDACTED, REDACTED_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

# Every step that opens the build DuckDB file joins this pool; its limit is 1 (dagster.yaml), because the
# file admits one writer and no reader beside it.
BUILD_DB_POOL = "wellled_build_db"
OWNERS = ["team:wellled-data-engineering"]
# Runs carrying this tag are queued one at a time (dagster.yaml, concurrency.runs.tag_concurrency_limits):
# two refreshes interleaving their steps would publish one run's raw tables under the other's gates.
REFRESH_TAG = "wellled/build_warehouse"
# What started a run (a schedule, the landing sensor); a failure alert names it.
TRIGGER_TAG = "wellled/trigger"


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def preview(frame: pd.DataFrame, rows: int = 5) -> dg.MetadataValue:
    """A markdown preview safe to show anyone: the columns the quality gates redact (protected characteristics,
    member pseudonyms) are redacted here too."""
    shown = frame.head(rows).copy()
    for column in shown.columns:
        if column in REDACTED_COLUMNS:
            shown[column] = REDACTED
    shown = shown[[c for c in shown.columns if c not in ("_source_sha256", "_loaded_at")]]
    return dg.MetadataValue.md(shown.to_markdown(index=False) if len(shown) else "_no rows_")
