"""Run one job of the wellled code location in this process, as `wellled refresh` runs national_refresh.

    python bench/run_job.py respondent_refresh
"""

from __future__ import annotations

import os
import sys
import time


def main(job: str) -> int:
    from pipelines import settings

    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home()))
    settings.ensure_dagster_home()
    started = time.monotonic()
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.summary import print_summary

    print(f"[bench] definitions loaded in {time.monotonic() - started:.1f}s", file=sys.stderr, flush=True)
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def(job).execute_in_process(instance=instance, raise_on_error=False,
                                                              run_config={"loggers": {"console": {}}})
        status = print_summary(result, instance, time.monotonic() - started)
        if os.environ.get("BENCH_STEPS"):  # step start / end times (epoch seconds) for the bench's stages
            import json

            steps, starts = [], {}
            for entry in instance.all_logs(result.run_id):
                event = entry.dagster_event
                if event is None or event.step_key is None:
                    continue
                if event.event_type_value == "STEP_START":
                    starts[event.step_key] = entry.timestamp
                elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in starts:
                    steps.append([event.step_key, starts[event.step_key], entry.timestamp])
            with open(os.environ["BENCH_STEPS"], "w") as handle:
                json.dump(steps, handle)
        return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "respondent_refresh"))
