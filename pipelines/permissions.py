"""Owner-only files and folders for everything that may hold special-category data.

The build warehouse holds every board member's gender and ethnic category; run folders (dbt's artefacts and
logs, console output, gate records), the runs' Data Docs, the failure alerts and Dagster's own storage hold
samples and messages drawn from it. They are created owner-only: folders 0700 (which also covers files a
library creates inside them, such as DuckDB's write-ahead log), and the build file itself 0600. The
published warehouse is not: BI users read it, and it holds only what the disclosure rule lets out.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

OWNER_ONLY_DIR = 0o700
OWNER_ONLY_FILE = 0o600


def owner_only_dir(path: Path, *, below: Path | None = None) -> Path:
    """Create `path` (and its missing parents) owner-only; folders between `below` and `path` that already
    exist are made owner-only too (a warehouse created by an earlier version had them 0755)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
    folder = path
    while True:
        os.chmod(folder, OWNER_ONLY_DIR)
        if below is None or folder.parent == below or folder.parent == folder or below not in folder.parents:
            break
        folder = folder.parent
    return path


def owner_only_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.chmod(path, OWNER_ONLY_FILE)
