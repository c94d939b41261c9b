"""Per-source partitioned ingest jobs (`build_and_publish`, in publication/jobs.py, follows them).

Partitions (dynamic, one key per landed period folder, docs/sources.md):

- `staff_survey_survey_years`: `2023`, `2024`, ... (survey year)
- `wres_reporting_years`: `2024`, ... (reporting year of the 31 March snapshot)
- `board_as_at_dates`: `2024-03-31`, ... (as-at quarter end)
- `sickness_absence_months`, `fft_months`: `2024-06`, ... (data month)
- `cqc_ratings_release_dates`: `2026-09-01`, ... (release date of the Latest ratings file)

Why job partitions and not partitioned assets (measured on Dagster 1.13.27): a job cannot hold assets with
different partitions definitions (`define_asset_job` refuses: "Selected assets must have the same partitions
definitions"), so partitioning the raw assets would take them out of `national_refresh`, and a second set of
partitioned assets would duplicate the raw tables. The raw assets therefore stay unpartitioned, and
`national_refresh` ingests everything exactly as before. Each `ingest_<source>_by_period` job is partitioned by its
source's periods; its one step replaces only the selected periods' rows of the same raw tables and records
materializations of those raw assets (metadata `periods_replaced`). A run over a partition range (tags
`dagster/asset_partition_range_start` / `_end`, as `wellled ingest` launches) ingests several periods in
one run. `build_and_publish` then runs dbt, every gate (raw gates included) and the publication.
"""

import dagster as dg

from ...safe_text import shown
from ...sources.landing import SourceError, discover, period_problem
from ...sources.schemas import SOURCE_TABLES
from ..common import BUILD_DB_POOL, REFRESH_TAG, raw_key
from .assets import ingest

# Source -> (what a key is, name of its dynamic partitions definition).
PERIODS = {
    "staff_survey": ("survey year, e.g. 2024", "staff_survey_survey_years"),
    "wres": ("reporting year, e.g. 2024", "wres_reporting_years"),
    "board": ("as-at quarter end, e.g. 2024-03-31", "board_as_at_dates"),
    "sickness_absence": ("data month, e.g. 2024-06", "sickness_absence_months"),
    "cqc_ratings": ("release date, e.g. 2026-09-01", "cqc_ratings_release_dates"),
    "fft": ("data month, e.g. 2024-06", "fft_months"),
}
PARTITIONS = {source: dg.DynamicPartitionsDefinition(name=name) for source, (_, name) in PERIODS.items()}
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def landed_periods(landing) -> dict[str, list[str]]:
    """The period keys found in the landing folder, per partitioned source (raises SourceError on a misplaced
    file, as discover does)."""
    return {source: sorted({f.period for f in discover(landing, source) if f.period}) for source in PERIODS}


def new_partition_requests(periods: dict[str, list[str]], instance: dg.DagsterInstance
                           ) -> list[dg.AddDynamicPartitionsRequest]:
    """Requests adding the landed periods not yet partition keys (keys are never removed: history stays)."""
    requests = []
    for source, keys in periods.items():
        name = PARTITIONS[source].name
        missing = [k for k in keys if not instance.has_dynamic_partition(name, k)]
        if missing:
            requests.append(dg.AddDynamicPartitionsRequest(partitions_def_name=name, partition_keys=missing))
    return requests


def job_name(source: str) -> str:
    """`ingest_<source>_by_period` (`ingest_<source>` is already the name of the national refresh's ingest step,
    and Dagster wants op and job names distinct)."""
    return f"ingest_{source}_by_period"


def check_period(source: str, period: str) -> None:
    """Refuse a partition key that cannot be a period folder of the source (landing.period_problem: ASCII,
    exact, a plausible year, a real quarter-end date for board)."""
    problem = period_problem(source, period)
    if problem:
        raise SourceError(f"{source}/{shown(period, 20)}", problem)


def build_period_job(source: str) -> dg.JobDefinition:
    what, name = PERIODS[source]
    tables = ", ".join(f"raw.{t}" for t in SOURCE_TABLES[source])

    @dg.op(name=f"ingest_{source}_periods", pool=BUILD_DB_POOL, out=dg.Out(dg.Nothing),
           description=f"Replace the rows of the selected {source} periods ({what}) in {tables}; other "
                       "periods are untouched. Records a materialization of each raw table.")
    def _ingest_periods(context: dg.OpExecutionContext):
        periods = list(context.partition_keys)
        for period in periods:
            check_period(source, period)
        context.log.info(f"Replacing {source} period(s) {', '.join(periods)}")
        for table, metadata in ingest(context, source, periods).items():
            yield dg.AssetMaterialization(asset_key=raw_key(table), metadata=metadata,
                                          description=f"{source} period(s) {', '.join(periods)} replaced")

    @dg.job(name=job_name(source), partitions_def=PARTITIONS[source], executor_def=dg.in_process_executor,
            tags={REFRESH_TAG: job_name(source)},
            description=f"Ingest {source} by {what}: one partition per landed period folder, added by the "
                        "landing sensor or `wellled ingest`. Replaces only the selected periods' raw rows. "
                        "Follow with `build_and_publish` to rebuild the marts and publish. A backfill from "
                        "this page runs one period per run (queued one at a time); `wellled ingest` runs a "
                        "range in one run.")
    def _job():
        _ingest_periods()

    return _job


period_jobs = [build_period_job(source) for source in PERIODS]
