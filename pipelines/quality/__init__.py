"""The quality gate: GX suites from `expectations/` run on pandas frames read from the build warehouse.

Pure Python, no Dagster. The Dagster asset checks call:

    df = warehouse.current().read_table(schema, table)   # DuckDB read-only, or PostgreSQL
    outcome = validate("raw_board_registers", df)        # or skipped_reason="board source absent"
    outcome.blocking / outcome.status / outcome.summary() / outcome.to_metadata()
    build_data_docs([outcome], run_docs_dir)             # adds this outcome to the run's Data Docs
    finish_data_docs(run_docs_dir)                       # every page of the run and the GX index, in one build

`critical` failures block publication, `warning` ones are recorded; values of protected characteristics
(and member pseudonyms) never appear in samples, summaries, metadata or Data Docs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pipelines.quality.suites import REDACTED, REDACTED_COLUMNS, read_suite, suite_names

if TYPE_CHECKING:
    from pipelines.quality.docs import blocked, build_data_docs, finish_data_docs
    from pipelines.quality.gate import FailedExpectation, SuiteOutcome, expectation_parameters, load_suite, validate

__all__ = [
    "REDACTED",
    "REDACTED_COLUMNS",
    "FailedExpectation",
    "SuiteOutcome",
    "blocked",
    "build_data_docs",
    "expectation_parameters",
    "finish_data_docs",
    "load_suite",
    "read_suite",
    "suite_names",
    "validate",
]

# Validation (pandas, GX) and Data Docs load when a gate first runs, not with the Dagster definitions, which
# only read the suites: these names come from their modules on first use.
_RUN_TIME = {"blocked": "docs", "build_data_docs": "docs", "finish_data_docs": "docs",
             "FailedExpectation": "gate", "SuiteOutcome": "gate", "expectation_parameters": "gate",
             "load_suite": "gate", "validate": "gate"}


def __getattr__(name: str) -> Any:
    if name not in _RUN_TIME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_RUN_TIME[name]}"), name)
