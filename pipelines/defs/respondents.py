"""Respondent-level staff survey data: the ingest asset (DuckDB copies the files itself) and its GX gates.

The gates never load the 100 million answer cells into pandas: the engine computes a profile per file,
year and organisation (counts, bad codes, answer-code range) and draws a pseudo-random sample of respondents
without their protected characteristics; GX validates those two small frames.
"""


import dagster as dg
import pandas as pd

from .. import quality, settings, warehouse
from ..sources import respondents as src
from ..sources import schemas
from ..sources.landing import SourceError, discover
from ..warehouse import PG_TYPES, PostgresWarehouse, _ddl, abandon, open_duckdb
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
def ingest_respondents(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    landing = settings.landing_dir()
    try:
        files = discover(landing, src.SOURCE)
    except SourceError as error:
        raise _refused(error) from None
    wh = warehouse.current()
    if not files:
        context.log.info(f"Source 'respondents' is absent: nothing under {landing / src.SOURCE}. Its raw table is "
                         "left empty and its gates will report 'skipped'.")
    if isinstance(wh, PostgresWarehouse):
        if files:
            raise dg.Failure(description="Respondent-level data is not supported on the PostgreSQL warehouse yet: "
                                         f"{files[0].relpath} and {len(files) - 1} other file(s) landed. Refresh "
                                         "on the DuckDB warehouse, or remove respondents/ from the landing folder.")
        _empty_on_postgres(wh)
        return dg.MaterializeResult(metadata={"dagster/row_count": 0, "source_absent": True})
    con = open_duckdb(wh.path)
    try:
        con.execute("begin transaction")
        try:
            loaded = src.load(con, files, log=context.log.info)
            # Every raw table exists (empty until its source is ingested), so the respondent job alone can
            # build the models it needs (occupation weighting reads the organisational results).
            for table in schemas.RAW_TABLES:
                con.execute(f"create table if not exists raw.{table} ({_ddl(table)})")
            con.execute(f"create table if not exists raw.landing_files ({_ddl('landing_files')})")
            con.execute("delete from raw.landing_files where source = ?", [src.SOURCE])
            for f in loaded.files:
                con.execute("insert into raw.landing_files values (?, ?, ?, ?, ?, ?)",
                            [f[c] for c in schemas.column_names("landing_files")])
            con.execute("commit")
        except SourceError as error:
            con.execute("rollback")
            raise _refused(error) from None
        except Exception as error:
            raise abandon(con, error) from None
    finally:
        con.close()
    return dg.MaterializeResult(metadata={
        "dagster/row_count": loaded.rows, "source_absent": not files,
        "files": dg.MetadataValue.md("\n".join(f"- `{f['path']}` ({f['rows']} respondents, sha256 {f['sha256'][:12]})"
                                               for f in loaded.files) or "_no files landed_")})


def _refused(error: SourceError) -> dg.Failure:
    return dg.Failure(description=f"respondents input refused: {error}",
                      metadata={"file": error.file, "sheet": error.sheet or "", "row": error.row or 0,
                                "problem": error.problem})


def _empty_on_postgres(wh: PostgresWarehouse) -> None:
    con = wh.connect()
    try:
        with con, con.cursor() as cur:
            cur.execute("create schema if not exists raw")
            PostgresWarehouse._reset_table(cur, src.TABLE)
            cur.execute(f"create table if not exists raw.landing_files ({_ddl('landing_files', PG_TYPES)})")
            cur.execute("delete from raw.landing_files where source = %s", [src.SOURCE])
    finally:
        con.close()


def gate_frame(suite: str) -> pd.DataFrame:
    """The small frame the suite checks, computed by DuckDB from the whole raw table."""
    con = open_duckdb(settings.build_db_path(), read_only=True)
    try:
        if suite.endswith("_profile"):
            return con.execute(src.profile_sql()).df()
        shown = [c.name for c in schemas.columns(src.TABLE)
                 if c.name not in schemas.RESPONDENT_PROTECTED
                 and c.name not in ("directorate", "_source_sha256", "_loaded_at")]
        cols = ", ".join(f'"{c}"' for c in shown)
        # Respondents picked by a hash of (file, row): the same ones whatever order the ingest stored them in.
        return con.execute(f"select * from (select {cols} from raw.{src.TABLE} order by hash(_source_file, "
                           f"_row_number) limit {SAMPLE_ROWS}) order by survey_year, org_code, _row_number").df()
    finally:
        con.close()


def _gate(suite: str, what: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=raw_key(src.TABLE), name=f"gx_{suite}", blocking=True, pool=BUILD_DB_POOL,
                    description=f"Great Expectations suite expectations/respondents/{suite}.json on {what} "
                                "Computed in DuckDB over every respondent. Critical failures block publication.")
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        wh = warehouse.current()
        if isinstance(wh, PostgresWarehouse) or src.SOURCE not in wh.landed_sources():
            outcome = quality.validate(suite, pd.DataFrame(), skipped_reason="source respondents absent: nothing "
                                                                             "landed")
        else:
            outcome = quality.validate(suite, gate_frame(suite))
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
