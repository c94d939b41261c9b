"""Dagster's own project tool finds and validates the definitions ([tool.dg] in pyproject.toml)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_dg_check_defs_passes():
    env = {**os.environ, "VIRTUAL_ENV": str(Path(sys.executable).parent.parent)}
    done = subprocess.run([str(Path(sys.executable).parent / "dg"), "check", "defs"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All definitions loaded successfully" in done.stdout + done.stderr
