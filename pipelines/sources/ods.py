"""ODS trusts file `etr.csv` -> raw.ods_trusts (docs/sources.md): headerless, 27 quoted fields."""

from __future__ import annotations

from ..safe_text import shown
from .csv_files import blank_to_none, iter_rows, parse_date
from .landing import LandedFile, SourceError, refuse_duplicate_keys

FIELDS = 27


def parse(file: LandedFile, keyed: dict[tuple, str]) -> list[tuple]:
    rows = []
    for number, fields in iter_rows(file):
        if len(fields) != FIELDS:
            raise SourceError(file.relpath, f"has {len(fields)} fields where the ODS trusts file has {FIELDS}.",
                              row=number, hint="Land the etr.csv file exactly as ODS publishes it (no header row).")
        code = fields[0].strip()
        if not code:
            raise SourceError(file.relpath, "has no organisation code in field 1.", row=number)
        refuse_duplicate_keys(keyed, ("ods", code), f"{file.relpath} row {number}", f"organisation {shown(code)}")
        rows.append((code, fields[1].strip(), blank_to_none(fields[2]), blank_to_none(fields[3]),
                     blank_to_none(fields[9]), parse_date(file, number, "open date (field 11)", fields[10], "%Y%m%d"),
                     parse_date(file, number, "close date (field 12)", fields[11], "%Y%m%d"),
                     blank_to_none(fields[23]), number))
    return rows
