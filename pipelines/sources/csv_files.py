"""Reading the CSV sources strictly: UTF-8 (a BOM is tolerated), header checked, errors naming the row.

Files are streamed line by line, so memory stays bounded whatever lands: a line over MAX_LINE_BYTES, a field
over MAX_FIELD_CHARS or a file over MAX_ROWS records is refused at that row, naming the file and the row
(docs/hostile_input.md). Values quoted in messages are escaped and cut (safe_text.shown).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator

from ..safe_text import shown
from .landing import LandedFile, SourceError, open_landed

# No field of any contract is near this long (an organisation name, a role title: under 200 characters).
MAX_FIELD_CHARS = 4_096
# One physical line: every field of the widest contract (27 fields) at the field limit fits.
MAX_LINE_BYTES = 27 * MAX_FIELD_CHARS * 4
# A national WRES file has about 40,000 rows; the ODS file under 1,000; a board register under 100.
MAX_ROWS = 2_000_000
# Counts are written in the ASCII digits 0-9, optionally negative (the raw gate then refuses it by its row);
# 18 digits always fit the warehouse's 64-bit integers.
_INTEGER = re.compile(r"-?[0-9]{1,18}", re.ASCII)
_DIGITS = re.compile(r"-?[0-9]+", re.ASCII)


def iter_rows(file: LandedFile) -> Iterator[tuple[int, list[str]]]:
    """(row, fields) of every non-blank record, `row` being the line it starts on as a spreadsheet numbers it."""
    with open_landed(file.path) as handle:
        reader = csv.reader(_lines(file, handle))
        start, records = 1, 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                raise SourceError(file.relpath, _csv_problem(error), row=start,
                                  hint="Save the file again as CSV UTF-8 from the publisher's copy.") from None
            row, start = start, reader.line_num + 1
            if not "".join(fields).strip():  # blank: no field holds anything but white space
                continue
            if max(map(len, fields)) > MAX_FIELD_CHARS:
                number, cell = next((n, c) for n, c in enumerate(fields, start=1) if len(c) > MAX_FIELD_CHARS)
                raise SourceError(file.relpath, f"field {number} holds {len(cell):,} characters, over the "
                                                f"{MAX_FIELD_CHARS:,} a field of any wellled source may hold.",
                                  row=row, hint="Check the file is the published one, not a damaged copy.")
            records += 1
            if records > MAX_ROWS:
                raise SourceError(file.relpath, f"has more than {MAX_ROWS:,} rows, more than any source wellled "
                                                "reads.", row=row, hint="Check the file is the published one.")
            yield row, fields
        if not records:
            raise SourceError(file.relpath, "is empty.", hint="Remove it, or land the complete file.")


def _lines(file: LandedFile, handle) -> Iterator[str]:
    """Decoded lines (line ends kept, for the csv module), each refused beyond MAX_LINE_BYTES or not UTF-8."""
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise SourceError(file.relpath, f"line {number} is longer than {MAX_LINE_BYTES:,} bytes: not a CSV file "
                                            "of any wellled source.", row=number,
                              hint="Check the file is the published one, saved as CSV with one record per line.")
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise SourceError(file.relpath, f"is not UTF-8 (byte 0x{raw[error.start]:02x} cannot be decoded).",
                              row=number, hint="Save it as CSV UTF-8.") from None


def _csv_problem(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return (f"has a field over {MAX_FIELD_CHARS:,} characters (an unclosed quote, or not a CSV of any wellled "
                "source).")
    return f"is not a well-formed CSV ({shown(text)})."


def read_rows(file: LandedFile) -> list[list[str]]:
    """Every non-blank record, read with the limits of iter_rows. Prefer iter_rows or records (streamed)."""
    return [fields for _, fields in iter_rows(file)]


def records(file: LandedFile, header: list[str]) -> Iterator[tuple[int, list[str]]]:
    """The data rows of a CSV whose first row is `header`: (row, fields), each with exactly the header's number
    of fields. A file with a header and no rows is refused: no contract lets a return be empty."""
    rows = iter_rows(file)
    _, first = next(rows)
    check_header(file, first, header)
    seen = False
    for row, fields in rows:
        if len(fields) != len(header):
            raise SourceError(file.relpath, f"has {len(fields)} fields where the header has {len(header)}.", row=row)
        seen = True
        yield row, fields
    if not seen:
        raise SourceError(file.relpath, "has a header row and no data rows: nothing says what it reports.",
                          row=2, hint="Land the complete file, or remove it (an absent file is not an empty one).")


def check_header(file: LandedFile, header: list[str], expected: list[str]) -> None:
    found = [h.strip() for h in header]
    if found != expected:
        missing = [c for c in expected if c not in found]
        extra = [shown(c, 40) for c in found if c not in expected][:5]
        detail = (f"missing {missing}" if missing else "") + ("; " if missing and extra else "") + \
                 (f"unexpected {extra}" if extra else "") or "columns out of order"
        raise SourceError(file.relpath, f"header does not match the contract ({detail}); expected "
                                        f"{','.join(expected)}.", row=1,
                          hint="Correct the header row (the contract's column names, in this order).")


def parse_int(file: LandedFile, row: int, column: str, text: str, *, required: bool = True) -> int | None:
    """A whole number in ASCII digits (`1_5`, full-width or other Unicode digits and `+5` are refused)."""
    text = text.strip()
    if not text and not required:
        return None
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DIGITS.fullmatch(text):
        raise SourceError(file.relpath, f"{column} '{shown(text, 30)}' has {len(text.lstrip('-'))} digits: no "
                                        "count wellled reads is that large.", row=row)
    raise SourceError(file.relpath, f"{column} '{shown(text)}' is not a whole number written in the digits 0-9.",
                      row=row)


def parse_date(file: LandedFile, row: int, column: str, text: str, fmt: str = "%Y-%m-%d") -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        if not text.isascii():  # strptime and int() would read Unicode digits
            raise ValueError(text)
        if fmt == "%Y-%m-%d":  # fromisoformat is much faster than strptime but also takes other ISO forms
            if len(text) != 10 or text[4] != "-" or text[7] != "-":
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        return dt.datetime.strptime(text, fmt).date()
    except ValueError:
        shown_format = "YYYY-MM-DD" if fmt == "%Y-%m-%d" else "YYYYMMDD"
        raise SourceError(file.relpath, f"{column} '{shown(text)}' is not a date ({shown_format}).", row=row) from None


def parse_bool(file: LandedFile, row: int, column: str, text: str) -> bool:
    value = text.strip().lower()
    if value not in ("true", "false"):
        raise SourceError(file.relpath, f"{column} '{shown(text)}' is not true or false.", row=row)
    return value == "true"


def blank_to_none(text: str) -> str | None:
    text = text.strip()
    return text or None
