"""Board register CSVs -> raw.board_registers (SOURCES.md section 4: the project's own contract)."""

from __future__ import annotations

from .csv_files import blank_to_none, check_header, parse_bool, parse_date, read_rows
from .landing import LandedFile, SourceError, refuse_duplicate_keys

HEADER = ["org_code", "as_at_date", "post_id", "member_id", "role_title", "role_category", "is_executive",
          "is_voting", "is_interim", "gender", "ethnic_category", "start_date", "end_date"]


def parse(file: LandedFile, keyed: dict[tuple, str]) -> list[tuple]:
    rows = read_rows(file)
    check_header(file, rows[0], HEADER)
    out = []
    for number, f in enumerate(rows[1:], start=2):
        if len(f) != len(HEADER):
            raise SourceError(file.relpath, f"has {len(f)} fields where the header has {len(HEADER)}.", row=number)
        org = f[0].strip()
        as_at = parse_date(file, number, "as_at_date", f[1])
        if as_at is None or as_at.isoformat() != file.period:
            raise SourceError(file.relpath, f"as_at_date {f[1].strip() or '(blank)'} disagrees with its folder "
                                            f"board/{file.period}/.", row=number,
                              hint="Move the file to the folder of its as-at date or correct the date.")
        refuse_duplicate_keys(keyed, ("board", as_at, org), file.relpath, f"the {as_at} register of {org}")
        out.append((org, as_at, f[2].strip(), blank_to_none(f[3]), f[4].strip(), f[5].strip(),
                    parse_bool(file, number, "is_executive", f[6]), parse_bool(file, number, "is_voting", f[7]),
                    parse_bool(file, number, "is_interim", f[8]), blank_to_none(f[9]), blank_to_none(f[10]),
                    parse_date(file, number, "start_date", f[11]), parse_date(file, number, "end_date", f[12]),
                    number))
    return out
