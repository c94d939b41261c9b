"""A failing dbt test (severity error) blocks publication on its own, with every GX gate passing.

Rules owned by dbt (docs/quality_checks.md) have no GX copy, so this is what keeps them blocking.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from pipelines import cli, settings

pytestmark = pytest.mark.integration


def test_failing_dbt_test_blocks_publication_and_keeps_the_previous_one(sample_copy, capfd):
    warehouse, landing = sample_copy / "warehouse", sample_copy / "landing"
    before = hashlib.sha256(settings.published_db_path().read_bytes()).hexdigest()
    # A board register of a trust the ODS file does not hold: it parses and passes the raw board gate (a
    # well-formed code), and fails the dbt test board_register_org_code_is_an_ods_trust.
    register = sorted((landing / "board").rglob("*.csv"))[-1]
    header, *rows = register.read_text().splitlines()
    register.write_text("\n".join([header, *("RZZ" + row[row.index(","):] for row in rows)]) + "\n")
    runs_before = set((warehouse / "runs").iterdir())
    capfd.readouterr()

    assert cli.main(["refresh"]) == 1
    output = "".join(capfd.readouterr())
    assert "board_register_org_code_is_an_ods_trust" in output
    (run,) = set((warehouse / "runs").iterdir()) - runs_before
    gates = [json.loads(line) for line in (run / "gates.jsonl").read_text().splitlines()]
    assert gates and all(g["status"] != "failed" for g in gates)  # dbt alone refused it
    assert hashlib.sha256(settings.published_db_path().read_bytes()).hexdigest() == before
