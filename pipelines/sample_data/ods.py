"""The ODS trusts file `ods/etr.csv`: headerless, every field quoted, 27 fields, CRLF line ends, sorted by
code, as the real extract (docs/sources.md)."""

from __future__ import annotations

from pathlib import Path

from .orgs import Trust, Universe
from .util import write_csv


def row(t: Trust) -> list[str]:
    line1, line2, line3, town, county, postcode, phone = t.address
    gor = "W" if t.region is None else t.region.gor[sum(map(ord, t.code)) % len(t.region.gor)]
    fields = [""] * 27
    fields[0:12] = [t.code, t.name.upper(), t.region.code if t.region else "", t.icb.code if t.icb else "",
                    line1, line2, line3, town, county, postcode, t.open_date.strftime("%Y%m%d"),
                    t.close_date.strftime("%Y%m%d") if t.close_date else ""]
    fields[17] = phone
    fields[21] = "1"  # amended record indicator
    fields[23] = gor
    return fields


def write(out: Path, universe: Universe) -> int:
    trusts = [t for t in universe.trusts if t.in_ods] + universe.ods_only
    rows = [row(t) for t in sorted(trusts, key=lambda t: t.code)]
    write_csv(out / "ods" / "etr.csv", None, rows, quote_all=True, line_end="\r\n")
    return 1
