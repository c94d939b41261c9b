"""Reading the CSV sources strictly: UTF-8 (a BOM is tolerated), header checked, errors naming the row."""

from __future__ import annotations

import csv
import datetime as dt
import io

from .landing import LandedFile, SourceError


def read_rows(file: LandedFile) -> list[list[str]]:
    raw = file.path.read_bytes()
    if not raw.strip():
        raise SourceError(file.relpath, "is empty.", hint="Remove it, or land the complete file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise SourceError(file.relpath, f"is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded).", row=row,
                          hint="Save it as CSV UTF-8.") from None
    return [row for row in csv.reader(io.StringIO(text, newline="")) if any(cell.strip() for cell in row)]


def check_header(file: LandedFile, header: list[str], expected: list[str]) -> None:
    found = [h.strip() for h in header]
    if found != expected:
        missing = [c for c in expected if c not in found]
        extra = [c for c in found if c not in expected]
        detail = (f"missing {missing}" if missing else "") + ("; " if missing and extra else "") + \
                 (f"unexpected {extra}" if extra else "") or "columns out of order"
        raise SourceError(file.relpath, f"header does not match the contract ({detail}); expected "
                                        f"{','.join(expected)}.", row=1, hint="See SOURCES.md for the format.")


def parse_int(file: LandedFile, row: int, column: str, text: str, *, required: bool = True) -> int | None:
    text = text.strip()
    if not text and not required:
        return None
    try:
        return int(text)
    except ValueError:
        raise SourceError(file.relpath, f"{column} '{text}' is not a whole number.", row=row) from None


def parse_date(file: LandedFile, row: int, column: str, text: str, fmt: str = "%Y-%m-%d") -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        if fmt == "%Y-%m-%d":  # fromisoformat is 10x faster than strptime but also takes other ISO forms
            if len(text) != 10 or text[4] != "-" or text[7] != "-":
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        return dt.datetime.strptime(text, fmt).date()
    except ValueError:
        shown = "YYYY-MM-DD" if fmt == "%Y-%m-%d" else "YYYYMMDD"
        raise SourceError(file.relpath, f"{column} '{text}' is not a date ({shown}).", row=row) from None


def parse_bool(file: LandedFile, row: int, column: str, text: str) -> bool:
    value = text.strip().lower()
    if value not in ("true", "false"):
        raise SourceError(file.relpath, f"{column} '{text}' is not true or false.", row=row)
    return value == "true"


def blank_to_none(text: str) -> str | None:
    text = text.strip()
    return text or None
