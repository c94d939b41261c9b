"""WRES return CSVs -> raw.wres_returns (SOURCES.md 3.1: the project's own contract)."""

from __future__ import annotations

from .csv_files import blank_to_none, check_header, parse_int, read_rows
from .landing import LandedFile, SourceError, refuse_duplicate_keys

HEADER = ["org_code", "reporting_year", "indicator", "staff_group", "band", "ethnicity", "measure", "count"]


def parse(file: LandedFile, keyed: dict[tuple, str]) -> list[tuple]:
    rows = read_rows(file)
    check_header(file, rows[0], HEADER)
    out = []
    for number, fields in enumerate(rows[1:], start=2):
        if len(fields) != len(HEADER):
            raise SourceError(file.relpath, f"has {len(fields)} fields where the header has {len(HEADER)}.", row=number)
        org = fields[0].strip()
        year = parse_int(file, number, "reporting_year", fields[1])
        if str(year) != file.period:
            raise SourceError(file.relpath, f"reporting_year {year} disagrees with its folder wres/{file.period}/.",
                              row=number, hint=f"Move the file to wres/{year}/ or correct the year.")
        refuse_duplicate_keys(keyed, ("wres", year, org), file.relpath, f"the {year} WRES return of {org}")
        out.append((org, year, parse_int(file, number, "indicator", fields[2]), blank_to_none(fields[3]),
                    blank_to_none(fields[4]), fields[5].strip(), fields[6].strip(),
                    parse_int(file, number, "count", fields[7]), number))
    return out
