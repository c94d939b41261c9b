"""The mart gates: a Great Expectations suite on every published table that has one (distributions,
cross-column and cross-source rules; dbt's own tests run inside the dbt step)."""

import dagster as dg

from ... import quality
from ..gates import gx_gate

# Every published table with a suite of its own gets a gate: adding expectations/<table>.json is enough.
MART_SUITES = tuple(name for name in quality.suite_names() if quality.read_suite(name).layer == "published")

mart_checks = [gx_gate(dg.AssetKey(["marts", m]), "marts", m, m,
                       "ranges, intervals, suppression, privacy, cross-column rules.") for m in MART_SUITES]
