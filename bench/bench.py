"""`make bench`: every refresh target in one run, each against its floor measured in the same run.

For one national year of respondent-level data (210 trusts, about 750,000 respondents) and a backfill of
every year the question crosswalk knows (2021-2024), it lands the generated respondent files, runs
`wellled refresh --respondents` (ingest by DuckDB, GX gates, dbt scoring, mart gates, publication) in a child
process and records wall time and peak memory (resident set of the whole process tree, sampled every 50 ms)
per stage. In the same run it times, each in its own process, baselines computing the same trust-level
weighted sub-score means from the same files (checked against the published scores):
- the floor: one DuckDB query (same memory_limit) over the Parquet files;
- pandas (plain): read, melt long, merge, group by, as an analyst would write it, one year file at a time;
- pandas + numpy (tuned): wide, hand-vectorised, one year file at a time.
It times the default demo refresh (210 trusts, 2021-2024 published-level files, `wellled refresh`) against
the published-level floor (bench/baselines.py `published`: read every landing cell with DuckDB's CSV reader
and python-calamine, write each published table with one statement) and says what the multiple is made of,
and it times loading the Dagster definitions. Refreshes (each from a new warehouse and Dagster instance) and
floors run --repeat times; medians are reported with every run's figure. The pandas baselines run once.
It ends with one table: every target, its limit, the measurement and MET or NOT MET.

    python bench/bench.py [--trusts 210] [--work DIR] [--memory-limit 1GB] [--repeat 3] [--skip-national]
                          [--skip-backfill] [--skip-demo] [--skip-pandas] [--demo-landing DIR]
                          [--pandas-limit-gb GB] [--quick]

--quick (--repeat 1 --trusts 12 --skip-backfill --skip-pandas) checks that the bench works in a few minutes;
its figures are not measurements of the targets, and the table says so.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
# The targets (medians of --repeat runs from scratch, on an idle 2-core machine).
DEMO_LIMIT_S = 25.0
YEAR_FLOOR_MULTIPLE = 5.0
BACKFILL_FLOOR_MULTIPLE = 2.5
PEAK_LIMIT = int(1.5 * 2**30)
DEFINITIONS_LIMIT_S = 2.0
PROFILES_LIMIT_S = 30.0
PROFILE_STEP = "publication__profiles"
QUICK = {"repeat": 1, "trusts": 12, "skip_backfill": True, "skip_pandas": True}


# --- measuring a process tree -----------------------------------------------------------------------------
class TreeSampler:
    """Resident set of a process and all its descendants, sampled every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.root = psutil.Process(pid)
        self.interval = interval
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        total = 0
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    kill_above: int | None = None  # bytes: a baseline past this is stopped (the machine is shared)
    killed = False

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = self._rss()
            self.samples.append((time.time(), rss))
            if self.kill_above and rss > self.kill_above and not self.killed:
                self.killed = True
                for p in [*self.root.children(recursive=True), self.root]:
                    try:
                        p.kill()
                    except psutil.Error:
                        pass
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self, start: float = 0.0, end: float = float("inf")) -> int:
        return max((rss for t, rss in self.samples if start <= t <= end), default=0)


def run_measured(cmd: list[str], env: dict[str, str], log: Path,
                 kill_above: int | None = None) -> tuple[int, float, TreeSampler, float]:
    """Run a command, its output to `log`; returns (exit status, wall seconds, sampler, start epoch)."""
    with log.open("w") as out:
        started_epoch, started = time.time(), time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        sampler = TreeSampler(proc.pid)
        sampler.kill_above = kill_above
        with sampler:
            status = proc.wait()
        return status, time.perf_counter() - started, sampler, started_epoch


# --- the targets table ---------------------------------------------------------------------------------------
@dataclass
class Targets:
    """Every target's row: what, its limit, what was measured and whether it is met (None: not measured;
    "reported": a figure without a limit, shown unless its runs failed)."""
    rows: list[tuple[str, str, str, bool | str | None]] = field(default_factory=list)

    def add(self, target: str, limit: str, measured: str, met: bool | str | None) -> None:
        self.rows.append((target, limit, measured, met))

    def print(self, quick: bool) -> None:
        print("\n== targets" + (" (QUICK RUN: fewer trusts or runs than the targets assume; not a measurement "
                                  "of them)" if quick else ""))
        width = max(len(r[0]) for r in self.rows)
        print(f"  {'target':<{width}}  {'limit':<12} {'measured':<58} result")
        for target, limit, measured, met in self.rows:
            result = {None: "NOT RUN", True: "MET", False: "NOT MET"}.get(met, met)
            print(f"  {target:<{width}}  {limit:<12} {measured:<58} {result}")


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def runs_text(runs: list[dict], key: str = "wall", unit: str = "s") -> str:
    values = [r[key] for r in runs]
    if key == "peak":
        return f"{statistics.median(values) / 2**20:.0f} MB" + (
            f" ({', '.join(f'{v / 2**20:.0f}' for v in values)})" if len(values) > 1 else "")
    return f"{statistics.median(values):.1f} {unit}" + (
        f" ({', '.join(f'{v:.1f}' for v in values)})" if len(values) > 1 else "")


def mb(n: int) -> str:
    return f"{n / 2**20:7.0f} MB"


# --- refreshes ------------------------------------------------------------------------------------------------
STAGE_LABELS = {"ingest": "ingest", "source gates": "source gates (GX)", "mart gates": "mart gates (GX)"}
ORCHESTRATION = "orchestration (start-up, definitions, run)"


def run_steps(dagster_home: str) -> list[tuple[str, float, float, str]]:
    """The steps of the one run recorded in a fresh Dagster instance: (step key, start, end, outcome)."""
    import dagster as dg

    from pipelines.summary import step_events, step_times

    with dg.DagsterInstance.from_config(dagster_home) as instance:
        runs = instance.get_runs(limit=1)
        return step_times(step_events(instance, runs[0].run_id)) if runs else []


def prepare_manifest(env: dict[str, str]) -> float:
    """`dbt parse` with the run's profile settings, so the run parses partially (a prepared manifest)."""
    from pipelines import settings

    started = time.perf_counter()
    build_db = Path(env["WELLLED_WAREHOUSE_DIR"]) / "build" / "wellled.duckdb"
    subprocess.run([settings.DBT_EXECUTABLE, "parse", "--quiet", "--profiles-dir", "."], check=True,
                   cwd=ROOT / "dbt_project", env={**env, "WELLLED_BUILD_DB": str(build_db),
                                                  "WELLLED_DBT_TARGET": "duckdb"})
    return time.perf_counter() - started


def refresh_run(cmd: list[str], env: dict[str, str], log: Path) -> dict:
    """One refresh from scratch (a new build warehouse and Dagster instance, the manifest parsed with its
    profile first), with each stage's time and peak memory and the profile site's step time."""
    from pipelines.summary import STAGES, stage_of

    for folder in ("WELLLED_WAREHOUSE_DIR", "DAGSTER_HOME"):
        shutil.rmtree(env[folder], ignore_errors=True)
    prepare_manifest(env)
    status, wall, sampler, t0 = run_measured(cmd, env, log)
    if status != 0:
        print(f"  refresh FAILED (exit {status}); see {log}")
    steps = run_steps(env["DAGSTER_HOME"])
    stages = {STAGE_LABELS.get(stage, stage): [0.0, 0] for stage in STAGES}
    profiles = None
    for step, start, end, _ in steps:
        stage = stages.setdefault(STAGE_LABELS.get(stage_of(step), stage_of(step)), [0.0, 0])
        stage[0] += end - start
        stage[1] = max(stage[1], sampler.peak(start, end))
        if step == PROFILE_STEP:
            profiles = end - start
    first = min((s for _, s, _, _ in steps), default=t0)
    stages[ORCHESTRATION] = [wall - sum(v[0] for v in stages.values()), sampler.peak(t0, first)]
    return {"status": status, "wall": wall, "peak": sampler.peak(), "stages": stages, "profiles": profiles}


def median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (its stages are one real run's, not a mix)."""
    return sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]


def print_stages(run: dict, label: str, runs: list[dict]) -> None:
    print(f"  {'stage (median run)':<44} {'wall':>8} {'peak RSS (tree)':>16}")
    for stage, (seconds, peak) in run["stages"].items():
        print(f"  {stage:<44} {seconds:7.1f}s {mb(peak):>16}")
    ok = all(r["status"] == 0 for r in runs)
    print(f"  {label:<44} {run['wall']:7.1f}s {mb(run['peak']):>16}   {'ok' if ok else 'FAILED'}  "
          f"all runs: {runs_text(runs)}")


# --- respondent-level data at national scale -----------------------------------------------------------------
def baseline(kind: str, paths: list[Path], out: Path, work: Path, env: dict[str, str], memory_limit: str,
             kill_above: int | None = None) -> dict:
    status, wall, sampler, _ = run_measured(
        [PY, str(ROOT / "bench" / "baselines.py"), kind, str(out), memory_limit, *map(str, paths)], env,
        work / f"{kind}.log", kill_above)
    if sampler.killed:
        print(f"  {kind} baseline STOPPED past {kill_above / 2**30:.0f} GB resident after {wall:.0f}s "
              "(--pandas-limit-gb); its time and memory below are lower bounds")
    elif status != 0:
        print(f"  {kind} baseline FAILED (exit {status}); see {work / f'{kind}.log'}")
    return {"status": status, "wall": wall, "peak": sampler.peak(), "scores": out, "killed": sampler.killed}


def compare(scores: Path, published: Path) -> float | None:
    """Largest difference between a baseline's trust-level sub-scores and the published ones."""
    import duckdb

    if not scores.exists() or not published.exists():
        return None
    con = duckdb.connect()
    con.execute(f"attach '{published}' as pub (read_only)")
    row = con.execute(f"""
        select max(abs(b.score - p.score)), count(*)
        from read_parquet('{scores}') as b
        join pub.main.fct_staff_survey_respondent_scores as p
          on p.org_code = b.org_code and p.survey_year = b.survey_year and p.measure_code = b.measure_code
        where p.breakdown = 'all' and p.score is not null""").fetchone()
    return row[0] if row[1] else None


def national(name: str, years: tuple[int, ...], multiple: float, args, env: dict[str, str],
             targets: Targets) -> None:
    from pipelines.sample_data import generate

    work = args.work / name.replace(" ", "_")
    shutil.rmtree(work, ignore_errors=True)
    landing = work / "landing"
    started = time.perf_counter()
    generate(landing, trusts=args.trusts, years=years, seed=42, respondents="parquet")
    for folder in [p for p in landing.iterdir() if p.is_dir() and p.name != "respondents"]:
        shutil.rmtree(folder)  # the respondent job's landing: respondents only
    files = sorted((landing / "respondents").rglob("*.parquet"))
    import pyarrow.parquet as pq

    rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    cols = pq.ParquetFile(files[0]).metadata.num_columns
    print(f"\n== {name}: survey years {years[0]}-{years[-1]}, {rows:,} respondents x {cols} columns "
          f"({sum(f.stat().st_size for f in files) / 1e6:.0f} MB Parquet), generated in "
          f"{time.perf_counter() - started:.0f}s")
    run_env = {**env, "WELLLED_LANDING_DIR": str(landing), "WELLLED_WAREHOUSE_DIR": str(work / "warehouse"),
               "DAGSTER_HOME": str(work / "dagster_home")}
    runs = [refresh_run([PY, "-m", "pipelines.cli", "refresh", "--respondents"], run_env, work / "refresh.log")
            for _ in range(args.repeat)]
    floors = [baseline("floor", files, work / "floor_scores.parquet", work, env, args.memory_limit)
              for _ in range(args.repeat)]
    pandas = None if args.skip_pandas else baseline(
        "pandas", files, work / "pandas_scores.parquet", work, env, args.memory_limit,
        kill_above=int(args.pandas_limit_gb * 2**30))
    numpy = baseline("numpy", files, work / "numpy_scores.parquet", work, env, args.memory_limit)
    published = work / "warehouse" / "published" / "wellled.duckdb"
    print_stages(median_run(runs), "landing -> publication (respondent_refresh)", runs)
    for label, b in (("floor: one DuckDB query", median_run(floors)), ("pandas (plain: melt, merge, groupby)", pandas),
                     ("pandas + numpy (tuned: wide, per year)", numpy)):
        if b is None:
            print(f"  {label:<44}  not run (--skip-pandas)")
            continue
        diff = None if b.get("killed") else compare(b["scores"], published)
        bound = ">" if b.get("killed") else " "
        print(f"  {label:<44}{bound}{b['wall']:7.1f}s {mb(b['peak']):>16}   max |score - published| = "
              f"{'n/a' if diff is None else f'{diff:.1e}'}")
    wall, floor_wall, ok = median_of(runs, "wall"), median_of(floors, "wall"), all(r["status"] == 0 for r in runs)
    ratio = wall / floor_wall
    targets.add(f"{name}: refresh within {multiple:g}x its floor", f"<= {multiple:g}x",
                f"{ratio:.1f}x: {runs_text(runs)} vs floor {runs_text(floors)}", ok and ratio <= multiple)
    peak = median_of(runs, "peak")
    targets.add(f"{name}: peak memory (process tree)", "< 1.5 GB", runs_text(runs, "peak"), ok and peak < PEAK_LIMIT)
    if pandas is None:
        targets.add(f"{name}: ahead of plain pandas, time and memory", "ahead", "not run (--skip-pandas)", None)
    else:
        bound = "<" if pandas["killed"] else ""  # a stopped baseline's figures are lower bounds
        targets.add(f"{name}: ahead of plain pandas, time and memory", "ahead",
                    f"{bound}{wall / pandas['wall']:.2f}x time, {bound}{peak / max(pandas['peak'], 1):.2f}x memory "
                    f"(pandas {pandas['wall']:.0f} s, {pandas['peak'] / 2**20:.0f} MB)",
                    ok and wall < pandas["wall"] and peak < pandas["peak"])
    print(f"  (not a target) pandas + numpy, tuned: the refresh takes {wall / numpy['wall']:.2f}x its time and "
          f"{peak / max(numpy['peak'], 1):.2f}x its memory")


# --- the demo refresh against the published-level floor ---------------------------------------------------------
def demo(args, env: dict[str, str], targets: Targets) -> None:
    work = args.work / "demo"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if args.demo_landing:
        landing, made = args.demo_landing.resolve(), f"the files in {args.demo_landing}"
    else:
        from pipelines.sample_data import generate

        landing, started = work / "landing", time.perf_counter()
        generate(landing, trusts=args.trusts, years=(2021, 2022, 2023, 2024), seed=42)
        made = f"{args.trusts} trusts, 2021-2024, generated in {time.perf_counter() - started:.0f}s"
    run_env = {**env, "WELLLED_LANDING_DIR": str(landing), "WELLLED_WAREHOUSE_DIR": str(work / "warehouse"),
               "DAGSTER_HOME": str(work / "dagster_home")}
    runs = [refresh_run([PY, "-m", "pipelines.cli", "refresh"], run_env, work / "refresh.log")
            for _ in range(args.repeat)]
    published = work / "warehouse" / "published" / "wellled.duckdb"
    floors = [baseline("published", [landing, published], work / "floor.duckdb", work, env, args.memory_limit)
              for _ in range(args.repeat)]
    print(f"\n== demo refresh ({made})")
    run = median_run(runs)
    print_stages(run, "wellled refresh end to end", runs)
    print(f"  {'floor: read every landing cell, write tables':<44} {median_of(floors, 'wall'):7.1f}s "
          f"{mb(median_run(floors)['peak']):>16}   all runs: {runs_text(floors)}")
    ok = all(r["status"] == 0 for r in runs)
    wall, floor_wall = median_of(runs, "wall"), median_of(floors, "wall")
    targets.add("demo refresh, end to end", f"< {DEMO_LIMIT_S:g} s", runs_text(runs), ok and wall < DEMO_LIMIT_S)
    targets.add("demo refresh: peak memory (process tree)", "< 1.5 GB", runs_text(runs, "peak"),
                ok and median_of(runs, "peak") < PEAK_LIMIT)
    parts = ", ".join(f"{stage.split(' (')[0]} {seconds / floor_wall:.1f}x" for stage, (seconds, _) in
                      run["stages"].items() if seconds >= 0.05)
    targets.add("demo refresh as a multiple of the published floor", "(reported)",
                f"{wall / floor_wall:.1f}x: {runs_text(runs)} vs floor {runs_text(floors)}",
                "reported" if ok else False)
    print(f"  the multiple, {wall / floor_wall:.1f}x the floor, is made of (median run): {parts}")
    profiles = [r["profiles"] for r in runs if r["profiles"] is not None]
    targets.add("profile site, built in the demo refresh", f"< {PROFILES_LIMIT_S:g} s",
                f"{statistics.median(profiles):.1f} s" if profiles else "not built",
                bool(profiles) and ok and statistics.median(profiles) < PROFILES_LIMIT_S)


def definitions_load(env: dict[str, str], targets: Targets) -> None:
    code = ("import time; t = time.perf_counter(); from pipelines.definitions import defs; "
            "defs.get_repository_def().get_all_jobs(); print(time.perf_counter() - t)")
    times = []
    for _ in range(3):
        started = time.perf_counter()
        out = subprocess.run([PY, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, check=True)
        times.append((float(out.stdout.strip().splitlines()[-1]), time.perf_counter() - started))
    import_s, process_s = sorted(times)[1]
    print(f"\n== Dagster definitions load (prepared dbt manifest), median of 3: {import_s:.2f}s import "
          f"({process_s:.2f}s with interpreter start-up): this host's speed, to compare runs on other hosts")
    targets.add("Dagster definitions load (prepared manifest)", f"< {DEFINITIONS_LIMIT_S:g} s",
                f"{import_s:.2f} s (median of 3; {process_s:.2f} s with start-up)", import_s < DEFINITIONS_LIMIT_S)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trusts", type=int, default=210)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "wellled-bench")
    parser.add_argument("--memory-limit", default=os.environ.get("WELLLED_DUCKDB_MEMORY_LIMIT", "1GB"))
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each refresh and of each floor; medians are reported (default 3)")
    parser.add_argument("--skip-national", action="store_true", help="skip the national year and the backfill")
    parser.add_argument("--skip-backfill", action="store_true")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-pandas", action="store_true", help="skip the plain pandas baseline (minutes, GBs)")
    parser.add_argument("--demo-landing", type=Path, default=None,
                        help="refresh these landing files in the demo instead of generating them (read only)")
    parser.add_argument("--quick", action="store_true",
                        help="a check that the bench works: --repeat 1 --trusts 12 --skip-backfill --skip-pandas")
    # The plain pandas baseline needs most of the machine's memory for one national year: by default it may use
    # 90% of this machine's memory, and is stopped past that (its figures are then lower bounds).
    parser.add_argument("--pandas-limit-gb", type=float, default=round(0.9 * psutil.virtual_memory().total / 2**30, 1),
                        help="stop the plain pandas baseline past this resident size (default: 90%% of memory)")
    args = parser.parse_args()
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    quick = args.repeat < 3 or args.trusts != 210
    args.work.mkdir(parents=True, exist_ok=True)
    # The bench's own folders, whatever a developer's .env says.
    env = {**os.environ, "WELLLED_DUCKDB_MEMORY_LIMIT": args.memory_limit, "WELLLED_IGNORE_ENV_FILE": "1",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "PATH": str(Path(PY).parent) + os.pathsep + os.environ.get("PATH", "")}
    env.pop("WELLLED_WAREHOUSE_URL", None)
    print(f"wellled bench on {os.cpu_count()} cores, DuckDB memory_limit {args.memory_limit}, {args.trusts} trusts, "
          f"{args.repeat} run(s) of each refresh and floor, work folder {args.work}")
    targets = Targets()
    definitions_load(env, targets)
    for name, years, multiple, skipped in (
            ("national year", (2024,), YEAR_FLOOR_MULTIPLE, args.skip_national),
            ("backfill 2021-2024", (2021, 2022, 2023, 2024), BACKFILL_FLOOR_MULTIPLE,
             args.skip_national or args.skip_backfill)):
        if skipped:
            targets.add(f"{name}: refresh within {multiple:g}x its floor", f"<= {multiple:g}x", "not run", None)
            targets.add(f"{name}: peak memory (process tree)", "< 1.5 GB", "not run", None)
            targets.add(f"{name}: ahead of plain pandas, time and memory", "ahead", "not run", None)
        else:
            national(name, years, multiple, args, env, targets)
    if args.skip_demo:
        for target, limit in (("demo refresh, end to end", f"< {DEMO_LIMIT_S:g} s"),
                              ("demo refresh: peak memory (process tree)", "< 1.5 GB"),
                              ("demo refresh as a multiple of the published floor", "(reported)"),
                              ("profile site, built in the demo refresh", f"< {PROFILES_LIMIT_S:g} s")):
            targets.add(target, limit, "not run", None)
    else:
        demo(args, env, targets)
    targets.print(quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
