"""NHS Sickness Absence Rates, organisation level: one CSV per data month, in the layouts NHS England used.

Months run from January of the first survey year to December of the last. Up to March 2022 the months are
in one legacy long-series file `ESR_ABSENCE_CSV_NHSE.csv` (dates like `2021-JAN`, trailing `Sort_Date`),
landed in the folder of its last month; April to June 2022 use the monthly layout without ICS columns (ICBs
became statutory on 1 July 2022); later months the monthly layout with them (`DATE` = the month's last day,
dd/mm/yyyy). Rows: every English trust open at the month's end (the legal code; the T-code trust too),
ICBs, CSUs, and one small national body whose FTE days available hover around the publisher's suppression
threshold (330): its measures are blank in the months at or below it.

Days available = FTE x days in the month; the rate moves with the trust kind, winter, the 2021-22 pandemic
waves and, inversely, the organisation's latent culture (so staff engagement and absence correlate).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from pathlib import Path

from .orgs import Universe
from .util import rng, write_csv

LEGACY_NAME = "ESR_ABSENCE_CSV_NHSE.csv"
LEGACY_END = dt.date(2022, 3, 1)
ICS_FROM = dt.date(2022, 7, 1)
SUPPRESSION_THRESHOLD = 330  # FTE days available at or below which the publisher blanks the measures
MONTHLY_HEADER = ("DATE", "NHSE_REGION_CODE", "NHSE_REGION_NAME", "ICS_CODE", "ICS_NAME", "ORG_CODE", "ORG_NAME",
                  "ORG_TYPE", "FTE_DAYS_LOST", "FTE_DAYS_AVAILABLE", "SICKNESS_ABSENCE_RATE_PERCENT")
LEGACY_HEADER = ("Date", "HEE_region_code", "HEE_region_name", "Org Code", "Org Name", "Org Type", "FTE Days Sick",
                 "FTE Days Available", "SA Rate (%)", "Sort_Date")
BASE_RATE = {"acute": 4.7, "specialist": 3.9, "mh": 5.4, "community": 5.3, "ambulance": 6.4, "icb": 2.9, "csu": 3.1,
             "national": 2.5}
ORG_TYPE = {"acute": "Acute", "specialist": "Acute - Specialist", "mh": "Mental Health", "community": "Community",
            "ambulance": "Ambulance", "icb": "Integrated Care Board", "csu": "Commissioning Support Unit",
            "national": "Special Health Authority"}
NATIONAL_BODY = ("X9P", "NHS Sample Professional Standards Authority")
MONTH_CODES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def months(universe: Universe) -> list[dt.date]:
    first, last = universe.years[0], universe.years[-1]
    return [dt.date(y, m, 1) for y in range(first, last + 1) for m in range(1, 13)]


def _organisations(universe: Universe, month: dt.date) -> list[tuple]:
    """(code, name, kind, region, ics, fte, culture) of every organisation reporting in the month."""
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    out = []
    for t in universe.trusts_on(end):
        fte = universe.workforce(t, month.year) * 0.88
        out.append((t.code, t.name, t.kind, t.region, t.icb, fte, universe.culture(t.code, month.year, t.culture0)))
    for i, (code, name, group, median, c0) in enumerate(universe.others):
        if group not in ("icb", "csu"):
            continue
        icb = next((b for b in universe.icbs if b.code == code), universe.icbs[i % len(universe.icbs)])
        out.append((code, name, group, icb.region, icb if group == "icb" else None, median * 1.4,
                    universe.culture(code, month.year, c0)))
    region = universe.regions[0]
    out.append((*NATIONAL_BODY, "national", region, None, 11.6, 0.0))
    return sorted(out, key=lambda o: o[0])


def _measures(universe: Universe, month: dt.date, org: tuple) -> tuple[str, str, str]:
    code, _, kind, _, _, fte, culture = org
    r = rng(universe.seed, code, "sickness", month)
    days = calendar.monthrange(month.year, month.month)[1]
    available = round(fte * days * math.exp(r.gauss(0, 0.01)), 2)
    if kind == "national":
        available = round(fte * days * (1 + 0.12 * math.sin(month.month)), 2)
    if available <= SUPPRESSION_THRESHOLD:
        return "", "", ""
    winter = 1 + 0.16 * math.cos((month.month - 1) * math.pi / 6)
    pandemic = 1.18 if dt.date(2021, 12, 1) <= month <= dt.date(2022, 3, 1) else 1.0
    rate = BASE_RATE[kind] * winter * pandemic * math.exp(-0.09 * culture + r.gauss(0, 0.05))
    lost = round(available * rate / 100, 2)
    return f"{lost:.2f}", f"{available:.2f}", f"{lost / available * 100:.2f}"


def write(out: Path, universe: Universe) -> int:
    """Write every month's files; return how many files were written."""
    legacy, monthly = [], {}
    for month in months(universe):
        end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        for org in _organisations(universe, month):
            code, name, kind, region, icb, _, _ = org
            lost, available, rate = _measures(universe, month, org)
            if month <= LEGACY_END:
                legacy.append((f"{month.year}-{MONTH_CODES[month.month - 1]}", region.code, region.name, code, name,
                               ORG_TYPE[kind], lost, available, rate, end.isoformat()))
                continue
            ics = (icb.code, icb.ics) if icb is not None else ("", "")
            row = (end.strftime("%d/%m/%Y"), region.code, region.name, *ics, code, name, ORG_TYPE[kind], lost,
                   available, rate)
            monthly.setdefault(month, []).append(row if month >= ICS_FROM else row[:3] + row[5:])
    files = 0
    if legacy:
        last = max(dt.date(int(r[0][:4]), MONTH_CODES.index(r[0][5:]) + 1, 1) for r in legacy)
        write_csv(out / "sickness_absence" / f"{last:%Y-%m}" / LEGACY_NAME, LEGACY_HEADER, legacy)
        files += 1
    for month, rows in monthly.items():
        header = MONTHLY_HEADER if month >= ICS_FROM else MONTHLY_HEADER[:3] + MONTHLY_HEADER[5:]
        name = f"NHS_Sickness_Absence_Rates_{MONTH_CODES[month.month - 1].title()}_{month.year}_Organisation.csv"
        write_csv(out / "sickness_absence" / f"{month:%Y-%m}" / name, header, rows)
        files += 1
    return files
