"""The landing folder: finding each source's files, their period keys, hashes and readable errors.

Layout (SOURCES.md section 0): `ods/etr.csv`, `staff_survey/<YYYY>/*.xlsx`, `wres/<YYYY>/*.csv`,
`board/<YYYY-MM-DD>/*.csv`, `respondents/<YYYY>/*.parquet|csv`; the outcome sources
`sickness_absence/<YYYY-MM>/*.csv`, `cqc_ratings/<YYYY-MM-DD>/*.ods|xlsx` and `fft/<YYYY-MM>/*.xlsm|xlsx`.
A file in the wrong place is refused with an error naming it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

# Official XLSX files are a few MB; anything decompressing past this is refused before it is opened.
MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024


class SourceError(ValueError):
    """Bad input: says which file, sheet and row, which rule it broke, and what to do."""

    def __init__(self, file: str | Path, problem: str, *, sheet: str | None = None, row: int | None = None,
                 hint: str | None = None):
        self.file, self.problem, self.sheet, self.row, self.hint = str(file), problem, sheet, row, hint
        where = self.file + (f", sheet '{sheet}'" if sheet else "") + (f", row {row}" if row else "")
        super().__init__(f"{where}: {problem}" + (f" {hint}" if hint else ""))


@dataclass(frozen=True)
class LandedFile:
    source: str
    period: str | None  # "2024" or "2024-03-31"; None for reference data
    path: Path  # absolute
    relpath: str  # relative to the landing folder, as shown to users and stored as lineage
    sha256: str


_PERIOD_PATTERNS = {
    "staff_survey": (re.compile(r"^\d{4}$"), "a survey year such as 2024"),
    "wres": (re.compile(r"^\d{4}$"), "a reporting year such as 2024"),
    "board": (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "an as-at date such as 2024-03-31"),
    "respondents": (re.compile(r"^\d{4}$"), "a survey year such as 2024"),
    "sickness_absence": (re.compile(r"^\d{4}-\d{2}$"), "a data month such as 2024-06"),
    "cqc_ratings": (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "a release date such as 2026-09-01"),
    "fft": (re.compile(r"^\d{4}-\d{2}$"), "a data month such as 2024-06"),
}
_SUFFIXES = {"ods": (".csv",), "staff_survey": (".xlsx",), "wres": (".csv",), "board": (".csv",),
             "respondents": (".parquet", ".csv"), "sickness_absence": (".csv",), "cqc_ratings": (".ods", ".xlsx"),
             "fft": (".xlsm", ".xlsx")}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def discover(landing: Path, source: str) -> list[LandedFile]:
    """Every file landed for a source, sorted by period then name. Empty when the source is absent."""
    root = landing / source
    if not root.is_dir():
        return []
    if source == "ods":
        return [_landed(landing, source, None, p) for p in sorted(root.glob("*.csv"))]
    pattern, example = _PERIOD_PATTERNS[source]
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(landing)
        parts = path.relative_to(root).parts
        if len(parts) != 2 or not pattern.match(parts[0]):
            raise SourceError(rel, f"is not in a period folder: {source} files belong in {source}/<period>/, "
                                   f"where <period> is {example}.", hint="Move the file into its period folder.")
        if path.suffix.lower() not in _SUFFIXES[source]:
            raise SourceError(rel, f"is not a {'/'.join(_SUFFIXES[source])} file, which {source} expects.",
                              hint="Remove it from the landing folder or convert it.")
        if source in ("board", "cqc_ratings"):
            _check_date(rel, parts[0])
        elif source in ("sickness_absence", "fft"):
            _check_month(rel, parts[0])
        found.append(_landed(landing, source, parts[0], path))
    return found


def _landed(landing: Path, source: str, period: str | None, path: Path) -> LandedFile:
    return LandedFile(source, period, path, path.relative_to(landing).as_posix(), sha256_file(path))


def _check_date(rel: Path, text: str) -> None:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise SourceError(rel, f"folder '{text}' is not a real date.", hint="Name the folder YYYY-MM-DD.") from None


def _check_month(rel: Path, text: str) -> None:
    if not 1 <= int(text[5:7]) <= 12:
        raise SourceError(rel, f"folder '{text}' is not a real month.",
                          hint="Name the folder YYYY-MM (the data month).")


def check_xlsx_container(file: LandedFile, max_bytes: int = MAX_XLSX_UNCOMPRESSED_BYTES) -> None:
    """Refuse a file that is not an XLSX (zip) or that would decompress to an implausible size."""
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
