"""The publish asset: runs only after every blocking check upstream passed, then swaps the publication."""

import dagster as dg

from .. import publish, warehouse
from .common import BUILD_DB_POOL, OWNERS
from .dbt import dbt_models

MART_KEYS = sorted((k for k in dbt_models.keys if k.path[0] == "marts"), key=lambda k: k.to_user_string())


@dg.asset(
    key=dg.AssetKey(["publication", "wellled"]),
    deps=MART_KEYS,
    group_name="publication",
    kinds={"duckdb", "parquet"},
    owners=OWNERS,
    pool=BUILD_DB_POOL,
    description="The published warehouse BI tools read: a new versioned DuckDB file (storage v1.4.0) and "
                "Parquet copies of every mart, made current at <warehouse>/published/wellled.duckdb by one "
                "atomic swap. Runs only when every blocking quality gate upstream passed; otherwise the "
                "previous publication stays live.",
)
def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    gates = publish.read_gates(context.run.run_id)
    try:
        result = publish.publish(run_id=context.run.run_id, gates=gates)
    except publish.PublicationRefused as refused:
        raise dg.Failure(description=f"Not published: {refused}. The previous publication stays live.") from None
    absent = [g["suite"] for g in gates if g["status"] == "skipped"]
    where = result.path or "schema published"
    context.log.info(f"Published version {result.version} at {where}")
    return dg.MaterializeResult(metadata={
        "location": str(result.path or f"{warehouse.current().describe()}, schema published"),
        "version": result.version,
        "tables": dg.MetadataValue.md("| table | rows |\n|---|---|\n"
                                      + "\n".join(f"| `{t}` | {n} |" for t, n in result.tables.items())),
        "dagster/row_count": sum(result.tables.values()),
        "gates_skipped_absent_source": ", ".join(absent) or "none",
    })
