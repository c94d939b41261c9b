"""The respondent-level gates. They never load the 100 million answer cells into pandas: the engine computes a
profile per file, year and organisation (counts, bad codes, answer-code range) and draws a pseudo-random sample
of respondents without their protected characteristics; GX validates those two small frames."""

from typing import TYPE_CHECKING

import dagster as dg

from ... import quality
from ...sources import respondents as src
from ...sources import schemas
from ...warehouse.base import Reader
from ...warehouse.resource import WarehouseResource
from ..common import BUILD_DB_POOL, raw_key
from ..gates import gate_result

if TYPE_CHECKING:
    import pandas as pd

SAMPLE_ROWS = 5000
GATE_SUITES = {"raw_staff_survey_respondent_profile": "aggregates per file, year and organisation.",
               "raw_staff_survey_respondent_sample": "a pseudo-random sample of respondents, answer codes in scale."}


def gate_frame(suite: str, store: Reader) -> "pd.DataFrame":
    """The small frame the suite checks, computed by the engine from the whole raw table (only DuckDB holds
    respondent-level data)."""
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
        with warehouse.get().reading() as reader:  # one connection for both reads, closed before validating
            frame = gate_frame(suite, reader) if src.SOURCE in reader.landed_sources() else None
        if frame is None:
            import pandas as pd  # with the gate, when it runs, not with the definitions

            outcome = quality.validate(suite, pd.DataFrame(), skipped_reason="source respondents absent: nothing "
                                                                             "landed")
        else:
            outcome = quality.validate(suite, frame)
        return gate_result(context, suite, outcome)

    return _check


respondent_checks = [_gate(s, w) for s, w in GATE_SUITES.items()]
