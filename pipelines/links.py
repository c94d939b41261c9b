"""A folder made current by one atomic rename of a relative symbolic link (the stable Parquet set and the
profile site of the current publication)."""

from __future__ import annotations

import os
from pathlib import Path


def swap_link(link: Path, target: Path) -> None:
    """Point `link` at the folder `target` with one atomic rename: whoever resolves the link gets the old
    folder or the new one, never neither. The link is relative, so the warehouse folder can be moved or
    copied whole; a file opened through the old target stays readable while it is kept."""
    if not target.is_dir():
        raise FileNotFoundError(f"{target} is missing: {link} cannot point at it")
    if link.exists() and not link.is_symlink():
        raise FileExistsError(f"{link} is a real folder where wellled keeps a link to the current one: move it "
                              "away, then run the command again")
    staged = link.with_name(f".{link.name}.next")
    staged.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, link.parent), staged, target_is_directory=True)
    os.replace(staged, link)
