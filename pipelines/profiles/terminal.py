"""`wellled profiles` and `wellled trust`: the profile site and one trust's figures from the command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .headlines import Headline, flags, headlines
from .published import PublicationMissing, load_current
from .rows import ORGANISATIONS, trust_tables
from .workbook import trust_workbook


def profiles_command(out: Path | None) -> int:
    from .site import publish_site

    started = time.monotonic()
    try:
        result = publish_site(out)
    except PublicationMissing as missing:
        print(f"wellled: {missing}", file=sys.stderr)
        return 1
    print(f"Profiles of publication {result.version}: {result.pages} organisations in "
          f"{time.monotonic() - started:.1f}s. Open {result.folder / 'index.html'} in a browser.")
    return 0


def trust_command(code: str, xlsx: Path | None) -> int:
    """Print the trust's headline figures, its flags and where each comes from; optionally write its workbook."""
    try:
        publication = load_current()
    except PublicationMissing as missing:
        print(f"wellled: {missing}", file=sys.stderr)
        return 1
    code = code.strip().upper()
    organisations = publication.table(ORGANISATIONS)
    known = organisations["org_code"].tolist() if "org_code" in organisations.columns else []
    if code not in known:
        near = sorted(c for c in known if c.startswith(code[:2]))[:8]
        print(f"wellled: {code} is not an organisation of publication {publication.version} (dim_organisation)."
              + (f" Codes starting {code[:2]}: {', '.join(near)}." if near else ""), file=sys.stderr)
        return 1
    org = organisations.set_index("org_code", drop=False).loc[code]
    names = _names(publication)
    well_led = publication.rows("select * from fct_well_led_indicators where org_code = ?", [code]) \
        if publication.has("fct_well_led_indicators", "org_code", "indicator_code", "period") else []
    print(f"{org.get('org_name', code)} ({code})")
    print(" · ".join(str(v) for v in (org.get("org_kind"), org.get("benchmarking_group"), org.get("region_name"))
                     if isinstance(v, str)))
    print(f"publication {publication.version}, run {publication.run_id}, published {publication.published_at} UTC\n")
    print("Headline figures")
    _print(headlines(well_led, names))
    flagged = flags(well_led, names)
    print(f"\nFlags: indicators better or worse than expected in the latest period of each source ({len(flagged)})")
    _print(flagged)
    if xlsx is not None:
        tables = trust_tables(publication, code)
        trust_workbook(publication, code, tables, xlsx)
        filled = sum(1 for frame in tables.values() if len(frame))
        print(f"\nWorkbook written: {xlsx} ({len(tables)} tables, {filled} with rows, and a README sheet)")
    return 0


def _names(publication) -> dict[str, str]:
    frame = publication.table("dim_indicator")
    if not {"indicator_code", "indicator_name"} <= set(frame.columns):
        return {}
    return dict(zip(frame["indicator_code"], frame["indicator_name"], strict=True))


def _print(items: list[Headline]) -> None:
    if not items:
        print("  (none)")
    for h in items:
        comparator = f"; {h.comparator}" if h.comparator else ""
        print(f"  {h.name[:70]:<70} {h.period}  {h.value:>10}  {h.assessment_label}{comparator}")
        if h.basis:
            print(f"      basis: {h.basis}")
        print(f"      source: {h.source}")
