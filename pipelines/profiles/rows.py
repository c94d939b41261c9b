"""A trust's rows of every published table: what its downloads, workbook and terminal summary carry.

Tables keyed by organisation give the trust's rows; benchmark tables (keyed by geography) give England's, the
trust's region's and its benchmarking group's rows; dim_indicator gives the indicators the trust's rows
name; the manifest gives its sources, tables, gates and the landed files of this trust. A table of any other
shape (national only) has no rows of a trust and is left out.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .published import MANIFEST, Publication

INDICATORS = "dim_indicator"
ORGANISATIONS = "dim_organisation"


class TrustRows:
    """Index every published table once; then slice any trust's rows cheaply."""

    def __init__(self, publication: Publication):
        self.publication = publication
        self._by_org: dict[str, dict[str, np.ndarray]] = {}
        self._by_geography: dict[str, dict[tuple[str, str], np.ndarray]] = {}
        for name, frame in publication.tables.items():
            if "org_code" in frame.columns:
                self._by_org[name] = frame.groupby("org_code", sort=False).indices
            elif {"geography_level", "geography_code"} <= set(frame.columns):
                self._by_geography[name] = frame.groupby(["geography_level", "geography_code"], sort=False).indices
        orgs = publication.table(ORGANISATIONS)
        self.organisations = orgs.set_index("org_code", drop=False) if "org_code" in orgs.columns else orgs

    def org_codes(self) -> list[str]:
        return sorted(self.organisations.index) if len(self.organisations) else []

    def table(self, name: str, org_code: str) -> pd.DataFrame:
        """One table's rows of the organisation (empty when it has none)."""
        frame = self.publication.table(name)
        positions = self._by_org.get(name, {}).get(org_code)
        if positions is None:
            return frame.iloc[0:0]
        return frame.take(positions)

    def geographies(self, org_code: str) -> list[tuple[str, str]]:
        """The organisation's region and benchmarking group (England's rows go with them)."""
        keys = []
        if org_code in self.organisations.index:
            org = self.organisations.loc[org_code]
            for level, column in (("region", "region_code"), ("benchmark_group", "benchmarking_group_code")):
                if column in org.index and isinstance(org[column], str):
                    keys.append((level, org[column]))
        return keys

    def benchmark(self, name: str, org_code: str) -> pd.DataFrame:
        frame = self.publication.table(name)
        index = self._by_geography.get(name, {})
        own = set(self.geographies(org_code))
        parts = [rows for (level, code), rows in index.items() if level == "national" or (level, code) in own]
        if not parts:
            return frame.iloc[0:0]
        return frame.take(np.unique(np.concatenate(parts)))

    def all_tables(self, org_code: str) -> dict[str, pd.DataFrame]:
        """Every published table's rows of the organisation, in table order; tables without any are empty."""
        out: dict[str, pd.DataFrame] = {}
        for name in self.publication.tables:
            if name in self._by_org:
                out[name] = self.table(name, org_code)
            elif name in self._by_geography:
                out[name] = self.benchmark(name, org_code)
        codes = set()
        for frame in out.values():
            if "indicator_code" in frame.columns:
                codes.update(frame["indicator_code"].dropna().unique())
        indicators = self.publication.table(INDICATORS)
        if "indicator_code" in indicators.columns:
            out[INDICATORS] = indicators[indicators["indicator_code"].isin(codes)]
        out[MANIFEST] = self.manifest(org_code)
        return dict(sorted(out.items()))

    def manifest(self, org_code: str) -> pd.DataFrame:
        """The publication's sources, tables and gates, and the landed files of this organisation."""
        frame = self.publication.table(MANIFEST)
        if "item_kind" not in frame.columns:
            return frame
        own_file = frame["item_name"].astype(str).str.contains(rf"(?:^|[/_]){re.escape(org_code)}(?:[_.]|$)")
        return frame[(frame["item_kind"] != "file") | own_file]
