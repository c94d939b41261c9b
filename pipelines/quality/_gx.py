"""The Great Expectations side of the gate: one ephemeral context per process, and our custom expectations.

GX is imported here and nowhere else, lazily: `import great_expectations` takes seconds, so importing
`pipelines.quality` (e.g. when Dagster loads the code location) stays cheap until a suite actually runs.

GX is initialised once per process, by `initialise()`, under LOCK, on the thread of the first gate that
needs it (a skipped gate included), and never on a background thread: GX's modules import each other in
cycles, and two threads importing them at once can see a partially initialised module (an ImportError that
depends on thread timing). Every other function here, and every caller, takes LOCK and calls `initialise()`
before touching a GX module, so every GX import happens once, in one thread, in one order.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.abc
import importlib.util
import json
import sys
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

# GX contexts are not thread-safe; Dagster's in-process executor may run checks on threads.
LOCK = threading.RLock()

DATASOURCE = "wellled"
# Imported by GX for expectations and renderers wellled does not use: loaded only if something uses them.
UNUSED_DEPENDENCIES = ("scipy", "altair")
_STATE: dict[str, Any] = {}

# GX internals used on purpose, because GX has no public API for them: name -> (module, why).
PRIVATE_APIS = {
    "ProgressBarsConfig": ("great_expectations.data_context.types.base",
                           "turns GX's progress bars off, which would otherwise write to the refresh's console"),
    "ExpectationSuiteIdentifier": ("great_expectations.data_context.types.resource_identifiers",
                                   "keys a stored validation result by suite, for the run's Data Docs"),
    "ValidationResultIdentifier": ("great_expectations.data_context.types.resource_identifiers",
                                   "stores a validation result and renders its Data Docs page"),
    "DefaultJinjaView": ("great_expectations.render.view.view",
                         "gets a template cache shared by every Data Docs build of the process"),
    "HASH_THRESHOLD": ("great_expectations.execution_engine.pandas_execution_engine",
                       "is set to 0, so GX does not hash every validated frame for a Data Docs marker"),
    "PandasExecutionEngine": ("great_expectations.execution_engine.pandas_execution_engine",
                              "filters a frame by each row condition once per validation, not once per metric"),
}


def private(name: str) -> Any:
    """One of PRIVATE_APIS, or an ImportError that says what it was for and where it is used."""
    module, why = PRIVATE_APIS[name]
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise ImportError(f"this Great Expectations no longer has {module}.{name}, which wellled uses on purpose "
                          f"(it {why}; pipelines/quality/_gx.py): find its replacement before upgrading") from exc


def initialise() -> SimpleNamespace:
    """Import GX and the GX modules wellled uses, register the custom expectation and build the validation
    context, once per process; returns the modules. Safe from any thread: the work happens under LOCK."""
    with LOCK:
        if "gx" not in _STATE:
            with _deferred(UNUSED_DEPENDENCIES):
                import great_expectations as gx
                from great_expectations.core import RunIdentifier
                from great_expectations.data_context import set_context
                from great_expectations.data_context.types.base import (
                    DataContextConfig,
                    InMemoryStoreBackendDefaults,
                )

            modules = SimpleNamespace(
                gx=gx, RunIdentifier=RunIdentifier, set_context=set_context, DataContextConfig=DataContextConfig,
                InMemoryStoreBackendDefaults=InMemoryStoreBackendDefaults,
                **{name: private(name) for name in PRIVATE_APIS})
            _register_custom_expectations()
            _share_compiled_templates(modules.DefaultJinjaView)
            _skip_frame_fingerprint()
            _filter_rows_once(modules.PandasExecutionEngine)
            _STATE["context"] = _validation_context(modules)
            _STATE["gx"] = modules
        return _STATE["gx"]


@contextlib.contextmanager
def _deferred(packages: tuple[str, ...]) -> Iterator[None]:
    """Within the block, a first import of one of `packages` (or of a module in them) makes a module that is
    loaded only when something reads from it (`importlib.util.LazyLoader`).

    GX imports every expectation it ships when it is imported, and a few of them (the distribution tests) import
    SciPy's statistics, and its renderers Altair: about half of GX's import time, for code the gates never run.
    Deferred, they cost nothing unless used, and load in full, as usual, the first time they are.
    """
    finder = _DeferringFinder(packages)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


class _DeferringFinder(importlib.abc.MetaPathFinder):
    def __init__(self, packages: tuple[str, ...]) -> None:
        self.packages = packages

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name.partition(".")[0] not in self.packages:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


def _share_compiled_templates(view_class: Any) -> None:
    """Let every Data Docs build reuse the templates compiled by the first.

    Each GX build makes new views, each with a new Jinja environment that parses and compiles every template
    again: most of the time a build takes. A bytecode cache shared by them all keeps the compiled code,
    keyed by template file and checked against its source, so the pages come out the same.
    """
    import jinja2

    class MemoryBytecodeCache(jinja2.BytecodeCache):
        def __init__(self) -> None:
            self.compiled: dict[str, bytes] = {}

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            if bucket.key in self.compiled:
                bucket.bytecode_from_string(self.compiled[bucket.key])

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            self.compiled[bucket.key] = bucket.bytecode_to_string()

    cache = MemoryBytecodeCache()
    make_view = view_class.__init__

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        make_view(self, *args, **kwargs)
        self.env.bytecode_cache = cache

    view_class.__init__ = __init__


def _skip_frame_fingerprint() -> None:
    """Stop GX hashing each validated frame.

    GX hashes a frame under HASH_THRESHOLD bytes whenever it builds a batch of it, and a validation builds the
    batch twice. The hash only becomes a "batch marker" on the Data Docs page (the frame is never kept, so
    it identifies nothing a reader can find); the batch's id does not use it. A threshold of 0 hashes none.
    """
    module, _ = PRIVATE_APIS["HASH_THRESHOLD"]
    private("HASH_THRESHOLD")  # a GX without it fails here, naming what it was for
    importlib.import_module(module).HASH_THRESHOLD = 0


def _filter_rows_once(engine_class: Any) -> None:
    """Filter a validated frame by a given row condition once per validation.

    GX's pandas engine filters the whole frame, every column, again for each metric of a row-conditioned
    expectation (an expectation resolves three or four), and again for each expectation sharing the condition:
    a full copy of a wide frame each time. The filter is a pure function of the frame and the condition, so
    its result is kept, with the frame it came from (so the frame's id cannot be reused while it is a key),
    until `release_validated_data` ends the validation.
    """
    method = "_apply_row_condition_filter"
    if not callable(getattr(engine_class, method, None)):
        raise ImportError(f"this Great Expectations' PandasExecutionEngine has no {method}, which wellled "
                          "memoises (pipelines/quality/_gx.py, _filter_rows_once): find its replacement before "
                          "upgrading")
    filter_rows = getattr(engine_class, method)
    filter_rows = getattr(filter_rows, "__wrapped__", filter_rows)  # GX's own, even if initialised again
    filtered = _STATE.setdefault("filtered", {})

    def filter_rows_once(self: Any, data: Any, row_condition: Any, domain_kwargs: dict) -> Any:
        condition = (json.dumps(row_condition, sort_keys=True, default=str) if isinstance(row_condition, dict)
                     else repr(row_condition))
        key = (id(data), condition, domain_kwargs.get("condition_parser"))
        if key not in filtered:
            filtered[key] = (data, filter_rows(self, data, row_condition, domain_kwargs))
        return filtered[key][1]

    filter_rows_once.__wrapped__ = filter_rows
    setattr(engine_class, method, filter_rows_once)


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
        initialise().set_context(ctx)
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


def release_validated_data() -> None:
    """Drop what the validation context's pandas engine keeps once a validation is over: the batch's frame,
    every metric it resolved, among them a full-length series per checked column, and the frame's filtered
    copies (`_filter_rows_once`).

    GX keeps them for the engine's lifetime, which is the process's, and has no public way to clear them: over
    a refresh that is every gate's data, several hundred MB held until the run ends. Call with LOCK held.
    """
    _STATE.get("filtered", {}).clear()
    if "context" not in _STATE:
        return
    engine = _STATE["context"].data_sources.get(DATASOURCE).get_execution_engine()
    try:
        engine._metric_cache.clear()
        engine.batch_manager.reset_batch_cache()
        engine.batch_manager._batch_data_cache.clear()
    except AttributeError as exc:
        raise AttributeError("this Great Expectations no longer keeps an execution engine's metrics and batches "
                             "where wellled clears them (pipelines/quality/_gx.py, release_validated_data): find "
                             "where it keeps them before upgrading") from exc


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
    _register_rate_expectation()


def _register_rate_expectation() -> None:
    """`expect_multicolumn_rate_to_match_counts`: a published rate agrees with the counts it is made of.

    kwargs: `column_list` (every column read), `rate_column`, `numerator_columns` and `denominator_columns`
    (each summed across the row), `scale` (100 for a percentage) and `tolerance` (absolute, in the rate's
    unit). Rows with a missing value are skipped (suppressed rows), and so are rows whose denominator is 0.
    """
    from typing import ClassVar

    from great_expectations.compatibility import pydantic
    from great_expectations.execution_engine import PandasExecutionEngine
    from great_expectations.expectations.expectation import MulticolumnMapExpectation
    from great_expectations.expectations.metrics.map_metric_provider import MulticolumnMapMetricProvider
    from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
        multicolumn_condition_partial,
    )

    class MulticolumnRateMatchesCounts(MulticolumnMapMetricProvider):
        condition_metric_name = "multicolumn_values.rate_matches_counts"
        condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser",
                                 "ignore_row_if")
        condition_value_keys = ("rate_column", "numerator_columns", "denominator_columns", "scale", "tolerance")

        @multicolumn_condition_partial(engine=PandasExecutionEngine)
        def _pandas(cls, column_list, **kwargs):
            rate = column_list[kwargs["rate_column"]].astype(float)
            numerator = column_list[list(kwargs["numerator_columns"])].astype(float).sum(axis=1)
            denominator = column_list[list(kwargs["denominator_columns"])].astype(float).sum(axis=1)
            expected = kwargs["scale"] * numerator / denominator.where(denominator != 0)
            # A hair over the tolerance absorbs floating-point error in the comparison itself.
            return (denominator == 0) | ((rate - expected).abs() <= kwargs["tolerance"] + 1e-9)

    class ExpectMulticolumnRateToMatchCounts(MulticolumnMapExpectation):
        """Expect rate_column = scale x sum(numerator_columns) / sum(denominator_columns), within tolerance."""

        rate_column: str
        numerator_columns: list[str]
        denominator_columns: list[str]
        scale: float = 100.0
        tolerance: float = pydantic.Field(0.01, description="Largest allowed absolute difference.")
        ignore_row_if: str = "any_value_is_missing"

        map_metric = "multicolumn_values.rate_matches_counts"
        success_keys = ("mostly", "rate_column", "numerator_columns", "denominator_columns", "scale", "tolerance")
        args_keys = ("column_list",)
        library_metadata: ClassVar[dict] = {"maturity": "experimental", "tags": ["wellled"], "contributors": []}

    del MulticolumnRateMatchesCounts, ExpectMulticolumnRateToMatchCounts
