"""The landing folder: finding each source's files, their period keys, hashes and readable errors.

Layout: `ods/etr.csv`, `staff_survey/<YYYY>/*.xlsx`, `wres/<YYYY>/*.csv`, `board/<YYYY-MM-DD>/*.csv`,
`respondents/<YYYY>/*.parquet|csv`; the outcome sources `sickness_absence/<YYYY-MM>/*.csv`,
`cqc_ratings/<YYYY-MM-DD>/*.ods|xlsx` and `fft/<YYYY-MM>/*.xlsm|xlsx`. A file in the wrong place is refused
with an error naming it. Nothing outside the landing folder is read: a symbolic link (to a file or a folder)
is never followed, and is reported as skipped (docs/hostile_input.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..safe_text import escape, shown

# Official XLSX files are a few MB; anything decompressing past this is refused before it is opened.
MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024


class SourceError(ValueError):
    """Bad input: says which file, sheet and row, which rule it broke, and what to do."""

    def __init__(self, file: str | Path, problem: str, *, sheet: str | None = None, row: int | None = None,
                 hint: str | None = None):
        # Escaped here, once: a file name or a quoted cell may hold terminal escape sequences.
        self.file, self.problem = escape(str(file)), escape(problem)
        self.sheet, self.row, self.hint = escape(sheet) if sheet else sheet, row, hint
        where = self.file + (f", sheet '{self.sheet}'" if sheet else "") + (f", row {row}" if row else "")
        super().__init__(f"{where}: {self.problem}" + (f" {hint}" if hint else ""))


@dataclass(frozen=True)
class LandedFile:
    source: str
    period: str | None  # "2024" or "2024-03-31"; None for reference data
    path: Path  # absolute
    relpath: str  # relative to the landing folder, as shown to users and stored as lineage
    sha256: str


# Period keys are ASCII and exact: `fullmatch` on ASCII digits (`\\d` and `$` would take Unicode digits and a
# trailing newline). Every key also starts with a plausible year (FIRST_YEAR to next year).
_PERIOD_PATTERNS = {
    "staff_survey": (re.compile(r"[0-9]{4}", re.ASCII), "a survey year such as 2024"),
    "wres": (re.compile(r"[0-9]{4}", re.ASCII), "a reporting year such as 2024"),
    "board": (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII), "an as-at quarter end such as 2024-03-31"),
    "respondents": (re.compile(r"[0-9]{4}", re.ASCII), "a survey year such as 2024"),
    "sickness_absence": (re.compile(r"[0-9]{4}-[0-9]{2}", re.ASCII), "a data month such as 2024-06"),
    "cqc_ratings": (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII), "a release date such as 2026-09-01"),
    "fft": (re.compile(r"[0-9]{4}-[0-9]{2}", re.ASCII), "a data month such as 2024-06"),
}
_SUFFIXES = {"ods": (".csv",), "staff_survey": (".xlsx",), "wres": (".csv",), "board": (".csv",),
             "respondents": (".parquet", ".csv"), "sickness_absence": (".csv",), "cqc_ratings": (".ods", ".xlsx"),
             "fft": (".xlsm", ".xlsx")}
# No source wellled reads has a period before this year (the raw gates' plausible range starts there too).
FIRST_YEAR = 2010
# Board registers describe a board as at a quarter end (month, day).
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


def period_problem(source: str, key: str, today: dt.date | None = None) -> str | None:
    """Why `key` cannot be a period of `source` (None when it can): not ASCII, not the exact form, a year
    outside FIRST_YEAR..next year, not a real date or month, or (board) not a quarter end."""
    pattern, example = _PERIOD_PATTERNS[source]
    if not key.isascii() or not pattern.fullmatch(key):
        return f"'{shown(key, 20)}' is not a {source} period: a period is {example}."
    last = (today or dt.date.today()).year + 1
    if not FIRST_YEAR <= int(key[:4]) <= last:
        return f"'{key}' is not a plausible {source} period: the year must be {FIRST_YEAR} to {last}."
    if len(key) == 7:
        if not 1 <= int(key[5:7]) <= 12:
            return f"'{key}' is not a real month: name the folder YYYY-MM (the data month)."
    elif len(key) == 10:
        try:
            date = dt.date.fromisoformat(key)
        except ValueError:
            return f"'{key}' is not a real date: name the folder YYYY-MM-DD."
        if source == "board" and (date.month, date.day) not in QUARTER_ENDS:
            return (f"'{key}' is not a quarter end: a board register describes the board as at 31 March, 30 June, "
                    "30 September or 31 December.")
    return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open_landed(path) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_landed(path: Path):
    """Open a landed file for reading in binary, refusing (OSError) one that became a symbolic link since it
    was found: O_NOFOLLOW, so the check and the read cannot be told apart by a swapped link."""
    return os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb")


def discover(landing: Path, source: str, skipped: list[str] | None = None) -> list[LandedFile]:
    """Every file landed for a source, sorted by period then name. Empty when the source is absent.

    Symbolic links (to files or folders, the source folder itself included) and anything that is not a regular
    file are never read: their paths, relative to the landing folder, are appended to `skipped` when given.
    Hidden entries (a name starting with '.') are ignored.
    """
    skipped = [] if skipped is None else skipped
    root = landing / source
    try:
        mode = os.lstat(root).st_mode
    except FileNotFoundError:
        return []
    if stat.S_ISLNK(mode):
        skipped.append(f"{source}/ (a symbolic link: the whole source folder is skipped)")
        return []
    if not stat.S_ISDIR(mode):
        return []
    regular = sorted(_regular_files(landing, root, skipped))
    if source == "ods":
        return [_landed(landing, source, None, p) for p in regular
                if p.parent == root and p.suffix.lower() == ".csv"]
    example = _PERIOD_PATTERNS[source][1]
    found = []
    for path in regular:
        rel = path.relative_to(landing)
        parts = path.relative_to(root).parts
        if len(parts) != 2:
            raise SourceError(rel, f"is not in a period folder: {source} files belong in {source}/<period>/, "
                                   f"where <period> is {example}.", hint="Move the file into its period folder.")
        problem = period_problem(source, parts[0])
        if problem:
            raise SourceError(rel, f"sits in folder {source}/{parts[0]}/: {problem}",
                              hint="Move the file into the folder of its period.")
        if path.suffix.lower() not in _SUFFIXES[source]:
            raise SourceError(rel, f"is not a {'/'.join(_SUFFIXES[source])} file, which {source} expects.",
                              hint="Remove it from the landing folder or convert it.")
        found.append(_landed(landing, source, parts[0], path))
    return found


def _regular_files(landing: Path, folder: Path, skipped: list[str]):
    """Regular files under `folder`, walked without following any symbolic link."""
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            rel = path.relative_to(landing).as_posix()
            if entry.is_symlink():
                skipped.append(f"{rel} (a symbolic link)")
            elif entry.is_dir(follow_symlinks=False):
                yield from _regular_files(landing, path, skipped)
            elif entry.is_file(follow_symlinks=False):
                yield path
            else:
                skipped.append(f"{rel} (not a regular file)")


def _landed(landing: Path, source: str, period: str | None, path: Path) -> LandedFile:
    return LandedFile(source, period, path, path.relative_to(landing).as_posix(), sha256_file(path))


def _check_month(rel: Path, text: str) -> None:
    if not 1 <= int(text[5:7]) <= 12:
        raise SourceError(rel, f"folder '{text}' is not a real month.",
                          hint="Name the folder YYYY-MM (the data month).")


def check_xlsx_container(file: LandedFile, max_bytes: int | None = None) -> None:
    """Refuse a file that is not an XLSX (zip) or that would decompress to more than `max_bytes` (default
    MAX_XLSX_UNCOMPRESSED_BYTES, read at call time)."""
    max_bytes = MAX_XLSX_UNCOMPRESSED_BYTES if max_bytes is None else max_bytes
    try:
        with zipfile.ZipFile(file.path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise SourceError(file.relpath, "is not a readable XLSX workbook (not a zip container; truncated or "
                                        "another format).", hint="Download it again from the publisher.") from None
    if size > max_bytes:
        raise SourceError(file.relpath, f"decompresses to {size / 1e6:.0f} MB, over the "
                                        f"{max_bytes / 1e6:.0f} MB limit for an official workbook.",
                          hint="Check the file is the published one.")


def refuse_duplicate_keys(keyed: dict[tuple, str], key: tuple, relpath: str, what: str) -> None:
    """Two files giving the same key (source, period, organisation) are refused, naming both."""
    if key in keyed and keyed[key] != relpath:
        raise SourceError(relpath, f"gives {what} already given by {keyed[key]}.",
                          hint="Remove the stale file from the landing folder.")
    keyed[key] = relpath
