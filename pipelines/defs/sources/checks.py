"""The source gates: a Great Expectations suite on every raw table (schema, codes, ranges, uniqueness,
plausible years), run before dbt reads it."""

from ... import settings
from ...sources import schemas
from ..common import raw_key
from ..gates import gx_gate

raw_checks = [gx_gate(raw_key(t), "raw", t, f"raw_{t}", "schema, codes, ranges, uniqueness, plausible years.")
              for s in settings.SOURCES for t in schemas.SOURCE_TABLES[s]]
