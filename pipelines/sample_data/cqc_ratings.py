"""CQC "Latest ratings": one OpenDocument spreadsheet per release, 1 September of each survey year.

`cqc_ratings/<YYYY-09-01>/01_September_<YYYY>_Latest_ratings.ods`, with a `Locations` sheet (one location per
trust, 28 columns) and a `Providers` sheet (21 columns, header in row 1) in CQC's long layout: one row per
provider, service or population group and domain. Every NHS trust open on the release date has its own
ratings (Service / Population Group `Overall`, Report Type `Provider`) for Overall and the five key questions,
plus two core services (Report Type `CoreService`); independent-sector and social care providers are listed
too, so a reader must pick NHS trusts out.

Ratings come from inspections every two to four years; each key question follows the trust's latent culture
at the inspection (Well-led most closely), so ratings are often years older than the release. The first
acute trust has a focused well-led inspection before the second release that moves its Well-led rating one
step, so its history changes between releases. The merger's successor inherits its first predecessor's
ratings (Inherited Rating Y). The first ambulance trust's Effective rating is "Insufficient evidence to rate".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .opendocument import write_ods
from .orgs import MERGER_PREDECESSORS, MERGER_SUCCESSOR, Trust, Universe
from .util import rng

PROVIDER_HEADER = (
    "Provider ID", "Provider ODS Code", "Provider Name", "Provider Type", "Provider Primary Inspection Category",
    "Provider Street Address", "Provider Address Line 2", "Provider City", "Provider Post Code",
    "Provider Local Authority", "Provider Region", "Provider NHS Region", "Service / Population Group", "Domain",
    "Latest Rating", "Publication Date", "Report Type", "Inherited Rating (Y/N)", "URL", "Brand ID", "Brand Name")
LOCATION_HEADER = (
    "Location ID", "Location ODS Code", "Location Name", "Care Home?", "Location Type",
    "Location Primary Inspection Category", "Location Street Address", "Location Address Line 2", "Location City",
    "Location Post Code", "Location Local Authority", "Location Region", "Location NHS Region",
    "Location ONSPD CCG Code", "Location ONSPD CCG", "Location Commissioning CCG Code",
    "Location Commissioning CCG Name", "Service / Population Group", "Domain", "Latest Rating", "Publication Date",
    "Report Type", "Inherited Rating (Y/N)", "URL", "Provider ID", "Provider Name", "Brand ID", "Brand Name")
DOMAINS = ("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led")
RATINGS = ("Inadequate", "Requires improvement", "Good", "Outstanding")
# Key question -> (mean rating position 1-4 at average culture, weight of culture)
DOMAIN_MODEL = {"Safe": (2.3, 0.35), "Effective": (2.7, 0.3), "Caring": (3.1, 0.25), "Responsive": (2.6, 0.3),
                "Well-led": (2.6, 0.55)}
CATEGORY = {"acute": "Acute hospital - NHS non-specialist", "specialist": "Acute hospital - NHS specialist",
            "mh": "Mental health - community & hospital based", "community": "Community health - NHS & Independent",
            "ambulance": "Ambulance service"}
CORE_SERVICES = ("Urgent and emergency services", "Medical care (including older people's care)")
OTHER_PROVIDERS = (("1-101000001", "Independent Healthcare Org", "{p} Private Hospitals Ltd"),
                   ("1-101000002", "Independent Healthcare Org", "{p} Eye Clinic Ltd"),
                   ("1-101000003", "Social Care Org", "{p} Care Homes Ltd"),
                   ("1-101000004", "Primary Medical Services", "{p} Medical Practice"))
NHS_TRUST = "NHS Healthcare Organisation"


def releases(universe: Universe) -> list[dt.date]:
    return [dt.date(year, 9, 1) for year in universe.years]


def _position(universe: Universe, trust: Trust, domain: str, day: dt.date, salt: str) -> int:
    mean, weight = DOMAIN_MODEL[domain]
    culture = universe.culture(trust.code, day.year, trust.culture0)
    noise = rng(universe.seed, trust.code, "cqc", domain, day, salt).gauss(0, 0.45)
    return max(1, min(4, round(mean + weight * culture + noise)))


def _inspections(universe: Universe, trust: Trust) -> list[dt.date]:
    r = rng(universe.seed, trust.code, "inspections")
    day = dt.date(universe.years[0] - 4, 1, 1) + dt.timedelta(days=r.randint(0, 3 * 365))
    out = []
    while day < dt.date(universe.years[-1], 9, 1):
        out.append(day)
        day += dt.timedelta(days=r.randint(24 * 30, 48 * 30))
    return out


def ratings(universe: Universe, trust: Trust, release: dt.date) -> dict[str, tuple[str, dt.date]]:
    """Domain -> (rating, publication date) of a trust's latest ratings published before the release."""
    held = [d for d in _inspections(universe, trust) if d < release] or [_inspections(universe, trust)[0]]
    inspected = held[-1]
    positions = {d: _position(universe, trust, d, inspected, "full") for d in DOMAIN_MODEL}
    out = {d: (RATINGS[p - 1], inspected) for d, p in positions.items()}
    focused = _focused_inspection(universe, trust)
    if focused and inspected < focused < release:
        moved = positions["Well-led"] + (1 if positions["Well-led"] < 3 else -1)
        positions["Well-led"] = moved
        out["Well-led"] = (RATINGS[moved - 1], focused)
    overall = max(1, min(4, round(sum(positions.values()) / len(positions) - 0.1)))
    out["Overall"] = (RATINGS[overall - 1], max(day for _, day in out.values()))
    if trust.kind == "ambulance" and trust is next(t for t in universe.trusts if t.kind == "ambulance"):
        out["Effective"] = ("Insufficient evidence to rate", inspected)
    return out


def _focused_inspection(universe: Universe, trust: Trust) -> dt.date | None:
    """The first acute trust's (else the first trust's) focused well-led inspection, between the first two releases."""
    first_acute = next((t for t in universe.trusts if t.kind == "acute" and not t.units),
                       next(t for t in universe.trusts if not t.units))
    dates = releases(universe)
    if trust is not first_acute or len(dates) < 2:
        return None
    return dates[1] - dt.timedelta(days=90)


def _provider_rows(universe: Universe, release: dt.date) -> list[tuple]:
    rows = []
    predecessor = next((t for t in universe.trusts if t.code == MERGER_PREDECESSORS[0]), None)
    for trust in universe.trusts_on(release):
        inherited = trust.code == MERGER_SUCCESSOR and predecessor is not None
        held = ratings(universe, predecessor if inherited else trust, release)
        address = trust.address or ("TRUST HEADQUARTERS", "", "", "", "", "")
        base = (trust.code, trust.code, trust.name, NHS_TRUST, CATEGORY[trust.kind], address[0].title(),
                address[1].title(), address[3].title(), address[5], f"{address[3].title()} Council",
                trust.region.name, f"NHS England {trust.region.name}")
        url = f"https://www.cqc.org.uk/provider/{trust.code}"
        for domain in DOMAINS:
            rating, day = held[domain]
            rows.append((*base, "Overall", domain, rating, day, "Provider", "Y" if inherited else "N", url, "-", "-"))
        for service in CORE_SERVICES:
            for domain in DOMAINS:
                position = _position(universe, trust, domain if domain in DOMAIN_MODEL else "Well-led", release,
                                     service)
                rows.append((*base, service, domain, RATINGS[position - 1], held["Overall"][1], "CoreService", "N",
                             url, "-", "-"))
    for k, (provider_id, kind, template) in enumerate(OTHER_PROVIDERS):
        icb = universe.icbs[k % len(universe.icbs)]
        name = template.format(p=icb.ics.split(" and ")[0])
        day = release - dt.timedelta(days=200 + 90 * k)
        category = "Independent hospital" if "Health" in kind else "Other"
        base = (provider_id, "", name, kind, category, "1 Main Road", "", "Sampletown", "AB1 2CD", "Sample Council",
                icb.region.name, f"NHS England {icb.region.name}")
        for domain in DOMAINS:
            rows.append((*base, "Overall", domain, "Good", day, "Provider", "N",
                         f"https://www.cqc.org.uk/provider/{provider_id}", "-", "-"))
    return rows


def _location_rows(universe: Universe, release: dt.date) -> list[tuple]:
    rows = []
    for k, trust in enumerate(universe.trusts_on(release)):
        held = ratings(universe, trust, release)
        location = f"{trust.code}{k:02d}"
        rating, day = held["Overall"]
        rows.append((f"RX{k:07d}", location, f"{trust.name.split(' NHS')[0]} Main Site", "N", NHS_TRUST,
                     CATEGORY[trust.kind], "Hospital Road", "", "Sampletown", "AB1 2CD", "Sample Council",
                     trust.region.name, f"NHS England {trust.region.name}", "E38000001", "NHS Sample CCG", "E38000001",
                     "NHS Sample CCG", "Overall", "Overall", rating, day, "Location", "N",
                     f"https://www.cqc.org.uk/location/{location}", trust.code, trust.name, "-", "-"))
    return rows


def write(out: Path, universe: Universe) -> int:
    for release in releases(universe):
        path = out / "cqc_ratings" / release.isoformat() / f"01_{release:%B}_{release.year}_Latest_ratings.ods"
        write_ods(path, [("Locations", [LOCATION_HEADER, *_location_rows(universe, release)]),
                         ("Providers", [PROVIDER_HEADER, *_provider_rows(universe, release)])])
    return len(releases(universe))
