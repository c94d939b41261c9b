"""`make bench`: respondent-level data at national scale against the floor and against pandas.

For one national year (210 trusts, about 750,000 respondents) and a backfill of every year the question
crosswalk knows (2021-2024), it lands the generated respondent files, runs `wellled refresh --respondents`
(the respondent_refresh job: ingest by DuckDB, GX gates on engine aggregates and a sample, dbt scoring, mart
gates, publication) in a child process and prints, per stage, wall time and peak memory (resident set of the
whole process tree, sampled every 50 ms). In the same run it times baselines computing the same trust-level
weighted sub-score means from the same files, each in its own process:
- the floor: one DuckDB query (same memory_limit) over the Parquet files;
- pandas (plain): read, melt long, merge, group by, as an analyst would write it, one year file at a time;
- pandas + numpy (tuned): wide, hand-vectorised, one year file at a time.
Every baseline is checked against the published scores. It also times the default demo refresh (210
trusts, 2021-2024 published-level files, `wellled refresh`) and loading the Dagster definitions.
Refreshes (each from a new warehouse) and the floor run --repeat times and the median run is reported,
with every run's time: on a 2-core machine one run varies by a third.

    python bench/bench.py [--trusts 210] [--work DIR] [--memory-limit 1GB] [--repeat 3] [--skip-national]
                          [--skip-backfill] [--skip-demo] [--pandas-limit-gb GB]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
FIXED_OVERHEAD_S = 30.0


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


def mb(n: int) -> str:
    return f"{n / 2**20:7.0f} MB"


# --- the respondent pipeline --------------------------------------------------------------------------------
STAGE_LABELS = {"ingest": "ingest (DuckDB)", "source gates": "source gates (GX)", "mart gates": "mart gates (GX)"}


def run_steps(dagster_home: str) -> list[tuple[str, float, float, str]]:
    """The steps of the one run recorded in a fresh Dagster instance: (step key, start, end, outcome)."""
    import dagster as dg

    from pipelines.summary import step_times

    with dg.DagsterInstance.from_config(dagster_home) as instance:
        runs = instance.get_runs(limit=1)
        return step_times(instance.all_logs(runs[0].run_id)) if runs else []


def prepare_manifest(env: dict[str, str]) -> float:
    """`dbt parse` with the run's profile settings, so the run parses partially (a prepared manifest)."""
    started = time.perf_counter()
    build_db = Path(env["WELLLED_WAREHOUSE_DIR"]) / "build" / "wellled.duckdb"
    subprocess.run([str(Path(PY).parent / "dbt"), "parse", "--quiet", "--profiles-dir", "."], check=True,
                   cwd=ROOT / "dbt_project", env={**env, "WELLLED_BUILD_DB": str(build_db),
                                                  "WELLLED_DBT_TARGET": "duckdb"})
    return time.perf_counter() - started


def median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (figures of one real run, not a mix), with every run's wall time."""
    ordered = sorted(runs, key=lambda r: r["wall"])
    return {**ordered[len(ordered) // 2], "walls": [r["wall"] for r in runs]}


def walls_text(run: dict) -> str:
    walls = run.get("walls", [])
    return f"median of {len(walls)}: " + ", ".join(f"{w:.1f}" for w in walls) + " s" if len(walls) > 1 else ""


def fresh_run(cmd: list[str], env: dict[str, str], log: Path) -> tuple[int, float, TreeSampler, float]:
    """A refresh from scratch: a new build warehouse and Dagster instance, the manifest parsed with its profile."""
    for folder in ("WELLLED_WAREHOUSE_DIR", "DAGSTER_HOME"):
        shutil.rmtree(env[folder], ignore_errors=True)
    prepare_manifest(env)
    return run_measured(cmd, env, log)


def pipeline_run(name: str, work: Path, env: dict[str, str]) -> dict:
    """One `wellled refresh --respondents` (respondent_refresh) from scratch, with each stage's time and peak
    memory."""
    from pipelines.summary import STAGES, stage_of

    status, wall, sampler, t0 = fresh_run([PY, "-m", "pipelines.cli", "refresh", "--respondents"], env,
                                          work / f"{name}_refresh.log")
    if status != 0:
        print(f"  {name}: respondent_refresh FAILED (exit {status}); see {work / f'{name}_refresh.log'}")
    steps = run_steps(env["DAGSTER_HOME"])
    stages = {STAGE_LABELS.get(stage, stage): [0.0, 0.0] for stage in STAGES}
    for step, start, end, _ in steps:
        stage = stage_of(step)
        s = stages.setdefault(STAGE_LABELS.get(stage, stage), [0.0, 0.0])
        s[0] += end - start
        s[1] = max(s[1], sampler.peak(start, end))
    inside = sum(v[0] for v in stages.values())
    first = min((s for _, s, _, _ in steps), default=t0)
    stages["orchestration (start-up, definitions, run)"] = [wall - inside, sampler.peak(t0, first)]
    return {"status": status, "wall": wall, "peak": sampler.peak(), "stages": stages}


def baseline(kind: str, files: list[Path], work: Path, env: dict[str, str], memory_limit: str,
             kill_above: int | None = None) -> dict:
    out = work / f"{kind}_scores.parquet"
    status, wall, sampler, _ = run_measured(
        [PY, str(ROOT / "bench" / "baselines.py"), kind, str(out), memory_limit, *map(str, files)], env,
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


def national(name: str, years: tuple[int, ...], args, env: dict[str, str]) -> None:
    from pipelines.sample_data import generate

    work = args.work / name
    shutil.rmtree(work, ignore_errors=True)
    landing = work / "landing"
    started = time.perf_counter()
    generate(landing, trusts=args.trusts, years=years, seed=42, respondents="parquet")
    for folder in ("ods", "staff_survey", "wres", "board"):  # the respondent job's landing: respondents only
        shutil.rmtree(landing / folder, ignore_errors=True)
    files = sorted((landing / "respondents").rglob("*.parquet"))
    import pyarrow.parquet as pq

    rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    cols = pq.ParquetFile(files[0]).metadata.num_columns
    print(f"\n== {name}: survey years {years[0]}-{years[-1]}, {rows:,} respondents x {cols} columns "
          f"({sum(f.stat().st_size for f in files) / 1e6:.0f} MB Parquet), generated in "
          f"{time.perf_counter() - started:.0f}s")
    run_env = {**env, "WELLLED_LANDING_DIR": str(landing), "WELLLED_WAREHOUSE_DIR": str(work / "warehouse"),
               "DAGSTER_HOME": str(work / "dagster_home")}
    pipe = median_run([pipeline_run(name, work, run_env) for _ in range(args.repeat)])
    floor = median_run([baseline("floor", files, work, env, args.memory_limit) for _ in range(args.repeat)])
    pandas = baseline("pandas", files, work, env, args.memory_limit, kill_above=int(args.pandas_limit_gb * 2**30))
    numpy = baseline("numpy", files, work, env, args.memory_limit)
    published = work / "warehouse" / "published" / "wellled.duckdb"
    print(f"  {'stage':<44} {'wall':>8} {'peak RSS (tree)':>16}")
    for stage, (seconds, peak) in pipe["stages"].items():
        print(f"  {stage:<44} {seconds:7.1f}s {mb(peak):>16}")
    print(f"  {'landing -> publication (respondent_refresh)':<44} {pipe['wall']:7.1f}s {mb(pipe['peak']):>16}"
          f"   {'ok' if pipe['status'] == 0 else 'FAILED'}  {walls_text(pipe)}")
    for label, b in (("floor: one DuckDB query", floor), ("pandas (plain: melt, merge, groupby)", pandas),
                     ("pandas + numpy (tuned: wide, per year)", numpy)):
        diff = None if b.get("killed") else compare(b["scores"], published)
        bound = ">" if b.get("killed") else " "
        print(f"  {label:<44}{bound}{b['wall']:7.1f}s {mb(b['peak']):>16}   max |score - published| = "
              f"{'n/a' if diff is None else f'{diff:.1e}'}  {walls_text(b)}")
    target = 3 * floor["wall"] + FIXED_OVERHEAD_S
    met = "MET" if pipe["wall"] <= target else "MISSED"
    print(f"  ratio vs floor:  {pipe['wall'] / floor['wall']:.1f}x time ({pipe['wall']:.1f}s; target <= 3 x "
          f"{floor['wall']:.1f}s + {FIXED_OVERHEAD_S:.0f}s = {target:.1f}s: {met}), "
          f"{pipe['peak'] / max(floor['peak'], 1):.1f}x memory")
    for label, b in (("pandas (plain)", pandas), ("pandas + numpy (tuned)", numpy)):
        ahead = pipe["wall"] < b["wall"] and pipe["peak"] < b["peak"]
        bound = "<" if b.get("killed") else ""
        print(f"  ratio vs {label}: {bound}{pipe['wall'] / b['wall']:.2f}x time, {bound}"
              f"{pipe['peak'] / max(b['peak'], 1):.2f}x memory ({'ahead on both' if ahead else 'NOT ahead on both'})")
    print(f"  peak memory {mb(pipe['peak']).strip()} (target < 2048 MB: "
          f"{'MET' if pipe['peak'] < 2 * 2**30 else 'MISSED'})")


def demo(args, env: dict[str, str]) -> None:
    from pipelines.sample_data import generate

    work = args.work / "demo"
    shutil.rmtree(work, ignore_errors=True)
    started = time.perf_counter()
    generate(work / "landing", trusts=args.trusts, years=(2021, 2022, 2023, 2024), seed=42)
    generated = time.perf_counter() - started
    run_env = {**env, "WELLLED_LANDING_DIR": str(work / "landing"), "WELLLED_WAREHOUSE_DIR": str(work / "warehouse"),
               "DAGSTER_HOME": str(work / "dagster_home")}
    runs = []
    for _ in range(args.repeat):
        status, wall, sampler, _ = fresh_run([PY, "-m", "pipelines.cli", "refresh"], run_env, work / "refresh.log")
        runs.append({"status": status, "wall": wall, "peak": sampler.peak()})
    run = median_run(runs)
    ok = all(r["status"] == 0 for r in runs)
    print(f"\n== default demo refresh: {args.trusts} trusts, 2021-2024 published-level files (generated in "
          f"{generated:.0f}s)")
    print(f"  wellled refresh end to end {run['wall']:7.1f}s, peak RSS {mb(run['peak']).strip()}  "
          f"{'ok' if ok else 'FAILED'}  (target < 60s: {'MET' if run['wall'] < 60 and ok else 'MISSED'})  "
          f"{walls_text(run)}")


def definitions_load(env: dict[str, str]) -> None:
    code = ("import time; t = time.perf_counter(); from pipelines.definitions import defs; "
            "defs.get_repository_def().get_all_jobs(); print(time.perf_counter() - t)")
    times = []
    for _ in range(3):
        started = time.perf_counter()
        out = subprocess.run([PY, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, check=True)
        times.append((float(out.stdout.strip().splitlines()[-1]), time.perf_counter() - started))
    import_s, process_s = sorted(times)[1]
    print(f"\n== Dagster definitions load (prepared dbt manifest), median of 3: {import_s:.1f}s import "
          f"({process_s:.1f}s with interpreter start-up); target < 5s: {'MET' if import_s < 5 else 'MISSED'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trusts", type=int, default=210)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "wellled-bench")
    parser.add_argument("--memory-limit", default=os.environ.get("WELLLED_DUCKDB_MEMORY_LIMIT", "1GB"))
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each pipeline refresh and of the floor; the median is reported (default 3)")
    parser.add_argument("--skip-national", action="store_true", help="skip the national year and the backfill")
    parser.add_argument("--skip-backfill", action="store_true")
    parser.add_argument("--skip-demo", action="store_true")
    # The plain pandas baseline needs about 20 GB for one national year (measured): by default it may use
    # 90% of this machine's memory, and is stopped past that (its figures are then lower bounds).
    parser.add_argument("--pandas-limit-gb", type=float, default=round(0.9 * psutil.virtual_memory().total / 2**30, 1),
                        help="stop the plain pandas baseline past this resident size (default: 90%% of memory)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "WELLLED_DUCKDB_MEMORY_LIMIT": args.memory_limit,
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "PATH": str(Path(PY).parent) + os.pathsep + os.environ.get("PATH", "")}
    env.pop("WELLLED_WAREHOUSE_URL", None)
    print(f"wellled bench on {os.cpu_count()} cores, DuckDB memory_limit {args.memory_limit}, work folder {args.work}")
    definitions_load(env)
    if not args.skip_national:
        national("national year", (2024,), args, env)
    if not (args.skip_national or args.skip_backfill):
        national("backfill", (2021, 2022, 2023, 2024), args, env)
    if not args.skip_demo:
        demo(args, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
