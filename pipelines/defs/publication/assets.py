"""The publish asset: runs only after every blocking check upstream passed, then swaps the publication."""

import dagster as dg

from ... import quality, settings
from ...warehouse.resource import WarehouseResource
from ..common import BUILD_DB_POOL, OWNERS
from ..models import assets as models

MART_KEYS = sorted((k for k in models.dbt_models.keys if k.path[0] == "marts"), key=lambda k: k.to_user_string())


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
    metadata={
        "published_file": dg.MetadataValue.path(str(settings.published_db_path())),
        "versions": f"{settings.published_dir() / 'versions'}/wellled_<version>.duckdb and "
                    "wellled_<version>_parquet/ (on PostgreSQL: schema `published`, kept ones `published_v<version>`)",
        "current_parquet": f"{settings.published_dir() / settings.CURRENT_PARQUET}/<table>.parquet: the current "
                           "publication's Parquet files (a link swapped with the DuckDB file) for Power BI, Excel, "
                           "pandas, polars and Arrow",
        "versions_kept": settings.PUBLISHED_VERSIONS_KEPT,
        "rollback": "`wellled publish --list` shows the current and kept versions; `wellled publish --rollback` "
                    "makes the previous one current again in one atomic swap (DuckDB and PostgreSQL).",
        "bi_access": "Open the published file read-only (never the build file); reconnect to see a new publication. "
                     "PostgreSQL: the read-only role `wellled_reader`, schema `published`.",
        "engine": "duckdb, or postgres when WELLLED_WAREHOUSE_URL is set",
    },
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    # Publication (pandas) loads when it runs, not with the definitions.
    from ... import publish

    docs = settings.data_docs_dir() / context.run.run_id
    if docs.is_dir():  # every gate of the run has stored its result: render their Data Docs once
        quality.finish_data_docs(docs)
    gates = publish.read_gates(context.run.run_id)
    try:
        result = publish.publish(run_id=context.run.run_id, gates=gates, store=warehouse.get())
    except publish.PublicationRefused as refused:
        raise dg.Failure(description=f"Not published: {refused}. The previous publication stays live.") from None
    absent = [g["suite"] for g in gates if g["status"] == "skipped"]
    context.log.info(f"Published version {result.version} at {result.location}")
    return dg.MaterializeResult(metadata={
        "location": result.location,
        "version": result.version,
        "tables": dg.MetadataValue.md("| table | rows |\n|---|---|\n"
                                      + "\n".join(f"| `{t}` | {n} |" for t, n in result.tables.items())),
        "dagster/row_count": sum(result.tables.values()),
        "gates_skipped_absent_source": ", ".join(absent) or "none",
        "gates_passed": sum(g["status"] == "passed" for g in gates),
        "gates_with_warnings": ", ".join(g["suite"] for g in gates if g["status"] == "warning") or "none",
        "rollback": "wellled publish --rollback",
    })


@dg.asset(
    key=dg.AssetKey(["publication", "profiles"]),
    deps=[published_warehouse],
    group_name="publication",
    kinds={"html"},
    owners=OWNERS,
    # In the build pool like every step: the site's swap and pruning must not interleave with a publication's.
    pool=BUILD_DB_POOL,
    description="Culture and outcomes profiles: a static, offline site (index.html and one page per organisation, "
                "with charts, method notes, provenance and per-trust CSV/XLSX downloads) built from the published "
                "warehouse alone, made current at <warehouse>/published/profiles by one atomic swap. Its footer "
                "names the publication version, run and date it was built from.",
    metadata={"site": dg.MetadataValue.path(str(settings.published_dir() / "profiles" / "index.html")),
              "rebuild": "wellled profiles [--out DIR]"},
)
def profile_site(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    # The site's modules load when it is built, not with the definitions.
    from ...profiles import published as published_tables
    from ...profiles import site

    try:
        result = site.publish_site()
    except published_tables.PublicationMissing as missing:
        raise dg.Failure(description=str(missing)) from None
    context.log.info(f"Profiles of version {result.version} at {result.folder}")
    return dg.MaterializeResult(metadata={
        "index": dg.MetadataValue.path(str(result.folder / "index.html")),
        "version": result.version,
        "pages": result.pages,
    })
