"""Great Expectations suites as blocking Dagster asset checks: the factory every domain's checks.py uses.

A `critical` failure fails the check with severity ERROR, which stops every downstream asset in the run
(so nothing is published); `warning` failures are recorded with severity WARN and do not block. The gate
of an absent source reports `skipped`.
"""

import json

import dagster as dg
from dagster import AssetCheckExecutionContext

from .. import quality, settings
from ..permissions import owner_only_dir
from ..warehouse.resource import WarehouseResource
from .common import BUILD_DB_POOL


def skipped_reason(suite: str, landed: set[str]) -> str | None:
    """A gate is skipped when every source its table is built from is absent from this refresh (`landed`)."""
    sources = quality.read_suite(suite).sources
    if sources and not landed & set(sources):
        return f"source{'s' if len(sources) > 1 else ''} {', '.join(sources)} absent: nothing landed"
    return None


def gate_result(context, suite: str, outcome) -> dg.AssetCheckResult:
    run_id = context.run.run_id
    record_gate(run_id, suite, outcome)
    docs_dir = owner_only_dir(settings.data_docs_dir() / run_id, below=settings.warehouse_dir())
    # Rendering GX pages costs about as much for one as for all: mart gates leave theirs to the publish step,
    # which renders the run's pages in one build, unless the run is blocked and will not get there. Raw gates,
    # before dbt, render their own, so a run that a dbt test stops still has every page.
    raw = outcome.layer == "raw"
    docs = quality.build_data_docs([outcome], docs_dir, render=raw)
    if not raw and quality.blocked(docs_dir):
        docs = quality.finish_data_docs(docs_dir)
    facts = outcome.to_metadata()
    metadata = {"status": outcome.status, "rows_validated": outcome.rows,
                "expectations_evaluated": outcome.evaluated,
                "critical_failures": facts["critical_failures"], "warning_failures": facts["warning_failures"],
                "summary": dg.MetadataValue.md(outcome.summary()),
                "failed_expectations": dg.MetadataValue.json(facts["failed_expectations"]),
                "data_docs": dg.MetadataValue.path(str(docs))}
    if outcome.status in ("passed", "skipped"):
        return dg.AssetCheckResult(passed=True, metadata=metadata, description=outcome.status)
    severity = dg.AssetCheckSeverity.ERROR if outcome.blocking else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(passed=False, severity=severity, metadata=metadata, description=outcome.status)


def record_gate(run_id: str, suite: str, outcome) -> None:
    folder = owner_only_dir(settings.run_dir(run_id), below=settings.warehouse_dir())
    with (folder / "gates.jsonl").open("a") as handle:
        handle.write(json.dumps({"suite": suite, "status": outcome.status, "failed": len(outcome.failed),
                                 "evaluated": outcome.evaluated, "rows": outcome.rows}) + "\n")


def gx_gate(asset: dg.AssetKey, schema: str, table: str, suite: str, what: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=asset, name=f"gx_{suite}", blocking=True, pool=BUILD_DB_POOL,
                    description=f"Great Expectations suite expectations/{suite}.json on {schema}.{table}: {what} "
                                "Critical failures block publication; warnings are recorded.")
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.get().reading() as reader:  # one connection for both reads, closed before validating
            landed = reader.landed_sources()
            frame = reader.read_table(schema, table)
        return gate_result(context, suite, quality.validate(suite, frame, skipped_reason=skipped_reason(suite, landed)))

    return _check

