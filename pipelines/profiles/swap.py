"""Make a freshly built profile site current in one atomic step, and keep it in step with the publication.

Each site is built into `published/versions/profiles_<version>/` (beside the DuckDB file of the version it
was built from) and `published/profiles` is a relative symlink to it, replaced by one `os.replace`: a browser
opening a page sees the old site or the new one, never a mix. Sites of versions the publication has pruned
are removed; the current one never is.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..links import swap_link

LINK = "profiles"


def version_folder(published: Path, version: str) -> Path:
    return published / "versions" / f"profiles_{version}"


def staging_folder(published: Path, version: str) -> Path:
    """Where a site is written before it is complete (a leftover of an interrupted build is removed first)."""
    folder = published / "versions" / f".profiles_{version}.partial"
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def make_current(published: Path, staged: Path, version: str) -> Path:
    """Move the complete site into its version folder, then point `published/profiles` at it."""
    final = version_folder(published, version)
    if final.exists():
        shutil.rmtree(final)
    os.replace(staged, final)
    point_to(published, version)
    return published / LINK


def point_to(published: Path, version: str) -> bool:
    """Point `published/profiles` at the site of `version` if it was built; False when it was not."""
    if not version_folder(published, version).is_dir():
        return False
    swap_link(published / LINK, version_folder(published, version))
    return True


def current_version(published: Path) -> str | None:
    link = published / LINK
    return os.readlink(link).split("profiles_", 1)[-1] if link.is_symlink() else None


def prune(published: Path, kept_versions: list[str]) -> None:
    """Remove sites of versions no longer kept by the publication, and leftovers of interrupted builds."""
    folder = published / "versions"
    current = current_version(published)
    for leftover in folder.glob(".profiles_*.partial"):
        shutil.rmtree(leftover, ignore_errors=True)
    for site in folder.glob("profiles_*"):
        version = site.name.removeprefix("profiles_")
        if version != current and version not in kept_versions:
            shutil.rmtree(site, ignore_errors=True)


def replace_folder(target: Path, staged: Path) -> None:
    """For `--out DIR`: swap a complete site into a plain folder (rename the old one away, then drop it)."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)
