"""Great Expectations suites as blocking Dagster asset checks, on every raw table and every published mart.

A `critical` failure fails the check with severity ERROR, which stops every downstream asset in the run
(so nothing is published); `warning` failures are recorded with severity WARN and do not block. The gate
of an absent source reports `skipped`.
"""

import json

import dagster as dg

from .. import quality, settings, warehouse
from ..sources import schemas
from .common import BUILD_DB_POOL, raw_key

# The published marts with a suite of their own (expectations/<name>.json).
MART_SUITES = ("dim_organisation", "fct_staff_survey_scores", "fct_wres_indicators", "fct_board_composition")
_SOURCE_OF_TABLE = {t: s for s, tables in schemas.SOURCE_TABLES.items() for t in tables}


def _source_absent(source: str) -> bool:
    with warehouse.connect(read_only=True) as con:
        return con.execute("select count(*) from raw.landing_files where source = ?", [source]).fetchone()[0] == 0


def _result(context, suite: str, outcome) -> dg.AssetCheckResult:
    record_gate(context.run.run_id, suite, outcome)
    metadata = {"status": outcome.status, "rows_validated": outcome.rows,
                "expectations_evaluated": outcome.evaluated, "expectations_failed": len(outcome.failed),
                "summary": dg.MetadataValue.md(outcome.summary())}
    if outcome.status in ("passed", "skipped"):
        return dg.AssetCheckResult(passed=True, metadata=metadata, description=outcome.status)
    severity = dg.AssetCheckSeverity.ERROR if outcome.blocking else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(passed=False, severity=severity, metadata=metadata, description=outcome.status)


def record_gate(run_id: str, suite: str, outcome) -> None:
    folder = settings.run_dir(run_id)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "gates.jsonl").open("a") as handle:
        handle.write(json.dumps({"suite": suite, "status": outcome.status, "failed": len(outcome.failed),
                                 "evaluated": outcome.evaluated, "rows": outcome.rows}) + "\n")


def _raw_check(table: str) -> dg.AssetChecksDefinition:
    suite = f"raw_{table}"
    source = _SOURCE_OF_TABLE[table]

    @dg.asset_check(asset=raw_key(table), name=f"gx_{suite}", blocking=True, pool=BUILD_DB_POOL,
                    description=f"Great Expectations suite expectations/{suite}.json on raw.{table}: schema, "
                                "codes, ranges, uniqueness, plausible years. Critical failures block publication.")
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        absent = _source_absent(source)
        frame = quality.read_table(settings.build_db_path(), "raw", table)
        reason = f"source '{source}' absent: nothing landed under {source}/" if absent else None
        return _result(context, suite, quality.validate(suite, frame, skipped_reason=reason))

    return _check


def _mart_check(mart: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=dg.AssetKey(["marts", mart]), name=f"gx_{mart}", blocking=True, pool=BUILD_DB_POOL,
                    description=f"Great Expectations suite expectations/{mart}.json on the published table "
                                f"{mart}: keys, ranges, intervals, suppression, privacy. Critical failures block "
                                "publication.")
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        frame = quality.read_table(settings.build_db_path(), "marts", mart)
        return _result(context, mart, quality.validate(mart, frame))

    return _check


raw_checks = [_raw_check(t) for s in settings.SOURCES for t in schemas.SOURCE_TABLES[s]]
mart_checks = [_mart_check(m) for m in MART_SUITES]
