"""The synthetic NHS: regions, ICBs, trusts (with a merger, a split reporting trust, closures) and other
survey units, each with the latent traits that drive every source (culture, size, ethnic mix).

All names are fictional place names; codes follow the ODS patterns (trusts `R` + 2 characters without I or
O, ICBs `Q` + 2, CSUs `0` + 2, social enterprises `N` + 2, one new-style 5-character code).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from .util import largest_remainder, rng

# code, name, GOR letters, share of trusts (2024 survey), BME share of the workforce
REGIONS = (
    ("Y56", "London", "H", 35, 0.44),
    ("Y58", "South West", "K", 19, 0.13),
    ("Y59", "South East", "J", 30, 0.21),
    ("Y60", "Midlands", "FE", 40, 0.27),
    ("Y61", "East of England", "G", 22, 0.22),
    ("Y62", "North West", "B", 31, 0.19),
    ("Y63", "North East and Yorkshire", "DA", 33, 0.14),
)
POSTCODE_AREAS = {"Y56": "E N SE SW W NW", "Y58": "BS EX PL TQ TA BA", "Y59": "RG OX PO SO GU ME BN",
                  "Y60": "B CV DE NG LE ST WV", "Y61": "CB NR IP CO LU CM", "Y62": "M L PR BB CH WA",
                  "Y63": "LS S YO NE SR HU BD"}

# Trust kinds: England 2024 counts (sum 210), survey benchmarking group, benchmark workbook sheet,
# median workforce headcount.
KINDS = {
    "acute": (122, "Acute and Acute & Community Trusts", "Acute&Acute Community Trusts", 8000),
    "specialist": (13, "Acute Specialist Trusts", "Acute Specialist Trusts", 2600),
    "mh": (50, "Mental Health & Learning Disability and Mental Health, Learning Disability & Community Trusts",
           "MH&LD, MH, LD&Community Trusts", 5000),
    "community": (14, "Community Trusts", "Community Trusts", 3500),
    "ambulance": (11, "Ambulance Trusts", "Ambulance Trusts", 5500),
}
OTHER_GROUPS = {"icb": "ICBs", "csu": "CSUs", "se": "Social Enterprises - Community",
                "se_mh": "Social Enterprises - Mental Health", "css": "Community Surgical Services"}
_PREFIXES = ("Ash Bram Brack Cold Dun Elm Fern Glen Hart Hazel Holm Kings Lark Marsh Mill Oak Pen Red Rook "
             "Sand Stan Thorn Wold Wyn Alder Bur Cal Dray Ever Fal Gold Heath Lyn Nor Ock Pel Quen Rav Sel "
             "Tam Ul Ver Wel Yar").split()
_SUFFIXES = ("bridge by combe dale field ford ham holme ley mere moor stead ton wick worth bury chester gate well "
             "vale").split()
_NAMES = {
    "acute": ("{p} Hospitals NHS Foundation Trust", "University Hospitals of {p} NHS Trust",
              "{p} and {q} Hospitals NHS Foundation Trust", "{p} General Hospital NHS Trust"),
    "specialist": ("{p} Children's Hospital NHS Foundation Trust", "{p} Heart and Chest Hospital NHS Foundation Trust",
                   "{p} Cancer Centre NHS Foundation Trust", "{p} Orthopaedic Hospital NHS Trust"),
    "mh": ("{p} Partnership NHS Foundation Trust", "{p} Mental Health NHS Trust",
           "{p} and {q} Health and Care NHS Foundation Trust"),
    "community": ("{p} Community Healthcare NHS Trust", "{p} Community Health NHS Foundation Trust"),
    "ambulance": ("{p} Ambulance Service NHS Trust", "{p} Ambulance Service University NHS Foundation Trust"),
    "csu": ("NHS {p} CSU",), "se": ("{p} Community Health CIC",), "se_mh": ("{p} Care Partnership CIC",),
    "css": ("{p} Surgical Group",), "welsh": ("{p} NHS Trust",),
}
SURVEY_CENSUS = (9, 30)  # a unit takes part in a survey year if it exists on 30 September (fieldwork)


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    gor: str
    bme: float


@dataclass(frozen=True)
class Icb:
    code: str
    name: str  # "NHS X and Y ICB"
    ics: str  # "X and Y"
    region: Region


@dataclass
class Trust:
    """A legal organisation in etr.csv (and, when English, in WRES and board registers)."""

    code: str
    name: str
    kind: str  # acute | mh | community | specialist | ambulance | welsh
    region: Region | None
    icb: Icb | None
    open_date: dt.date
    close_date: dt.date | None = None
    in_ods: bool = True
    culture0: float = 0.0
    workforce0: int = 0
    bme0: float = 0.2
    unknown_share: float = 0.04
    response_rate: float = 0.45
    units: tuple[tuple[str, str, str, float], ...] = ()  # split reporting: (code, name, kind, share)
    address: tuple[str, ...] = field(default=(), repr=False)

    def exists_on(self, day: dt.date) -> bool:
        return self.open_date <= day and (self.close_date is None or day < self.close_date)


@dataclass(frozen=True)
class Unit:
    """A staff survey reporting unit in one survey year."""

    code: str
    name: str
    group: str  # kind or other group key
    region: str  # region name or '-'
    ics: str  # ICS name or '-'
    weighting: str
    responses: int
    culture: float
    bme: float  # BME share of respondents (of those stating an ethnicity)
    legal: str | None  # legal trust code for trust units

    @property
    def benchmarking_group(self) -> str:
        return KINDS[self.group][1] if self.group in KINDS else OTHER_GROUPS[self.group]

    @property
    def catalogue_group(self) -> str:
        return {"se_mh": "se", "css": "se"}.get(self.group, self.group)


@dataclass
class Universe:
    seed: int
    years: tuple[int, ...]
    regions: list[Region]
    icbs: list[Icb]
    trusts: list[Trust]  # English legal trusts that report (includes closed predecessors and successor)
    ods_only: list[Trust]  # Welsh and long-closed trusts: in etr.csv only
    others: list[tuple[str, str, str, int, float]]  # (code, name, group, median responses, culture0)
    mismatch_trust: str | None  # the trust whose WRES indicator 9 deliberately disagrees with its board

    @property
    def reporting_years(self) -> tuple[int, ...]:
        return tuple(y + 1 for y in self.years)

    def culture(self, code: str, year: int, base: float) -> float:
        """Latent culture (standardised staff engagement) of an organisation in a year: persistent AR(1)."""
        return _culture_path(self.seed, code, base)[year]

    def workforce(self, trust: Trust, reporting_year: int) -> int:
        noise = rng(self.seed, trust.code, "wf", reporting_year).gauss(0, 0.015)
        return max(300, round(trust.workforce0 * (1.025 ** (reporting_year - 2022)) * (1 + noise)))

    def bme_share(self, trust: Trust, reporting_year: int) -> float:
        return min(0.75, max(0.04, trust.bme0 + 0.012 * (reporting_year - 2022)))

    def trusts_on(self, day: dt.date) -> list[Trust]:
        return [t for t in self.trusts if t.exists_on(day)]

    def returning_trusts_on(self, day: dt.date) -> list[Trust]:
        """Trusts with a WRES return and a board register: those in etr.csv.

        The T-code trust is left out: the raw_wres_returns / raw_board_registers suites accept only `R` + 2
        or 5-character codes, although real T-code trusts (TAD, TAF, ...) do submit WRES returns.
        """
        return [t for t in self.trusts_on(day) if t.in_ods]

    def survey_units(self, year: int) -> list[Unit]:
        """Reporting units of a survey year, sorted by code as the published files are."""
        census = dt.date(year, *SURVEY_CENSUS)
        out = []
        for t in self.trusts_on(census):
            c = self.culture(t.code, year, t.culture0)
            rr = min(0.8, max(0.15, t.response_rate + rng(self.seed, t.code, "rr", year).gauss(0, 0.03)))
            total = self.workforce(t, year + 1) * rr
            parts = t.units or ((t.code, t.name, t.kind, 1.0),)
            for code, name, kind, share in parts:
                ics = "-" if kind == "ambulance" else t.icb.ics
                out.append(Unit(code, name, kind, t.region.name, ics, "Occupation Group", max(12, round(total * share)),
                                c, self.bme_share(t, year + 1) * 0.92, t.code))
        for code, name, group, median, c0 in self.others:
            r = rng(self.seed, code, "responses", year)
            n = max(12, round(median * math.exp(r.gauss(0, 0.08))))
            weighting = "Occupation Group" if group in ("se", "se_mh") else "Unweighted"
            out.append(Unit(code, name, group, "-", "-", weighting, n, self.culture(code, year, c0), 0.15, None))
        return sorted(out, key=lambda u: u.code)


@cache
def _culture_path(seed: int, code: str, base: float) -> dict[int, float]:
    path, c = {}, base
    for year in range(2015, 2041):
        c = 0.88 * c + math.sqrt(1 - 0.88**2) * rng(seed, code, "culture", year).gauss(0, 1)
        path[year] = c
    return path


# --- building ---------------------------------------------------------------------------------------
def _allocate_kinds(n: int) -> list[str]:
    counts = dict(zip(KINDS, largest_remainder(n, [k[0] for k in KINDS.values()]), strict=True))
    if n >= len(KINDS):  # every kind present, taken from the largest
        for kind in KINDS:
            while counts[kind] == 0:
                donor = max(counts, key=counts.get)
                counts[donor] -= 1
                counts[kind] += 1
    return [kind for kind in KINDS for _ in range(counts[kind])]


class _Names:
    def __init__(self, seed: int):
        places = [p + s for p in _PREFIXES for s in _SUFFIXES]
        rng(seed, "places").shuffle(places)
        self._places = iter(places)
        self._r = rng(seed, "name-templates")

    def place(self) -> str:
        return next(self._places)

    def org(self, kind: str) -> tuple[str, str]:
        """(organisation name, its main town)."""
        template, town = self._r.choice(_NAMES[kind]), self.place()
        return template.format(p=town, q=self.place()), town


# The sample merger's codes (seed org_successors.csv); never drawn for another organisation.
MERGER_MIN_TRUSTS = 6
MERGER_SUCCESSOR, MERGER_PREDECESSORS = "G9Z8S", ("RZ8", "RZ9")


class _Codes:
    def __init__(self, seed: int):
        chars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
        self._pools = {}
        for lead in "RQ0NT":
            pool = [lead + a + b for a in chars for b in chars if lead != "R" or a + b != "1F"]
            rng(seed, "codes", lead).shuffle(pool)
            self._pools[lead] = iter(pool)

    def next(self, lead: str) -> str:
        code = next(self._pools[lead])
        while code in MERGER_PREDECESSORS:
            code = next(self._pools[lead])
        return code


def _address(r, place: str, region: Region | None) -> tuple[str, ...]:
    """Fields 5-10 and 18 of etr.csv: address lines, town, (blank), postcode, phone."""
    line1 = r.choice(("TRUST HEADQUARTERS", f"{place.upper()} GENERAL HOSPITAL", f"{place.upper()} HOUSE",
                      "TRUST OFFICES"))
    line2 = "" if r.random() < 0.16 else f"{r.randint(1, 250)} {r.choice(('HOSPITAL', 'STATION', 'PARK', 'MILL'))} ROAD"
    line3 = r.choice(("", "", "", f"{place.upper()} BUSINESS PARK"))
    areas = POSTCODE_AREAS[region.code].split() if region else ["CF", "SA", "LL"]
    postcode = f"{r.choice(areas)}{r.randint(1, 29)} {r.randint(1, 9)}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
               f"{r.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    phone = "" if r.random() < 0.06 else f"01{r.randint(100, 999)} {r.randint(100000, 999999)}"
    return (line1, line2, line3, place.upper(), "", postcode, phone)


def build(trusts: int, years: Sequence[int], seed: int) -> Universe:
    years = tuple(sorted(set(years)))
    if trusts < 5:
        raise ValueError("trusts must be at least 5 (one of each trust type)")
    names, codes = _Names(seed), _Codes(seed)
    regions = [Region(c, n, g, b) for c, n, g, _, b in REGIONS]
    n_icbs = min(42, max(2, round(trusts / 5)))
    region_icbs = largest_remainder(n_icbs, [r[3] for r in REGIONS])
    if trusts < 20:  # tiny scale: the ICBs in the largest regions
        order = sorted(range(len(REGIONS)), key=lambda i: -REGIONS[i][3])[:n_icbs]
        region_icbs = [1 if i in order else 0 for i in range(len(REGIONS))]
    icbs = []
    for region, k in zip(regions, region_icbs, strict=True):
        for _ in range(k):
            ics = f"{names.place()} and {names.place()}" if len(icbs) % 3 == 0 else names.place()
            icbs.append(Icb(codes.next("Q"), f"NHS {ics} ICB", ics, region))
    big = trusts >= 20
    kinds = _allocate_kinds(trusts)
    out: list[Trust] = []
    for i, kind in enumerate(kinds):
        r = rng(seed, "trust", i)
        icb = icbs[i % len(icbs)] if kind != "ambulance" else icbs[(i * 7) % len(icbs)]
        open_date = dt.date(r.choice((1991, 1992, 1993, 1994, 1999, 2001, 2008, 2011, 2016, 2019)), 4, 1)
        name, town = names.org(kind)
        t = Trust(codes.next("R"), name, kind, icb.region, icb, open_date)
        _traits(t, r)
        t.address = _address(r, town, icb.region)
        out.append(t)
    # One trust reports as two units (an acute and an ambulance sector), like R1F -> R1F1 / R1F2.
    split = next(t for t in out if t.kind == "acute")
    split.units = ((split.code + "1", f"{split.name} (acute sector)", "acute", 0.88),
                   (split.code + "2", f"{split.name} (ambulance sector)", "ambulance", 0.12))
    ods_only: list[Trust] = []
    if trusts >= MERGER_MIN_TRUSTS:
        # A merger in the period: two mental health trusts close on 31 October, a successor with a
        # new-style 5-character code opens on 1 November (like G6V2S in 2024). Fixed codes, listed in the
        # dbt seed org_successors.csv, so every sample's merged history continues under the successor.
        merge_year = years[-2] if len(years) > 1 else years[-1]
        successor = next(t for t in out if t.kind == "mh" and t is not split)
        r = rng(seed, "merger")
        successor.code = MERGER_SUCCESSOR
        successor.open_date = dt.date(merge_year, 11, 1)
        for k in range(2):
            name, town = names.org("mh")
            pred = Trust(MERGER_PREDECESSORS[k], name, "mh", successor.region, successor.icb,
                         dt.date(1994, 4, 1), dt.date(merge_year, 10, 31))
            _traits(pred, rng(seed, "predecessor", k))
            pred.workforce0 = successor.workforce0 // 2
            pred.address = _address(r, town, pred.region)
            out.append(pred)
    if big:
        # A trust in the survey that etr.csv does not list (like TAD, TAF, TAH, TAJ in 2024).
        tcode = next(t for t in out if t.kind == "mh" and t is not successor and t.close_date is None)
        tcode.code, tcode.in_ods = codes.next("T"), False
        next(t for t in out if t.kind == "community").unknown_share = 0.12  # raises the WRES quality flag
        for k in range(2):  # Welsh trusts: blank region and ICB, GOR W; not in English sources
            r = rng(seed, "welsh", k)
            name, town = names.org("welsh")
            w = Trust(codes.next("R"), name, "welsh", None, None, dt.date(1994 + 4 * k, 4, 1))
            w.address = _address(r, town, None)
            ods_only.append(w)
    for k in range(max(1, trusts // 20)):  # closed long ago (mergers before the period)
        r = rng(seed, "closed", k)
        icb = icbs[k % len(icbs)]
        kind = r.choice(("acute", "mh", "community"))
        month, day = r.choice(((3, 31), (6, 30), (9, 30), (12, 31)))
        name, town = names.org(kind)
        t = Trust(codes.next("R"), name, kind, icb.region, icb, dt.date(1993, 4, 1),
                  dt.date(r.randint(2006, 2019), month, day))
        t.address = _address(r, town, icb.region)
        ods_only.append(t)
    others = [(icb.code, icb.name, "icb", 382, rng(seed, icb.code).gauss(0, 1)) for icb in icbs]
    other_specs = [("csu", "0", 1145)] * (3 if big else 1) + [("se", "N", 60)]
    if big:
        other_specs += [("se", "N", 530)] * 4 + [("se_mh", "N", 520), ("css", "N", 65)]
    for group, lead, median in other_specs:
        code = codes.next(lead)
        others.append((code, names.org(group)[0], group, median, rng(seed, code).gauss(0, 1)))
    out.sort(key=lambda t: t.code)
    mismatch = next((t.code for t in out if t.kind == "acute" and t is not split), None) if big else None
    return Universe(seed, years, regions, icbs, out, ods_only, others, mismatch)


def _traits(t: Trust, r) -> None:
    t.culture0 = r.gauss(0, 1)
    t.workforce0 = max(400, round(KINDS[t.kind][3] * math.exp(r.gauss(0, 0.45))))
    t.bme0 = min(0.7, max(0.05, t.region.bme * math.exp(r.gauss(0, 0.3))))
    t.unknown_share = r.uniform(0.01, 0.07)
    t.response_rate = r.uniform(0.3, 0.6) if t.kind != "ambulance" else r.uniform(0.25, 0.5)
