"""A trust's rows of every published table: what `wellled trust --xlsx` writes and the page's provenance lists.

Tables keyed by organisation give the trust's rows; benchmark tables (keyed by geography) give England's, the
trust's region's and its benchmarking group's rows; dim_indicator gives the indicators the trust's rows
name; the manifest gives the publication's sources, tables and gates and the landed files of this trust. A
table of any other shape (national only) has no rows of a trust and is left out. (The site's downloads hold
the trust's own rows and link the benchmark tables, whole, once: downloads.py.)
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from ..warehouse.base import MANIFEST_TABLE, ident
from .published import Publication

INDICATORS = "dim_indicator"
ORGANISATIONS = "dim_organisation"
_ORG_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Z0-9]{3,5}(?=[_.])")


def files_by_org(manifest: list[dict]) -> dict[str, list[dict]]:
    """Landed files of the manifest by the organisation code their name carries (WRES_R0E_2024.csv, ...)."""
    out: dict[str, list[dict]] = defaultdict(list)
    for row in manifest:
        if row.get("item_kind") == "file":
            for token in set(_ORG_TOKEN.findall(str(row.get("item_name")))):
                out[token].append(row)
    return dict(out)


def geographies(publication: Publication, org_code: str) -> list[tuple[str, str]]:
    """The organisation's region and benchmarking group (England's rows go with them)."""
    if not publication.has(ORGANISATIONS, "org_code"):
        return []
    have = set(publication.columns(ORGANISATIONS))
    keys = []
    for level, column in (("region", "region_code"), ("benchmark_group", "benchmarking_group_code")):
        if column in have:
            found = publication.rows(f"select {ident(column)} as code from {ORGANISATIONS} where org_code = ?",
                                     [org_code])
            if found and isinstance(found[0]["code"], str):
                keys.append((level, found[0]["code"]))
    return keys


def trust_tables(publication: Publication, org_code: str) -> dict[str, pd.DataFrame]:
    """Every published table's rows of the organisation, in table order; tables without any are empty."""
    cursor = publication.cursor()
    out: dict[str, pd.DataFrame] = {}
    places = geographies(publication, org_code)
    for name in publication.names:
        columns = set(publication.columns(name))
        if "org_code" in columns:
            out[name] = cursor.execute(f"select * from {ident(name)} where org_code = ? order by rowid",
                                       [org_code]).df()
        elif {"geography_level", "geography_code"} <= columns:
            wanted = " or ".join(["geography_level = 'national'", *["(geography_level = ? and geography_code = ?)"
                                                                   for _ in places]])
            out[name] = cursor.execute(f"select * from {ident(name)} where {wanted} order by rowid",
                                       [v for place in places for v in place]).df()
    codes = sorted({c for frame in out.values() if "indicator_code" in frame.columns
                    for c in frame["indicator_code"].dropna().unique()})
    if publication.has(INDICATORS, "indicator_code"):
        out[INDICATORS] = cursor.execute(f"select * from {INDICATORS} where indicator_code in "
                                         "(select unnest(?::varchar[])) order by rowid", [codes]).df()
    if publication.has(MANIFEST_TABLE, "item_kind", "item_name"):
        manifest = cursor.execute(f"select * from {MANIFEST_TABLE} order by rowid").df()
        own = {r["item_name"] for r in files_by_org(manifest.to_dict("records")).get(org_code, [])}
        out[MANIFEST_TABLE] = manifest[(manifest["item_kind"] != "file") | manifest["item_name"].isin(own)]
    cursor.close()
    return dict(sorted(out.items()))
