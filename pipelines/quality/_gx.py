"""The Great Expectations side of the gate: one ephemeral context per process, and our one custom expectation.

GX is imported here and nowhere else, lazily: `import great_expectations` takes about 3 s, so importing
`pipelines.quality` (e.g. when Dagster loads the code location) stays cheap until a suite actually runs.

GX is initialised once per process, by `initialise()`, under LOCK, on the thread of the first gate that
needs it (a skipped gate included), and never on a background thread: GX's modules import each other in
cycles, and two threads importing them at once can see a partially initialised module (an ImportError that
depends on thread timing). Every other function here, and every caller, takes LOCK and calls `initialise()`
before touching a GX module, so every GX import happens once, in one thread, in one order.
"""

from __future__ import annotations

import functools
import threading
from types import SimpleNamespace
from typing import Any

# GX contexts are not thread-safe; Dagster's in-process executor may run checks on threads.
LOCK = threading.RLock()

DATASOURCE = "wellled"
_STATE: dict[str, Any] = {}


def initialise() -> SimpleNamespace:
    """Import GX and the GX modules wellled uses, register the custom expectation and build the validation
    context, once per process; returns the modules. Safe from any thread: the work happens under LOCK."""
    with LOCK:
        if "gx" not in _STATE:
            import great_expectations as gx
            from great_expectations.core.run_identifier import RunIdentifier
            from great_expectations.data_context.data_context.context_factory import project_manager
            from great_expectations.data_context.types.base import (
                DataContextConfig,
                InMemoryStoreBackendDefaults,
                ProgressBarsConfig,
            )
            from great_expectations.data_context.types.resource_identifiers import (
                ExpectationSuiteIdentifier,
                ValidationResultIdentifier,
            )

            modules = SimpleNamespace(
                gx=gx, RunIdentifier=RunIdentifier, project_manager=project_manager,
                DataContextConfig=DataContextConfig, InMemoryStoreBackendDefaults=InMemoryStoreBackendDefaults,
                ProgressBarsConfig=ProgressBarsConfig, ExpectationSuiteIdentifier=ExpectationSuiteIdentifier,
                ValidationResultIdentifier=ValidationResultIdentifier)
            _register_custom_expectations()
            _STATE["context"] = _validation_context(modules)
            _STATE["gx"] = modules
        return _STATE["gx"]


def context() -> Any:
    """The in-memory validation context (built by `initialise`)."""
    with LOCK:
        initialise()
        return _STATE["context"]


def _validation_context(m: SimpleNamespace) -> Any:
    """An in-memory GX context: no files, no analytics (the machine may be offline), no progress bars."""
    config = m.DataContextConfig(
        store_backend_defaults=m.InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=m.ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    ctx = m.gx.get_context(mode="ephemeral", project_config=config)
    ctx.data_sources.add_pandas(DATASOURCE)
    return ctx


def activate() -> Any:
    """Make the validation context GX's current one (building the Data Docs context replaces it) and return it."""
    with LOCK:
        ctx = context()
        initialise().project_manager.set_project(ctx)
        return ctx


def batch_definition(asset_name: str) -> Any:
    """A whole-dataframe batch definition on the pandas datasource, one asset per suite (created once)."""
    with LOCK:
        return _batch_definition(asset_name)


def _batch_definition(asset_name: str) -> Any:
    datasource = context().data_sources.get(DATASOURCE)
    try:
        asset = datasource.get_asset(asset_name)
    except LookupError:
        asset = datasource.add_dataframe_asset(asset_name)
    try:
        return asset.get_batch_definition("whole_frame")
    except KeyError:
        return asset.add_batch_definition_whole_dataframe("whole_frame")


@functools.lru_cache(maxsize=4)
def docs_context(results_dir: str, site_dir: str) -> Any:
    """A second ephemeral context whose validation results and Data Docs site live in folders (one per run
    folder, kept: a refresh adds to it once per gate).

    Results are stored as files so that checks run in separate processes add to one run's site. Call with LOCK
    held.
    """
    m = initialise()
    in_memory = {"class_name": "InMemoryStoreBackend"}
    config = m.DataContextConfig(
        stores={
            "expectations_store": {"class_name": "ExpectationsStore", "store_backend": in_memory},
            "validation_results_store": {
                "class_name": "ValidationResultsStore",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": results_dir},
            },
            "checkpoint_store": {"class_name": "CheckpointStore", "store_backend": in_memory},
            "validation_definition_store": {"class_name": "ValidationDefinitionStore", "store_backend": in_memory},
        },
        expectations_store_name="expectations_store",
        validation_results_store_name="validation_results_store",
        checkpoint_store_name="checkpoint_store",
        data_docs_sites={
            "wellled": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": site_dir},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=m.ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return m.gx.get_context(mode="ephemeral", project_config=config)


def _register_custom_expectations() -> None:
    """Define (and so register with GX) the expectations GX does not ship. Runs once per process, from
    `initialise`."""
    from great_expectations.compatibility import pydantic
    from great_expectations.expectations.expectation import BatchExpectation

    class ExpectTableColumnsToNotContain(BatchExpectation):
        """Expect none of the listed columns in the table (e.g. protected characteristics of people).

        Registered as `expect_table_columns_to_not_contain`; kwargs: `column_set` (list of names).
        The observed value is the offending column names, never their contents.
        """

        column_set: list[str] = pydantic.Field(description="Columns that must not be present.")

        metric_dependencies = ("table.columns",)
        success_keys = ("column_set",)
        args_keys = ("column_set",)

        def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None):
            forbidden = set(self.configuration.kwargs.get("column_set") or [])
            present = sorted(str(c) for c in metrics["table.columns"] if str(c) in forbidden)
            return {"success": not present, "result": {"observed_value": present}}

    # Defining the class registers it with GX (by its snake-case name); nothing else needs a reference.
    del ExpectTableColumnsToNotContain
