"""Respondent-level staff survey data: the ingest asset (the engine copies the files itself) and its GX gates.

The gates never load the 100 million answer cells into pandas: the engine computes a profile per file,
year and organisation (counts, bad codes, answer-code range) and draws a pseudo-random sample of respondents
without their protected characteristics; GX validates those two small frames.
"""


import dagster as dg
import pandas as pd

from .. import quality, settings
from ..sources import respondents as src
from ..sources import schemas
from ..sources.landing import SourceError, discover
from ..warehouse import NotSupported, Warehouse, current
from ..warehouse.resource import WarehouseResource
from .checks import _result
from .common import BUILD_DB_POOL, OWNERS, raw_key

SAMPLE_ROWS = 5000
GATE_SUITES = {"raw_staff_survey_respondent_profile": "aggregates per file, year and organisation.",
               "raw_staff_survey_respondent_sample": "a pseudo-random sample of respondents, answer codes in scale."}


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


def gate_frame(suite: str, store: Warehouse | None = None) -> pd.DataFrame:
    """The small frame the suite checks, computed by the engine from the whole raw table (only DuckDB holds
    respondent-level data)."""
    store = store or current()
    if suite.endswith("_profile"):
        return store.query(src.profile_sql())
    shown = [c.name for c in schemas.columns(src.TABLE)
             if c.name not in schemas.RESPONDENT_PROTECTED
             and c.name not in ("directorate", "_source_sha256", "_loaded_at")]
    cols = ", ".join(f'"{c}"' for c in shown)
    # Respondents picked by a hash of (file, row): the same ones whatever order the ingest stored them in.
    return store.query(f"select * from (select {cols} from raw.{src.TABLE} order by hash(_source_file, "
                       f"_row_number) limit {SAMPLE_ROWS}) order by survey_year, org_code, _row_number")


def _gate(suite: str, what: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=raw_key(src.TABLE), name=f"gx_{suite}", blocking=True, pool=BUILD_DB_POOL,
                    description=f"Great Expectations suite expectations/respondents/{suite}.json on {what} "
                                "Computed in DuckDB over every respondent. Critical failures block publication.")
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        store = warehouse.get()
        if src.SOURCE not in store.landed_sources():
            outcome = quality.validate(suite, pd.DataFrame(), skipped_reason="source respondents absent: nothing "
                                                                             "landed")
        else:
            outcome = quality.validate(suite, gate_frame(suite, store))
        return _result(context, suite, outcome)

    return _check


respondent_assets = [ingest_respondents]

RESPONDENT_SEEDS = ("staff_survey_question_crosswalk", "staff_survey_response_scales", "staff_survey_score_items")
_respondents = dg.AssetSelection.assets(raw_key(src.TABLE))
_downstream = _respondents.downstream()
_models = _downstream - dg.AssetSelection.groups("publication")
# The respondent data, the dbt models built from it (with the seeds they read, but no other source's ingest),
# their gates, and the publication. The seeds' own tests are left to the national refresh: some relate them
# to seeds and marts this job does not build (with a check left out, dagster-dbt selects tests one by one).
respondent_refresh = dg.define_asset_job(
    "respondent_refresh",
    selection=((_models.upstream() - (dg.AssetSelection.groups("sources") - _respondents)) | _downstream)
    - dg.AssetSelection.checks_for_assets(*(dg.AssetKey(["seeds", seed]) for seed in RESPONDENT_SEEDS)),
    description="Ingest respondent-level survey data, score it in the warehouse, gate it and publish. The other "
                "sources keep what the last national refresh loaded.",
    tags={"wellled/build_warehouse": "respondent_refresh"},
    executor_def=dg.in_process_executor,
)
respondent_checks = [_gate(s, w) for s, w in GATE_SUITES.items()]
