"""A refresh into a new warehouse folder starts dbt from the parse state `make install` prepared.

dbt re-parses the whole project (seconds, in every test that refreshes a fresh folder) when the profile's
connection info differs from the one the saved state was made with; the build file's folder must not be part
of it (dbt_project/profiles.yml, pipelines/dbt_build_file.py).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

FULL_PARSE = "Unable to do partial parsing"


def test_a_refresh_into_a_new_folder_does_not_parse_the_dbt_project_again(sample_refresh):
    root, status = sample_refresh
    assert status == 0, "the sample refresh did not publish"
    logs = sorted((root / "warehouse" / "runs").glob("*/dbt/dbt.log"))
    assert logs, "the refresh left no dbt.log in its run folder"
    for log in logs:
        reasons = [line for line in log.read_text(encoding="utf-8").splitlines() if FULL_PARSE in line]
        assert not reasons, (f"{log}: dbt parsed the whole project again ({reasons[0][:300]}). If the project "
                             "changed since `make install`, run it again; otherwise the profile's connection "
                             "info depends on the warehouse folder.")
