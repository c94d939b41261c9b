"""WRES returns: one CSV per English trust per reporting year (`wres/<YYYY>/WRES_<org_code>_<YYYY>.csv`,
the contract of docs/sources.md), for the reporting years survey year + 1.

Indicator 1: headcount per staff group and band by ethnicity (BME share from the trust's region, rising
1.2 points a year; over-represented in band 5 nursing and medical grades, under-represented from band 8a
up, less so where culture is better; 1-7% unknown, one trust above 10% when trusts >= 20). Indicators
3 and 4 use the same headcounts. Indicator 2: appointment from shortlisting with a relative likelihood
around 1.55 (worse where culture is worse); 3: disciplinary entry around 1.15 (the smallest trust has no
BME case); 4: CPD access around 1.05. Indicator 9: counted from the board register as at 31 March of the
reporting year, except the universe's `mismatch_trust` in the last reporting year (one member's ethnicity
moved between white and BME).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from . import board
from .orgs import Trust, Universe
from .util import binomial, largest_remainder, rng, write_csv

HEADER = ("org_code", "reporting_year", "indicator", "staff_group", "band", "ethnicity", "measure", "count")
ETHNICITIES = ("white", "bme", "unknown")
AFC_BANDS = ("under_1", "band_1", "band_2", "band_3", "band_4", "band_5", "band_6", "band_7", "band_8a",
             "band_8b", "band_8c", "band_8d", "band_9", "vsm")
MEDICAL_BANDS = ("consultant", "career_grade", "trainee", "other_medical")
# Share of the workforce per band (percent) and BME representation relative to the trust's BME share.
BAND_SHARES = {
    "non_clinical": (0.5, 1.0, 25, 22, 17, 10, 8, 7, 4.5, 2.3, 1.2, 0.7, 0.3, 0.3),
    "clinical": (0.2, 0.1, 10, 14, 6, 25, 24, 13, 4.5, 1.5, 0.6, 0.3, 0.1, 0.1),
    "medical": (40, 12, 40, 8),
}
BME_RELATIVE = {
    "non_clinical": (1.0, 1.1, 1.0, 0.9, 0.8, 0.75, 0.7, 0.65, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3),
    "clinical": (1.0, 1.0, 1.1, 1.0, 0.9, 1.6, 1.05, 0.7, 0.55, 0.5, 0.45, 0.4, 0.35, 0.35),
    "medical": (1.4, 2.0, 1.6, 1.8),
}
GROUP_SHARES = {"acute": (0.30, 0.58, 0.12), "specialist": (0.32, 0.54, 0.14), "mh": (0.30, 0.64, 0.06),
                "community": (0.33, 0.64, 0.03), "ambulance": (0.30, 0.695, 0.005)}


def _headcounts(trust: Trust, universe: Universe, year: int, culture: float) -> list[tuple[str, str, dict]]:
    r = rng(universe.seed, trust.code, "wres1", year)
    workforce, bme = universe.workforce(trust, year), universe.bme_share(trust, year)
    out = []
    groups = largest_remainder(workforce, GROUP_SHARES[trust.kind])
    for (group, shares), total in zip(BAND_SHARES.items(), groups, strict=True):
        bands = AFC_BANDS if group != "medical" else MEDICAL_BANDS
        noisy = [s * math.exp(r.gauss(0, 0.1)) for s in shares]
        for band, n, rel in zip(bands, largest_remainder(total, noisy), BME_RELATIVE[group], strict=True):
            unknown = binomial(r, n, trust.unknown_share)
            relative = 1 + (rel - 1) * (1 - 0.15 * max(-2.0, min(2.0, culture)))
            b = binomial(r, n - unknown, min(0.95, bme * relative))
            out.append((group, band, {"white": n - unknown - b, "bme": b, "unknown": unknown}))
    return out


def _likelihood(r, centre: float, culture: float, slope: float, spread: float) -> float:
    return math.exp(r.gauss(math.log(centre) - slope * culture, spread))


def return_rows(trust: Trust, universe: Universe, year: int, board_counts: dict, smallest: bool) -> list[tuple]:
    r = rng(universe.seed, trust.code, "wres", year)
    culture = universe.culture(trust.code, year - 1, trust.culture0)
    rows: list[tuple] = []
    totals = dict.fromkeys(ETHNICITIES, 0)
    for group, band, counts in _headcounts(trust, universe, year, culture):
        for e in ETHNICITIES:
            rows.append((trust.code, year, 1, group, band, e, "headcount", counts[e]))
            totals[e] += counts[e]
    # 2: shortlisting -> appointment
    shortlisted_total = round(universe.workforce(trust, year) * r.uniform(0.2, 0.45))
    bme_share = min(0.9, universe.bme_share(trust, year) * r.uniform(1.2, 1.5))
    unknown = binomial(r, shortlisted_total, 0.03)
    shortlisted = {"bme": binomial(r, shortlisted_total - unknown, bme_share), "unknown": unknown}
    shortlisted["white"] = shortlisted_total - unknown - shortlisted["bme"]
    white_rate = r.uniform(0.1, 0.22)
    rates = {"white": white_rate, "bme": white_rate / _likelihood(r, 1.55, culture, 0.12, 0.18),
             "unknown": white_rate * r.uniform(0.8, 1.0)}
    for e in ETHNICITIES:
        rows.append((trust.code, year, 2, "", "", e, "shortlisted", shortlisted[e]))
    for e in ETHNICITIES:
        rows.append((trust.code, year, 2, "", "", e, "appointed", binomial(r, shortlisted[e], rates[e])))
    # 3: formal disciplinary; 4: non-mandatory training / CPD (same headcounts as indicator 1)
    white_rate = r.uniform(0.003, 0.008)
    rates = {"white": white_rate, "bme": white_rate * _likelihood(r, 1.15, culture, 0.12, 0.3), "unknown": white_rate}
    entered = {e: binomial(r, totals[e], rates[e]) for e in ETHNICITIES}
    if smallest:
        entered["bme"] = 0
    for measure, values in (("headcount", totals), ("entered_disciplinary", entered)):
        rows += [(trust.code, year, 3, "", "", e, measure, values[e]) for e in ETHNICITIES]
    white_rate = r.uniform(0.5, 0.85)
    rates = {"white": white_rate, "bme": min(0.98, white_rate / _likelihood(r, 1.05, culture, 0.03, 0.07)),
             "unknown": white_rate * 0.9}
    accessed = {e: binomial(r, totals[e], rates[e]) for e in ETHNICITIES}
    for measure, values in (("headcount", totals), ("accessed_cpd", accessed)):
        rows += [(trust.code, year, 4, "", "", e, measure, values[e]) for e in ETHNICITIES]
    # 9: board
    for (voting, band, e), n in board_counts.items():
        rows.append((trust.code, year, 9, voting, band, e, "board_members", n))
    return rows


def _mismatch(counts: dict) -> dict:
    """Move one voting member between white and BME (a return that disagrees with the register)."""
    counts = dict(counts)
    for band in ("executive", "non_executive"):
        if counts[("voting", band, "white")]:
            counts[("voting", band, "white")] -= 1
            counts[("voting", band, "bme")] += 1
            return counts
    counts[("voting", "non_executive", "bme")] -= 1
    counts[("voting", "non_executive", "white")] += 1
    return counts


def write(out: Path, universe: Universe, registers: dict) -> int:
    n = 0
    for year in universe.reporting_years:
        day = dt.date(year, 3, 31)
        trusts = universe.returning_trusts_on(day)
        smallest = min(trusts, key=lambda t: universe.workforce(t, year)).code
        for trust in trusts:
            counts = board.composition(registers[trust.code][day])
            if trust.code == universe.mismatch_trust and year == universe.reporting_years[-1]:
                counts = _mismatch(counts)
            rows = return_rows(trust, universe, year, counts, trust.code == smallest)
            write_csv(out / "wres" / str(year) / f"WRES_{trust.code}_{year}.csv", HEADER, rows)
            n += 1
    return n
