"""The `wellled` command: sample data, refreshes, publication management.

    wellled sample --out DIR [--trusts N] [--years 2021-2024] [--seed S] [--respondents parquet|csv]
    wellled refresh            run the national_refresh job on the landing folder and publish
    wellled refresh --respondents
                               only the respondent-level data (respondent_refresh), then publish
    wellled demo               sample data into the landing folder, then refresh
    wellled ingest SOURCE [PERIOD ...] [--publish]
                               replace only those periods of one source (a partitioned run), then
                               optionally build and publish
    wellled publish --rollback make the previous publication current again
    wellled publish --list     list kept publications
    wellled docs [--out DIR]   write the dbt docs and GX Data Docs into one folder
    wellled serve [--port N]   serve the current publication from a local PostgreSQL on 127.0.0.1 (Ctrl-C stops)
    wellled profiles [--out DIR]
                               build the trust profile site of the current publication
    wellled trust CODE [--xlsx FILE]
                               a trust's headline figures, flags and sources; its rows as a workbook
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

from . import settings

_OWN_PROCESS = False  # set by `console`: `main` may also run inside another program, such as the tests


def console() -> None:
    """The `wellled` command (pyproject.toml's [project.scripts]): `main`, in a process of its own."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    sys.exit(main())


def _tune_collector() -> None:
    """Garbage collection for a refresh, in the command's own process: once the definitions are loaded, leave
    every object alive then out of later collections, and collect young objects less often.

    Each full collection, and the last one at exit, walks every object it tracks. Those alive once the
    definitions are loaded (Dagster's, dbt's and the project's modules, classes and definitions) live until the
    process exits: frozen (`gc.freeze`), they are skipped. A collection first leaves no garbage to be frozen with
    them (`wellled demo` has written the sample files by then). A refresh then makes millions of short-lived
    containers (Dagster's events, GX's metrics): collecting the young generation every `_YOUNG` new objects
    instead of Python's 700 means far fewer full collections too, for little garbage held a little longer.
    A program that calls `main` in its own process, such as the tests, keeps its collector as it is.
    """
    if _OWN_PROCESS:
        gc.collect()
        gc.freeze()
        gc.set_threshold(_YOUNG, *gc.get_threshold()[1:])


_YOUNG = 10_000


def main(argv: list[str] | None = None) -> int:
    settings.load_env_file()  # before any setting is read: the same .env `dagster dev` reads
    parser = argparse.ArgumentParser(prog="wellled", description="NHS culture and leadership evidence warehouse.")
    commands = parser.add_subparsers(dest="command", required=True)
    sample = commands.add_parser("sample", help="write realistic sample landing files in the official formats")
    sample.add_argument("--out", type=Path, default=None, help="landing folder (default: WELLLED_LANDING_DIR)")
    _sample_options(sample)
    refresh_cmd = commands.add_parser("refresh", help="run the national refresh on the landing folder and publish")
    refresh_cmd.add_argument("--respondents", action="store_true",
                             help="only the respondent-level survey data (respondent_refresh): ingest, score, gate "
                                  "and publish it; the other sources keep what the last refresh loaded")
    demo = commands.add_parser("demo", help="generate sample data into the landing folder, then refresh")
    _sample_options(demo)
    ingest = commands.add_parser("ingest", help="replace only some periods of one source (one partitioned run)")
    ingest.add_argument("source", choices=("staff_survey", "wres", "board", "sickness_absence", "cqc_ratings", "fft"))
    ingest.add_argument("periods", nargs="*", help="period keys, e.g. 2023 2024, 2024-03-31 or 2024-06 (default: "
                                                   "every period landed for the source)")
    ingest.add_argument("--publish", action="store_true", help="then build, gate and publish (build_and_publish)")
    pub = commands.add_parser("publish", help="manage publications")
    group = pub.add_mutually_exclusive_group(required=True)
    group.add_argument("--rollback", action="store_true", help="make the previous publication current")
    group.add_argument("--list", action="store_true", help="list kept publications")
    docs = commands.add_parser("docs", help="write the dbt docs and the GX Data Docs into one folder")
    docs.add_argument("--out", type=Path, default=None, help="folder (default: <warehouse>/docs)")
    serve = commands.add_parser("serve", help="serve the current publication from a local PostgreSQL on 127.0.0.1 "
                                              "for BI tools (role wellled_reader); Ctrl-C stops it")
    serve.add_argument("--port", type=int, default=settings.serve_port(),
                       help="TCP port on 127.0.0.1 (default: WELLLED_SERVE_PORT, else 5433)")
    _profile_commands(commands)
    args = parser.parse_args(argv)

    if args.command == "sample":
        return _sample(args.out or settings.landing_dir(), args)
    if args.command == "refresh":
        return refresh("respondent_refresh" if args.respondents else "national_refresh")
    if args.command == "ingest":
        return ingest_periods(args.source, args.periods, publish=args.publish)
    if args.command == "demo":
        status = _sample(settings.landing_dir(), args)
        return status or refresh()
    if args.command == "docs":
        return _docs(args.out)
    if args.command == "serve":
        from .serve import run

        return run(args.port)
    if args.command in ("profiles", "trust"):
        from .profiles import terminal

        if args.command == "profiles":
            return terminal.profiles_command(args.out)
        return terminal.trust_command(args.code, args.xlsx)
    return _publish_command(args)


def _profile_commands(commands) -> None:
    profiles = commands.add_parser("profiles", help="build the trust profile site from the current publication")
    profiles.add_argument("--out", type=Path, default=None,
                          help="folder (default: <warehouse>/published/profiles, swapped atomically)")
    trust = commands.add_parser("trust", help="a trust's headline figures, flags and their sources")
    trust.add_argument("code", help="ODS code of the organisation, e.g. RXX")
    trust.add_argument("--xlsx", type=Path, default=None,
                       help="also write a workbook of all its rows (one sheet per table, a README sheet)")


def _docs(out: Path | None) -> int:
    from .docs_site import write_docs

    index = write_docs(out)
    print(f"Documentation written: open {index} in a browser")
    return 0


def _sample_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trusts", type=int, default=210, help="number of trusts (default 210, like England)")
    parser.add_argument("--years", type=_years, default=(2021, 2022, 2023, 2024),
                        help="survey years, e.g. 2021-2024 or 2024 (default 2021-2024)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (same seed, same files)")
    parser.add_argument("--respondents", choices=("parquet", "csv"), default=None,
                        help="also write respondent-level files (docs/respondent_format.md) and derive the "
                             "organisational results from them")


def _years(text: str) -> tuple[int, ...]:
    first, _, last = text.partition("-")
    try:
        years = tuple(range(int(first), int(last or first) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a year or a range like 2021-2024") from None
    if not years or not all(2021 <= y <= 2030 for y in years):
        raise argparse.ArgumentTypeError(f"'{text}': sample years run from 2021 (comparable surveys start then)")
    return years


def _sample(out: Path, args: argparse.Namespace) -> int:
    from .sample_data import generate

    started = time.monotonic()
    print(f"Writing sample landing files for {args.trusts} trusts, survey years {args.years[0]}-{args.years[-1]} "
          f"(seed {args.seed}) to {out}", file=sys.stderr)
    counts = generate(out, trusts=args.trusts, years=args.years, seed=args.seed,
                      progress=lambda message: print(f"  {message}", file=sys.stderr, flush=True),
                      respondents=getattr(args, "respondents", None))
    files = ", ".join(f"{source} {n}" for source, n in counts.items())
    print(f"Sample data written in {time.monotonic() - started:.1f}s: {files} files, in {out}", file=sys.stderr)
    return 0


def refresh(job: str = "national_refresh") -> int:
    """Run a refresh job (national_refresh, or respondent_refresh) in this process, recorded in the Dagster
    instance, then print a summary."""
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home()))
    settings.ensure_dagster_home()
    from . import dbt_warm
    from .definitions import defs
    from .event_log import open_instance
    from .summary import print_summary

    _tune_collector()
    what = "Respondent-level refresh" if job == "respondent_refresh" else "National refresh"
    print(f"{what} of {settings.landing_dir()} into {settings.warehouse_dir()}", file=sys.stderr)
    started = time.monotonic()
    # Every refresh job builds with dbt: dbt imports beside the steps before it.
    with dbt_warm.prestarted(settings.DBT_PYTHON), open_instance() as instance:
        _release_dead_runs(instance)
        result = execute(defs.resolve_job_def(job), instance,
                         tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname(), **NO_RETRY})
        return print_summary(result, instance, time.monotonic() - started)


def execute(job, instance, tags: dict[str, str]):
    """Run a job in this process with the progress console. dagster-dbt repeats every dbt log line on stdout
    (in the UI that is the step's captured output); here it would bury the progress lines, so stdout goes to
    the run folder's console.log while the job runs (dbt's own log is beside it: dbt/dbt.log)."""
    from .permissions import owner_only_dir

    settings.warehouse_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=settings.warehouse_dir(), prefix="console-", suffix=".log",
                                     delete=False) as console:
        try:
            with contextlib.redirect_stdout(console):
                result = job.execute_in_process(instance=instance, raise_on_error=False,
                                                run_config={"loggers": {"console": {}}}, tags=tags)
        except BaseException:  # interrupted (Ctrl-C) or crashed: say where the output went
            print(f"wellled: the run stopped early; its console output (dbt's log lines) is in {console.name}",
                  file=sys.stderr)
            raise
    folder = owner_only_dir(settings.run_dir(result.run_id), below=settings.warehouse_dir())
    os.replace(console.name, folder / "console.log")
    return result


PID_TAG, HOST_TAG = "wellled/pid", "wellled/host"
# A refresh run from the command line is not retried by the daemon: its user sees it stop and runs it again.
NO_RETRY = {"dagster/max_retries": "0"}


def ingest_periods(source: str, periods: list[str], *, publish: bool = False) -> int:
    """Run ingest_<source>_by_period over the given periods (contiguous partition keys: one run), then optionally
    build_and_publish, in this process. Landed periods are added as partition keys first."""
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home()))
    settings.ensure_dagster_home()

    from .definitions import defs
    from .defs.sources import jobs as parts
    from .event_log import open_instance
    from .sources.landing import SourceError
    from .summary import print_summary

    _tune_collector()
    started = time.monotonic()
    try:
        landed = parts.landed_periods(settings.landing_dir())
        keys = periods or landed[source]
        for key in keys:
            parts.check_period(source, key)
    except SourceError as error:
        print(f"wellled: {error}", file=sys.stderr)
        return 1
    if not keys:
        print(f"wellled: no {source} periods landed under {settings.landing_dir() / source}", file=sys.stderr)
        return 1
    with open_instance() as instance:
        _release_dead_runs(instance)
        for request in parts.new_partition_requests(landed, instance):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        name = parts.PARTITIONS[source].name
        # A requested period with no files left is a key too: its run removes that period's rows.
        instance.add_dynamic_partitions(name, [k for k in keys if not instance.has_dynamic_partition(name, k)])
        ordered = parts.PARTITIONS[source].get_partition_keys(dynamic_partitions_store=instance)
        job = defs.resolve_job_def(parts.job_name(source))
        tags = {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname(), **NO_RETRY}
        for block in _contiguous(ordered, set(keys)):
            print(f"Ingesting {source} period(s) {', '.join(block)} in one run", file=sys.stderr)
            result = execute(job, instance, tags={**tags, parts.RANGE_START: block[0], parts.RANGE_END: block[-1]})
            if not result.success:
                print(f"wellled: ingest run {result.run_id} failed; nothing was published. See the log above or "
                      "the run in the Dagster UI.", file=sys.stderr)
                return 1
        if not publish:
            print(f"Ingested {source} {', '.join(keys)} in {time.monotonic() - started:.1f}s. Nothing is published "
                  "until build_and_publish runs (wellled ingest ... --publish, or the job in the UI).",
                  file=sys.stderr)
            return 0
        result = execute(defs.resolve_job_def("build_and_publish"), instance, tags=tags)
        return print_summary(result, instance, time.monotonic() - started)


def _contiguous(ordered: list[str], wanted: set[str]) -> list[list[str]]:
    """The wanted keys as runs of neighbours in the partition order (one run per block)."""
    blocks: list[list[str]] = []
    previous = None
    for index, key in enumerate(ordered):
        if key not in wanted:
            continue
        if previous is not None and previous == index - 1:
            blocks[-1].append(key)
        else:
            blocks.append([key])
        previous = index
    return blocks


def _release_dead_runs(instance) -> None:
    """A refresh killed mid-run still holds its slot in the build-file pool: mark it failed and free the
    slot, so the next refresh does not wait for it forever. Only runs of this CLI whose process is gone."""
    import dagster as dg

    from .run_launcher import process_alive

    for record in instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED,
                                                                   dg.DagsterRunStatus.STARTING])):
        run = record.dagster_run
        pid, host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
        if pid is None or host != socket.gethostname() or process_alive(int(pid)):
            continue
        instance.report_run_failed(run, f"wellled: process {pid} of this run ended without finishing it "
                                        "(killed or crashed); its pool slot is released.")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        print(f"Released run {run.run_id[:8]}, left unfinished by a killed refresh (process {pid}).",
              file=sys.stderr)


def _publish_command(args: argparse.Namespace) -> int:
    from . import publish
    from .warehouse import WarehouseUnreachable

    try:
        return _publications(args, publish)
    except WarehouseUnreachable as error:
        print(f"wellled: {error}", file=sys.stderr)
        return 1


def _publications(args: argparse.Namespace, publish) -> int:
    if args.list:
        state = publish.published_state()
        print(f"current: {state.version or 'none'} at {state.location}")
        for kept in state.kept:
            print(f"  kept: {kept}")
        return 0
    try:
        version = publish.rollback_current()
    except publish.PublicationRefused as error:
        print(f"wellled: {error}", file=sys.stderr)
        return 1
    print(f"Rolled back: {publish.published_state().location} is now version {version}. "
          "BI readers reconnect to see it.")
    return 0


if __name__ == "__main__":
    console()
