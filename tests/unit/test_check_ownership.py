"""One owner per check (docs/quality_checks.md): no GX expectation on a published table repeats a dbt test.

dbt owns keys, not-null, accepted values, relationships and single-column ranges; a GX suite on a mart may
hold such a rule only where dbt has no test of that kind on that column (e.g. a range up to a run-time
parameter, or a rule under a row condition). Read from the dbt manifest, so a test added in any yml counts.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipelines import settings
from pipelines.quality import read_suite, suite_names

# GX expectation type -> the dbt generic tests that state the same rule on the same column(s).
SAME_RULE = {
    "expect_column_values_to_not_be_null": {"not_null"},
    "expect_column_values_to_be_in_set": {"accepted_values"},
    "expect_column_values_to_be_between": {"accepted_range"},
    "expect_column_values_to_be_unique": {"unique", "key"},
    "expect_compound_columns_to_be_unique": {"key"},
}


@cache
def generic_tests() -> tuple[tuple[str, str, frozenset[str], dict, str], ...]:
    """(model, test kind, columns, arguments, severity) of every unconditional dbt generic test."""
    path = settings.DBT_PROJECT_DIR / "target" / "manifest.json"
    assert path.is_file(), f"{path} is missing: run `make install` (it parses the dbt project)"
    found = []
    for node in json.loads(path.read_text(encoding="utf-8"))["nodes"].values():
        meta = node.get("test_metadata")
        config = node.get("config") or {}
        if node["resource_type"] != "test" or not meta or config.get("where"):
            continue
        model = (node.get("attached_node") or "").split(".")[-1]
        kwargs = meta.get("kwargs") or {}
        severity = str(config.get("severity") or "error")
        if meta["name"] == "column_rules":  # one test per model, stating each key and single-column rule it lists
            found.extend((model, "key", frozenset(key), {}, severity) for key in kwargs.get("keys", []))
            found.extend((model, "not_null", frozenset([name]), {}, severity) for name in kwargs.get("not_null", []))
            found.extend((model, "accepted_values", frozenset([name]), {"values": values}, severity)
                         for name, values in (kwargs.get("accepted_values") or {}).items())
            found.extend((model, "accepted_range", frozenset([name]), bounds, severity)
                         for name, bounds in (kwargs.get("accepted_range") or {}).items())
            continue
        columns = [kwargs.get("column_name") or node.get("column_name")]
        found.append((model, meta["name"], frozenset(columns), kwargs, severity))
    return tuple(found)


def dbt_tests() -> dict[tuple[str, str], set[frozenset[str]]]:
    """(model, test kind) -> the column sets it is applied to."""
    found: dict[tuple[str, str], set[frozenset[str]]] = {}
    for model, kind, columns, _, _ in generic_tests():
        found.setdefault((model, kind), set()).add(columns)
    return found


def duplicated_by(model: str, expectation: dict[str, Any]) -> str | None:
    """The dbt test kind that already states this expectation's rule on `model`, or None."""
    kwargs = expectation["kwargs"]
    kinds = SAME_RULE.get(expectation["type"])
    if not kinds or kwargs.get("row_condition") or kwargs.get("mostly", 1) != 1:
        return None  # a conditional or partial rule is not what an unconditional dbt test states
    columns = frozenset(kwargs.get("column_list") or [kwargs["column"]])
    return next((kind for kind in sorted(kinds) if columns in dbt_tests().get((model, kind), set())), None)


MART_SUITES = [name for name in suite_names() if read_suite(name).layer == "published"]


@pytest.mark.parametrize("suite", MART_SUITES)
def test_no_mart_expectation_repeats_a_dbt_test(suite):
    spec = read_suite(suite)
    repeats = [f"{e['type']} {json.dumps(e['kwargs'])} repeats dbt test {kind} on {spec.table}"
               for e in spec.expectations if (kind := duplicated_by(spec.table, e))]
    assert not repeats, ("dbt owns this rule (docs/quality_checks.md): remove it from "
                         f"expectations/{suite}.json\n" + "\n".join(repeats))


def test_the_rule_finds_a_repeat():
    """dim_organisation's key is a dbt test: the same rule in GX is reported, a conditional one is not."""
    assert duplicated_by("dim_organisation", {"type": "expect_column_values_to_not_be_null",
                                              "kwargs": {"column": "org_code"}}) == "not_null"
    assert duplicated_by("dim_organisation", {"type": "expect_column_values_to_be_unique",
                                              "kwargs": {"column": "org_code"}}) == "key"
    conditional = {"column": "org_code", "row_condition": {"column": {"name": "in_ods"}, "operator": "==",
                                                           "parameter": True, "type": "comparison"}}
    assert duplicated_by("dim_organisation", {"type": "expect_column_values_to_not_be_null",
                                              "kwargs": conditional}) is None


# The mart expectations removed from the GX suites because a dbt test states them: each must stay a blocking
# dbt test at least as strict, or the gate would stop blocking on it.
MOVED_TO_DBT = json.loads((Path(__file__).parent / "dbt_owned_rules.json").read_text(encoding="utf-8"))


def _as_strict(expectation: dict[str, Any], kind: str, arguments: dict[str, Any]) -> bool:
    kwargs = expectation["kwargs"]
    if kind == "accepted_values":  # dbt allows no more values than GX did
        return {str(v).lower() for v in arguments["values"]} <= {str(v).lower() for v in kwargs["value_set"]}
    if kind == "accepted_range":  # dbt's bounds are inclusive and at least as tight
        low, high = arguments.get("min_value"), arguments.get("max_value")
        low_ok = kwargs.get("min_value") is None or (low is not None and float(low) >= float(kwargs["min_value"]))
        high_ok = kwargs.get("max_value") is None or (high is not None and float(high) <= float(kwargs["max_value"]))
        return low_ok and high_ok
    return True


@pytest.mark.parametrize("model", sorted(MOVED_TO_DBT))
def test_rules_moved_to_dbt_still_block_there(model):
    missing = []
    for expectation in MOVED_TO_DBT[model]:
        kwargs = expectation["kwargs"]
        columns = frozenset(kwargs.get("column_list") or [kwargs["column"]])
        kinds = SAME_RULE[expectation["type"]]
        if not any(m == model and kind in kinds and cols == columns and severity == "error"
                   and _as_strict(expectation, kind, arguments)
                   for m, kind, cols, arguments, severity in generic_tests()):
            missing.append(f"{expectation['type']} {json.dumps(kwargs)}")
    assert not missing, (f"{model}: these rules left the GX suite for dbt, and no dbt test with severity error "
                         "states them any more: add it back to the model's yml\n" + "\n".join(missing))
