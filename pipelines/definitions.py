"""The Dagster Definitions of the wellled code location (workspace.yaml, and [tool.dg] in pyproject.toml).

Everything under pipelines/defs/ is found by Dagster's `load_from_defs_folder`: one folder per domain
(sources, respondents, models, publication), each with the same file names (assets.py, checks.py, jobs.py,
schedules.py, sensors.py where it has them), plus the resources. Only the run defaults are added here.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from .progress import progress_console

defs = dg.Definitions.merge(
    dg.load_from_defs_folder(path_within_project=Path(__file__).resolve().parent),
    dg.Definitions(
        # Also for runs of the implicit asset job (materialising a selection in the UI): steps one at a time in
        # the run's process, as the build-file pool of one requires anyway.
        executor=dg.in_process_executor,
        loggers={"console": progress_console},
    ),
)
