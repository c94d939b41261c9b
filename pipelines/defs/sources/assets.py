"""Ingest assets: one multi-asset per source, writing its raw tables (empty when nothing landed)."""

import dagster as dg

from ... import settings, warehouse
from ...sources import schemas
from ...sources.landing import SourceError
from ...warehouse.resource import WarehouseResource
from ..common import BUILD_DB_POOL, OWNERS, preview, raw_key

SOURCE_DESCRIPTIONS = {
    "ods": "ODS NHS trusts reference file (ods/etr.csv): codes, names, regions, open and close dates.",
    "staff_survey": "NHS Staff Survey workbooks (staff_survey/<YYYY>/*.xlsx): organisational results "
                    "(organisations, scores, question options) and the benchmark workbook's WRES 5-8 columns.",
    "wres": "Workforce Race Equality Standard returns (wres/<YYYY>/*.csv), indicators 1-4 and 9.",
    "board": "Trust board registers (board/<YYYY-MM-DD>/*.csv): posts, holders, roles, as at quarter ends.",
    "sickness_absence": "NHS Sickness Absence Rates, organisation level (sickness_absence/<YYYY-MM>/*.csv): FTE days "
                        "lost and available and the rate per organisation and month; blanks are suppressed.",
    "cqc_ratings": "CQC Latest ratings (cqc_ratings/<YYYY-MM-DD>/*.ods or .xlsx, streamed): NHS trusts' Overall and "
                   "key-question ratings with each rating's publication date.",
    "fft": "Friends and Family Test (fft/<YYYY-MM>/*.xlsm, cells only): responses and % positive per provider, "
           "inpatient and A&E; * is suppressed.",
}


def _table_schema(table: str) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(c.name, c.type, description=c.description)
                                   for c in schemas.columns(table)])


def build_ingest_asset(source: str) -> dg.AssetsDefinition:
    tables = schemas.SOURCE_TABLES[source]

    @dg.multi_asset(
        name=f"ingest_{source}",
        specs=[dg.AssetSpec(raw_key(t), group_name="sources", kinds={"python", "duckdb"}, owners=OWNERS,
                            description=f"raw.{t}: {SOURCE_DESCRIPTIONS[source]} Lineage columns name the file, "
                                        "its hash, load time and row.",
                            metadata={"dagster/column_schema": _table_schema(t), "source": source})
               for t in tables],
        pool=BUILD_DB_POOL,
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        for table, metadata in ingest(context, source, store=warehouse.get()).items():
            yield dg.MaterializeResult(asset_key=raw_key(table), metadata=metadata)

    return _ingest


def ingest(context: dg.OpExecutionContext | dg.AssetExecutionContext, source: str,
           periods: list[str] | None = None, store: warehouse.Warehouse | None = None) -> dict[str, dict]:
    """Load a source's landed files into its raw tables; return each table's materialization metadata.

    `periods=None` (the national refresh) replaces the whole source; a list of periods (a partitioned run of
    `ingest_<source>_by_period`) replaces only those periods' rows, leaving every other period as it was.
    """
    # The readers (pandas, pyarrow, the spreadsheet parsers) load when a source is ingested, not with the definitions.
    from ...sources.ingest import load_source

    landing = settings.landing_dir()
    tables = schemas.SOURCE_TABLES[source]
    try:
        load = load_source(source, landing, periods=periods, log=context.log.info)
        for path in load.skipped:
            context.log.warning(f"Skipped {path}: not read. wellled never follows a symbolic link or reads a "
                                "special file; copy the file itself into the landing folder.")
        store = store or warehouse.current()
        if periods is None:
            if load.absent:
                context.log.warning(f"Source '{source}' is absent: nothing under {landing / source}. "
                                    "Its raw tables are left empty and its gates will report 'skipped'.")
            store.write_source(source, {t: load.tables[t] for t in tables}, load.files)
        else:
            empty = sorted(set(periods) - {f["period"] for f in load.files})
            if empty:
                context.log.warning(f"No {source} files landed for {', '.join(empty)}: "
                                    "those periods' raw rows are removed.")
            store.write_periods(source, list(periods), {t: load.tables[t] for t in tables}, load.files)
    except SourceError as error:
        # Bad input: a clear message, nothing written, the last publication untouched.
        raise dg.Failure(description=f"{source} input refused: {error}",
                         metadata={"file": error.file, "sheet": error.sheet or "", "row": error.row or 0,
                                   "problem": error.problem}) from None
    files_md = dg.MetadataValue.md("\n".join(f"- `{f['path']}` ({f['file_kind']}, {f['rows']} rows, "
                                             f"sha256 {f['sha256'][:12]})" for f in load.files)
                                   or "_no files landed_")
    loaded_periods = sorted({f["period"] for f in load.files if f["period"]})
    return {table: {"dagster/row_count": len(load.tables[table]), "source_absent": load.absent,
                    "periods_loaded": ", ".join(loaded_periods) or "none",
                    "periods_replaced": "all (whole source)" if periods is None else ", ".join(periods),
                    "files": files_md, "skipped_not_read": ", ".join(load.skipped) or "none",
                    "preview": preview(load.tables[table])}
            for table in tables}


ingest_assets = [build_ingest_asset(source) for source in settings.SOURCES]
