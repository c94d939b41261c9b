"""Respondent-level staff survey data: the ingest asset (the engine copies the files itself, never through
pandas)."""


import dagster as dg

from ... import settings
from ...sources import respondents as src
from ...sources import schemas
from ...sources.landing import SourceError, discover
from ...warehouse import NotSupported
from ...warehouse.resource import WarehouseResource
from ..common import BUILD_DB_POOL, OWNERS, raw_key


def _table_schema() -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(c.name, c.type, description=c.description)
                                   for c in schemas.columns(src.TABLE)])


@dg.asset(
    key=raw_key(src.TABLE), group_name="sources", kinds={"python", "duckdb"}, owners=OWNERS, pool=BUILD_DB_POOL,
    description="raw.staff_survey_respondents: respondent-level NHS Staff Survey data (respondents/<YYYY>/*.parquet "
                "or *.csv, docs/respondent_format.md), copied by DuckDB itself (never through pandas). Lineage "
                "columns name the file, its hash, load time and row.",
    metadata={"dagster/column_schema": _table_schema(), "source": src.SOURCE},
)
def ingest_respondents(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    landing = settings.landing_dir()
    try:
        files = discover(landing, src.SOURCE)
    except SourceError as error:
        raise _refused(error) from None
    if not files:
        context.log.info(f"Source 'respondents' is absent: nothing under {landing / src.SOURCE}. Its raw table is "
                         "left empty and its gates will report 'skipped'.")
    try:
        loaded = warehouse.get().load_respondents(files, log=context.log.info)
    except SourceError as error:
        raise _refused(error) from None
    except NotSupported as error:
        raise dg.Failure(description=str(error)) from None
    return dg.MaterializeResult(metadata={
        "dagster/row_count": loaded.rows, "source_absent": not files,
        "files": dg.MetadataValue.md("\n".join(f"- `{f['path']}` ({f['rows']} respondents, sha256 {f['sha256'][:12]})"
                                               for f in loaded.files) or "_no files landed_")})


def _refused(error: SourceError) -> dg.Failure:
    return dg.Failure(description=f"respondents input refused: {error}",
                      metadata={"file": error.file, "sheet": error.sheet or "", "row": error.row or 0,
                                "problem": error.problem})
