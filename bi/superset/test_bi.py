"""`make test-bi`: the wellled dashboard bundle imported into a fresh, real Superset 6.1 and every chart's query
run, against a small sample publication read from the DuckDB file and from the PostgreSQL `wellled serve`
serves. Exits non-zero when an import or a chart fails."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WELLLED = [sys.executable, "-m", "pipelines.cli"]
SUPERSET = [str(ROOT / "bi" / "superset" / "superset.sh"), "check"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="wellled-test-bi-") as folder:
        work = Path(folder)
        env = {**os.environ, "WELLLED_LANDING_DIR": str(work / "landing"),
               "WELLLED_WAREHOUSE_DIR": str(work / "warehouse"), "DAGSTER_HOME": str(work / "dagster_home")}
        print("Publishing a small sample (6 trusts, 2023-2024)...", flush=True)
        subprocess.run([*WELLLED, "demo", "--trusts", "6", "--years", "2023-2024"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results = {}
        print("Superset against the DuckDB file:", flush=True)
        results["duckdb"] = subprocess.run(SUPERSET, cwd=ROOT, env={**env, "SUPERSET_HOME": str(work / "ss_duckdb")})
        port = free_port()
        serve_env = {**env, "WELLLED_SERVE_PORT": str(port)}
        server = subprocess.Popen([*WELLLED, "serve"], cwd=ROOT, env=serve_env, stdout=subprocess.PIPE, text=True,
                                  start_new_session=True)
        try:
            for line in server.stdout:
                if "Ctrl-C" in line:
                    break
            else:
                print(f"wellled serve ended with {server.wait()}", file=sys.stderr)
                return 1
            print(f"Superset against the served PostgreSQL (127.0.0.1:{port}, wellled_reader):", flush=True)
            results["postgres"] = subprocess.run(SUPERSET, cwd=ROOT, env={
                **serve_env, "SUPERSET_HOME": str(work / "ss_postgres"), "SUPERSET_DB": "postgres"})
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(timeout=60)
    failed = [name for name, done in results.items() if done.returncode]
    if failed:
        print(f"test-bi failed against: {', '.join(failed)}")
    print(f"test-bi: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
