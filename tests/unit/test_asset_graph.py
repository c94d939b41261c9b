"""The asset graph against its snapshot (tests/unit/asset_graph.json): asset keys by group, each asset's checks,
the jobs, the schedules and the sensors. A change to any of them fails here with a diff until the snapshot is
rewritten on purpose, so a renamed group or a lost check is noticed in review.

Rewrite the snapshot: .venv/bin/python -m tests.unit.test_asset_graph (or `make snapshot`).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("asset_graph.json")
UPDATE = ".venv/bin/python -m tests.unit.test_asset_graph  (or: make snapshot)"


def asset_graph() -> dict:
    """What the code location defines, as sorted names only (no descriptions, no metadata)."""
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    groups: dict[str, list[str]] = {}
    checks: dict[str, list[str]] = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        groups.setdefault(node.group_name, []).append(key.to_user_string())
        names = sorted(check.name for check in node.check_keys)
        if names:
            checks[key.to_user_string()] = names
    return {
        "groups": {group: sorted(keys) for group, keys in sorted(groups.items())},
        "checks": dict(sorted(checks.items())),
        "jobs": sorted(job.name for job in defs.resolve_all_job_defs() if not job.name.startswith("__")),
        "schedules": {s.name: {"cron": s.cron_schedule, "timezone": s.execution_timezone, "job": s.job_name,
                               "default_status": s.default_status.value}
                      for s in sorted(defs.schedules or [], key=lambda s: s.name)},
        "sensors": {s.name: {"jobs": sorted(job.name for job in s.jobs) if s.has_jobs else [],
                             "default_status": s.default_status.value}
                    for s in sorted(defs.sensors or [], key=lambda s: s.name)},
    }


def render(graph: dict) -> str:
    return json.dumps(graph, indent=2) + "\n"


def test_the_asset_graph_matches_its_snapshot():
    assert SNAPSHOT.exists(), f"no snapshot at {SNAPSHOT}; write it with: {UPDATE}"
    expected, got = SNAPSHOT.read_text(), render(asset_graph())
    if got != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), got.splitlines(keepends=True),
                                            "asset_graph.json (snapshot)", "the code location now"))
        raise AssertionError(f"the asset graph changed:\n{diff}\nIf the change is intended, rewrite the snapshot "
                             f"with: {UPDATE}")


if __name__ == "__main__":
    SNAPSHOT.write_text(render(asset_graph()))
    print(f"wrote {SNAPSHOT}")
