"""Ingest assets: one multi-asset per source, writing its raw tables (empty when nothing landed)."""

import dagster as dg

from .. import settings, warehouse
from ..sources import schemas
from ..sources.ingest import load_source
from ..sources.landing import SourceError
from .common import BUILD_DB_POOL, OWNERS, preview, raw_key

SOURCE_DESCRIPTIONS = {
    "ods": "ODS NHS trusts reference file (ods/etr.csv): codes, names, regions, open and close dates.",
    "staff_survey": "NHS Staff Survey workbooks (staff_survey/<YYYY>/*.xlsx): organisational results "
                    "(organisations, scores, question options) and the benchmark workbook's WRES 5-8 columns.",
    "wres": "Workforce Race Equality Standard returns (wres/<YYYY>/*.csv), indicators 1-4 and 9.",
    "board": "Trust board registers (board/<YYYY-MM-DD>/*.csv): posts, holders, roles, as at quarter ends.",
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
    def _ingest(context: dg.AssetExecutionContext):
        landing = settings.landing_dir()
        try:
            load = load_source(source, landing, log=context.log.info)
        except SourceError as error:
            # Bad input: a clear message, nothing written, the last publication untouched.
            raise dg.Failure(description=f"{source} input refused: {error}",
                             metadata={"file": error.file, "sheet": error.sheet or "", "row": error.row or 0,
                                       "problem": error.problem}) from None
        if load.absent:
            context.log.warning(f"Source '{source}' is absent: nothing under {landing / source}. "
                                "Its raw tables are left empty and its gates will report 'skipped'.")
        warehouse.current().write_source(source, {t: load.tables[t] for t in tables}, load.files)
        for table in tables:
            frame = load.tables[table]
            yield dg.MaterializeResult(asset_key=raw_key(table), metadata={
                "dagster/row_count": len(frame), "source_absent": load.absent,
                "files": dg.MetadataValue.md("\n".join(f"- `{f['path']}` ({f['file_kind']}, {f['rows']} rows, "
                                                       f"sha256 {f['sha256'][:12]})" for f in load.files)
                                             or "_no files landed_"),
                "preview": preview(frame)})

    return _ingest


ingest_assets = [build_ingest_asset(source) for source in settings.SOURCES]
