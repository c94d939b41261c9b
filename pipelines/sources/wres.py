"""WRES return CSVs -> raw.wres_returns (docs/sources.md: the project's own contract).

Per-row rules (known codes, non-negative counts, bands that fit their staff group) are the raw GX suite's
(`expectations/raw_wres_returns.json`). The rules that compare two rows are checked here, so that a refusal
names the file and the row of the offending count:
- indicator 2: appointed <= shortlisted, per ethnic group;
- indicator 3: entered_disciplinary <= headcount; indicator 4: accessed_cpd <= headcount, per ethnic group;
- a count of events needs the count of people it is drawn from.
"""

from __future__ import annotations

from ..safe_text import shown
from .csv_files import blank_to_none, parse_int, records
from .landing import LandedFile, SourceError, refuse_duplicate_keys

HEADER = ["org_code", "reporting_year", "indicator", "staff_group", "band", "ethnicity", "measure", "count"]

# indicator -> (events measure, people measure it is drawn from, what the rule says in words)
EVENTS_WITHIN_PEOPLE: dict[int, tuple[str, str, str]] = {
    2: ("appointed", "shortlisted", "people appointed from shortlisting cannot outnumber those shortlisted"),
    3: ("entered_disciplinary", "headcount",
        "staff entering a formal disciplinary process cannot outnumber the headcount"),
    4: ("accessed_cpd", "headcount", "staff accessing non-mandatory training/CPD cannot outnumber the headcount"),
}


def parse(file: LandedFile, keyed: dict[tuple, str]) -> list[tuple]:
    out = []
    for number, fields in records(file, HEADER):
        org = fields[0].strip()
        year = parse_int(file, number, "reporting_year", fields[1])
        if str(year) != file.period:
            raise SourceError(file.relpath, f"reporting_year {year} disagrees with its folder wres/{file.period}/.",
                              row=number, hint=f"Move the file to wres/{year}/ or correct the year.")
        refuse_duplicate_keys(keyed, ("wres", year, org), file.relpath, f"the {year} WRES return of {shown(org)}")
        out.append((org, year, parse_int(file, number, "indicator", fields[2]), blank_to_none(fields[3]),
                    blank_to_none(fields[4]), fields[5].strip(), fields[6].strip(),
                    parse_int(file, number, "count", fields[7]), number))
    check_events_within_people(file, out)
    return out


def check_events_within_people(file: LandedFile, parsed: list[tuple]) -> None:
    """Refuse a count of events above the count of people it is drawn from, naming the events' row.

    `parsed` holds the parser's tuples: (org, year, indicator, staff_group, band, ethnicity, measure, count,
    row). Codes are compared as the GX suite reads them (trimmed, lower case); unknown codes are left to it.
    """
    counts: dict[tuple, tuple[int, int]] = {}
    for org, year, indicator, group, band, ethnicity, measure, count, row in parsed:
        if indicator in EVENTS_WITHIN_PEOPLE:
            key = (org.upper(), year, indicator, group, band, ethnicity.lower(), measure.lower())
            counts.setdefault(key, (count, row))
    for (org, year, indicator, group, band, ethnicity, measure), (events, row) in counts.items():
        events_measure, people_measure, rule = EVENTS_WITHIN_PEOPLE[indicator]
        if measure != events_measure:
            continue
        people = counts.get((org, year, indicator, group, band, ethnicity, people_measure))
        where = f"{shown(org)} {year}, indicator {indicator}, {shown(ethnicity)}"
        if people is None:
            if events > 0:
                raise SourceError(file.relpath, f"gives {events_measure} {events} ({where}) without the "
                                                f"{people_measure} count it is drawn from.", row=row,
                                  hint=f"Add the {people_measure} row for this group.")
            continue
        if events > people[0]:
            raise SourceError(file.relpath, f"{events_measure} {events} exceeds {people_measure} {people[0]} (row "
                                            f"{people[1]}) for {where}: {rule}.", row=row,
                              hint="Correct the counts in the return and land it again.")
