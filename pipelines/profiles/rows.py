"""A trust's rows of every published table: what its downloads, workbook and terminal summary carry.

Tables keyed by organisation give the trust's rows; benchmark tables (keyed by geography) give England's, the
trust's region's and its benchmarking group's rows; dim_indicator gives the indicators the trust's rows
name; the manifest gives its sources, tables, gates and the landed files of this trust. A table of any other
shape (national only) has no rows of a trust and is left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .published import MANIFEST, Publication
from .tabular import render
from .xlsx import Sheet

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
        self._rendering: dict[str, tuple[np.ndarray, str, np.ndarray]] = {}
        manifest = publication.table(MANIFEST)
        self._manifest_common, self._manifest_files = None, {}
        if {"item_kind", "item_name"} <= set(manifest.columns):
            is_file = (manifest["item_kind"] == "file").to_numpy()
            self._manifest_common = np.flatnonzero(~is_file)
            # A landed file belongs to the organisation whose code its name carries (WRES_R0E_2024.csv, ...).
            tokens = manifest["item_name"].astype(str).str.findall(r"(?<![A-Za-z0-9])[A-Z0-9]{3,5}(?=[_.])")
            files: dict[str, list[int]] = {}
            for position in np.flatnonzero(is_file):
                for token in set(tokens.iat[position]):
                    files.setdefault(token, []).append(position)
            self._manifest_files = {code: np.array(p, dtype=np.intp) for code, p in files.items()}
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

    def positions(self, org_code: str) -> dict[str, np.ndarray]:
        """Row positions of the organisation's rows in every published table it has rows in (table order)."""
        out: dict[str, np.ndarray] = {}
        empty = np.array([], dtype=np.intp)
        for name in self.publication.tables:
            if name in self._by_org:
                out[name] = self._by_org[name].get(org_code, empty)
            elif name in self._by_geography:
                own = set(self.geographies(org_code))
                parts = [rows for (level, code), rows in self._by_geography[name].items()
                         if level == "national" or (level, code) in own]
                out[name] = np.sort(np.concatenate(parts)) if parts else empty
        codes: set = set()
        for name, rows in out.items():
            frame = self.publication.table(name)
            if "indicator_code" in frame.columns and len(rows):
                codes.update(frame["indicator_code"].to_numpy()[rows])
        indicators = self.publication.table(INDICATORS)
        if "indicator_code" in indicators.columns:
            out[INDICATORS] = np.flatnonzero(indicators["indicator_code"].isin(codes).to_numpy())
        if self._manifest_common is not None:
            out[MANIFEST] = np.sort(np.concatenate([self._manifest_common,
                                                    self._manifest_files.get(org_code, empty)]))
        return dict(sorted(out.items()))

    def all_tables(self, org_code: str) -> dict[str, pd.DataFrame]:
        """Every published table's rows of the organisation, in table order; tables without any are empty."""
        return {name: self.publication.table(name).take(rows) for name, rows in self.positions(org_code).items()}

    def manifest(self, org_code: str) -> pd.DataFrame:
        """The publication's sources, tables and gates, and the landed files of this organisation."""
        return self.publication.table(MANIFEST).take(self.positions(org_code).get(MANIFEST, []))

    def _rendered(self, name: str) -> tuple[np.ndarray, str, np.ndarray]:
        if name not in self._rendering:
            self._rendering[name] = render(self.publication.table(name))
        return self._rendering[name]

    def sheet(self, name: str, rows: np.ndarray) -> Sheet:
        """Rows of a table as workbook XML (the table is rendered once, then its rows selected)."""
        xml, _, _ = self._rendered(name)
        return Sheet([str(c) for c in self.publication.table(name).columns], xml[rows])

    def csv(self, name: str, rows: np.ndarray) -> str:
        """Rows of a table as CSV text with its header line."""
        _, header, lines = self._rendered(name)
        return header + "\n" + "".join(line + "\n" for line in lines[rows])
