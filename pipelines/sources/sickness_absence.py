"""NHS Sickness Absence Rates, organisation level (NHS England, monthly CSV) -> raw.sickness_absence_rates.

Layouts are recognised by the header row (docs/sources.md, "Sickness absence"):

- `monthly`: one month per file, `DATE` as dd/mm/yyyy (the month's last day), with ICS columns;
- `monthly_no_ics`: the same without `ICS_CODE,ICS_NAME` (2021-22 files);
- `legacy`: the long series `ESR_ABSENCE_CSV_NHSE.csv` (April 2009 - March 2022), dates like `2014-APR`, an
  optional trailing `Sort_Date`; it lands in the folder of any month it covers.

The benchmarking variant (staff-group rows) and anything else are refused by name. A row whose three
measures are all blank is suppressed (the publisher blanks organisations with 330 FTE days available or
fewer): kept as null with `is_suppressed`, never read as zero. Ranges, codes and the rate's agreement with
its counts are the raw suite's rules (`expectations/raw_sickness_absence_rates.json`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .csv_files import read_rows
from .landing import LandedFile, SourceError, refuse_duplicate_keys
from .months import folder_month

_MONTHLY_ID = ["DATE", "NHSE_REGION_CODE", "NHSE_REGION_NAME"]
_MONTHLY_ORG = ["ORG_CODE", "ORG_NAME", "ORG_TYPE", "FTE_DAYS_LOST", "FTE_DAYS_AVAILABLE",
                "SICKNESS_ABSENCE_RATE_PERCENT"]
LEGACY_HEADER = ["Date", "HEE_region_code", "HEE_region_name", "Org Code", "Org Name", "Org Type", "FTE Days Sick",
                 "FTE Days Available", "SA Rate (%)"]


@dataclass(frozen=True)
class Layout:
    name: str
    header: tuple[str, ...]
    # Positions of month, region code and name, ICS code and name (None when absent), org code, name, type,
    # days lost, days available, rate.
    fields: tuple[int | None, ...]


LAYOUTS = (
    Layout("monthly", (*_MONTHLY_ID, "ICS_CODE", "ICS_NAME", *_MONTHLY_ORG), (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
    Layout("monthly_no_ics", (*_MONTHLY_ID, *_MONTHLY_ORG), (0, 1, 2, None, None, 3, 4, 5, 6, 7, 8)),
    Layout("legacy", tuple(LEGACY_HEADER), (0, 1, 2, None, None, 3, 4, 5, 6, 7, 8)),
    Layout("legacy", (*LEGACY_HEADER, "Sort_Date"), (0, 1, 2, None, None, 3, 4, 5, 6, 7, 8)),
)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_HINT = "See docs/sources.md (Sickness absence) for the layouts wellled reads."


def recognise(file: LandedFile, header: list[str]) -> Layout:
    found = tuple(h.strip() for h in header)
    for layout in LAYOUTS:
        if found == layout.header:
            return layout
    if "STAFF_GROUP" in found:
        raise SourceError(file.relpath, "is the sickness absence benchmarking layout (rows per staff group, with "
                                        "CLUSTER_GROUP, BENCHMARK_GROUP, STAFF_GROUP), which wellled does not read.",
                          row=1, hint="Land the organisation-level monthly file (all staff groups together).")
    raise SourceError(file.relpath, f"header is not a sickness absence layout wellled recognises; found "
                                    f"{','.join(found)}. Recognised: the monthly file ({','.join(LAYOUTS[0].header)}), "
                                    "the same without ICS_CODE,ICS_NAME, or the legacy series "
                                    f"({','.join(LEGACY_HEADER)}[,Sort_Date]).", row=1, hint=_HINT)


def parse(file: LandedFile, keyed: dict[tuple, str]) -> list[tuple]:
    rows = read_rows(file)
    layout = recognise(file, rows[0])
    out: list[tuple] = []
    seen: dict[tuple, int] = {}
    for number, fields in enumerate(rows[1:], start=2):
        if len(fields) != len(layout.header):
            raise SourceError(file.relpath, f"has {len(fields)} fields where the header has {len(layout.header)}.",
                              row=number)
        m, rc, rn, ic, iname, oc, on, ot, lost_at, available_at, rate_at = layout.fields
        month = _month(file, number, fields[m], legacy=layout.name == "legacy")
        org = fields[oc].strip().upper()
        if not org:
            raise SourceError(file.relpath, "has no organisation code.", row=number, hint=_HINT)
        if (org, month) in seen:
            raise SourceError(file.relpath, f"gives {org} for {month:%Y-%m} twice (rows {seen[org, month]} and "
                                            f"{number}).", row=number, hint="Remove the duplicate row.")
        seen[org, month] = number
        # A monthly file and the legacy series may both give a month (the monthly file wins in staging);
        # two files of one kind may not.
        kind = "legacy" if layout.name == "legacy" else "monthly"
        refuse_duplicate_keys(keyed, ("sickness_absence", kind, month, org), file.relpath,
                              f"the {month:%Y-%m} sickness absence of {org}")
        lost, available, rate = (_number(file, number, layout.header[i], fields[i])
                                 for i in (lost_at, available_at, rate_at))
        suppressed = lost is None and available is None and rate is None
        out.append((month, org, fields[on].strip(), _text(fields[ot]), _text(fields[rc]), _text(fields[rn]),
                    None if ic is None else _text(fields[ic]), None if iname is None else _text(fields[iname]),
                    lost, available, rate, suppressed, layout.name, number))
    _check_period(file, layout, [row[0] for row in out])
    return out


def _check_period(file: LandedFile, layout: Layout, months: list[dt.date]) -> None:
    folder = folder_month(file.period)
    if not months:
        raise SourceError(file.relpath, "has a header but no rows.", hint="Land the complete file.")
    if layout.name == "legacy":
        if not min(months) <= folder <= max(months):
            raise SourceError(file.relpath, f"is the legacy series covering {min(months):%Y-%m} to "
                                            f"{max(months):%Y-%m}, but sits in folder {file.period}, outside it.",
                              hint=f"Move it to sickness_absence/{max(months):%Y-%m}/ (any month it covers).")
        return
    other = sorted({m for m in months if m != folder})
    if other:
        raise SourceError(file.relpath, f"holds {other[0]:%Y-%m} data but sits in folder sickness_absence/"
                                        f"{file.period}/ (a monthly file holds its folder's month only).",
                          row=2 + months.index(other[0]),
                          hint=f"Move it to sickness_absence/{other[0]:%Y-%m}/ or land the {file.period} file.")


def _month(file: LandedFile, row: int, text: str, *, legacy: bool) -> dt.date:
    text = text.strip()
    try:
        if legacy:
            year, month = text.split("-")
            return dt.date(int(year), _MONTHS.index(month.upper()) + 1, 1)
        day = dt.datetime.strptime(text, "%d/%m/%Y").date()
        return day.replace(day=1)
    except ValueError:
        shown = "YYYY-MON (e.g. 2014-APR)" if legacy else "dd/mm/yyyy (e.g. 30/06/2024)"
        raise SourceError(file.relpath, f"date '{text}' is not {shown}, as this layout writes it.", row=row,
                          hint=_HINT) from None


def _number(file: LandedFile, row: int, column: str, text: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise SourceError(file.relpath, f"{column} '{text}' is not a number (a suppressed value is blank).",
                          row=row, hint=_HINT) from None


def _text(text: str) -> str | None:
    return text.strip() or None
