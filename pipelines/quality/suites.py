"""The suites in `expectations/`: GX 1.x suite JSON, one file per raw and per published table.

Each file is a GX `ExpectationSuite` as GX serialises it, plus a `meta.wellled` block:

    "meta": {"wellled": {"layer": "raw" | "published", "table": "<table name>",
                         "sources": ["<source>", ...], "sample_columns": ["<safe identifying column>", ...],
                         "description": "..."}}

and every expectation carries GX's own `severity` (`critical` blocks publication, `warning` is recorded)
and a `description` a person can read. This module reads the JSON only; it does not import GX.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines import settings
from pipelines.sources.schemas import PROTECTED_COLUMNS

SEVERITIES = ("critical", "warning")

# Never shown in samples, check metadata or Data Docs: protected characteristics and the member pseudonym.
REDACTED_COLUMNS = frozenset(PROTECTED_COLUMNS | {"member_id"})
REDACTED = "[redacted]"  # what is shown instead of their values

_COLUMN_KWARGS = ("column", "column_A", "column_B")
_COLUMN_LIST_KWARGS = ("column_list",)


@dataclass(frozen=True)
class SuiteSpec:
    """A suite file as written: its name, wellled metadata and raw expectation dicts."""

    name: str
    layer: str
    table: str
    sources: tuple[str, ...]
    sample_columns: tuple[str, ...]
    description: str
    expectations: tuple[dict[str, Any], ...]
    raw: dict[str, Any]


def suites_dir() -> Path:
    return settings.EXPECTATIONS_DIR


def suite_names() -> list[str]:
    """Every suite in `expectations/`, sorted."""
    return sorted(p.stem for p in suites_dir().glob("*.json"))


def read_suite(name: str) -> SuiteSpec:
    """Read and check one suite file; raises ValueError naming the suite and the problem."""
    path = suites_dir() / f"{name}.json"
    if not path.is_file():  # gate suites kept in a subfolder (e.g. expectations/respondents/), not per-table ones
        path = next(iter(sorted(suites_dir().glob(f"*/{name}.json"))), path)
    if not path.is_file():
        raise ValueError(f"no expectation suite {name!r}: {path} does not exist (have: {', '.join(suite_names())})")
    raw = json.loads(path.read_text(encoding="utf-8"))
    if raw.get("name") != name:
        raise ValueError(f"suite file {path.name} names itself {raw.get('name')!r}, expected {name!r}")
    meta = (raw.get("meta") or {}).get("wellled") or {}
    for key in ("layer", "table", "sample_columns"):
        if key not in meta:
            raise ValueError(f"suite {name}: meta.wellled.{key} is missing")
    if meta["layer"] not in ("raw", "published"):
        raise ValueError(f"suite {name}: meta.wellled.layer must be 'raw' or 'published', not {meta['layer']!r}")
    expectations = tuple(raw.get("expectations") or ())
    for i, exp in enumerate(expectations):
        where = f"suite {name}, expectation {i} ({exp.get('type')})"
        if exp.get("severity") not in SEVERITIES:
            raise ValueError(f"{where}: severity must be one of {SEVERITIES}, not {exp.get('severity')!r}")
        if not (exp.get("description") or "").strip():
            raise ValueError(f"{where}: a description a person can read is required")
    return SuiteSpec(
        name=name,
        layer=meta["layer"],
        table=meta["table"],
        sources=tuple(meta.get("sources") or ()),
        sample_columns=tuple(c for c in meta["sample_columns"] if c not in REDACTED_COLUMNS),
        description=meta.get("description", ""),
        expectations=expectations,
        raw=raw,
    )


def domain_columns(kwargs: dict[str, Any]) -> list[str]:
    """The columns an expectation checks (its domain), in the order its kwargs give them."""
    cols: list[str] = [kwargs[k] for k in _COLUMN_KWARGS if isinstance(kwargs.get(k), str)]
    for k in _COLUMN_LIST_KWARGS:
        cols.extend(kwargs.get(k) or [])
    return cols


def condition_columns(kwargs: dict[str, Any]) -> set[str]:
    """The columns a `row_condition` filters on (GX 1.x condition objects serialised as dicts)."""
    return set(_walk_condition(kwargs.get("row_condition")))


def _walk_condition(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        column = node.get("column")
        if isinstance(column, dict) and isinstance(column.get("name"), str):
            yield column["name"]
        for child in node.get("conditions") or ():
            yield from _walk_condition(child)
    elif isinstance(node, str):
        # A legacy pandas query string: we cannot parse it, so treat every protected name it mentions as used.
        yield from (c for c in REDACTED_COLUMNS if c in node)


def referenced_columns(kwargs: dict[str, Any]) -> set[str]:
    """Every column an expectation reads row by row: its domain and its row condition."""
    return set(domain_columns(kwargs)) | condition_columns(kwargs)
