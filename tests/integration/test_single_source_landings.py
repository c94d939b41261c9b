"""Every landing a new user might start with refreshes and publishes: the empty landing, and the ODS file plus
any one source. Nothing may depend on which gates are skipped or on thread timing (a landing of ODS and WRES
alone once failed on a race between GX imports).

The refreshes share one tiny sample and one warehouse folder (as a user re-landing files would), so they
run one after another in this process; the install folder must be left exactly as it was (a read-only
install works).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines import cli, settings
from pipelines.sample_data import generate

pytestmark = pytest.mark.integration

BESIDE_ODS = [s for s in settings.LANDED_SOURCES if s != "ods"]
LANDINGS = [(), *(("ods", source) for source in BESIDE_ODS)]
# The install folders a refresh reads (dbt's project and prepared manifest, instance settings, suites).
INSTALL = ("dbt_project", "expectations")
INSTALL_FILES = ("dagster.yaml", "dagster.postgres.yaml")


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    root = tmp_path_factory.mktemp("single_source")
    generate(root / "sample", trusts=5, years=(2024,), seed=11, respondents="csv")
    return root


def _install_state() -> dict[str, tuple[int, int]]:
    state = {}
    for folder, _dirs, files in (step for top in INSTALL for step in os.walk(settings.PROJECT_ROOT / top)):
        for name in files:
            path = Path(folder) / name
            info = path.stat()
            state[path.relative_to(settings.PROJECT_ROOT).as_posix()] = (info.st_mtime_ns, info.st_size)
    for name in INSTALL_FILES:
        info = (settings.PROJECT_ROOT / name).stat()
        state[name] = (info.st_mtime_ns, info.st_size)
    return state


@pytest.mark.parametrize("landed", LANDINGS, ids=lambda landed: "+".join(landed) or "empty")
def test_a_single_source_landing_refreshes_and_publishes(shared, landed, tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    landing.mkdir()
    for source in landed:
        shutil.copytree(shared / "sample" / source, landing / source)
    monkeypatch.setenv("WELLLED_LANDING_DIR", str(landing))
    monkeypatch.setenv("WELLLED_WAREHOUSE_DIR", str(shared / "warehouse"))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)  # the instance lives under the warehouse folder
    before = _install_state()

    assert cli.main(["refresh"]) == 0

    assert _install_state() == before, "a refresh wrote inside the install folder"
    assert (shared / "warehouse" / "dagster" / "dagster.yaml").exists()
    with duckdb.connect(str(settings.published_db_path()), read_only=True) as con:
        sources = dict(con.execute("select item_name, status from publication_manifest "
                                   "where item_kind = 'source'").fetchall())
        gates = dict(con.execute("select item_name, status from publication_manifest "
                                 "where item_kind = 'check'").fetchall())
    assert {s for s, status in sources.items() if status == "present"} == set(landed)
    assert gates and "failed" not in gates.values()
