"""Every landing a new user might start with refreshes and publishes: the empty landing, and the ODS file plus
any one source. Nothing may depend on which gates are skipped or on thread timing (a landing of ODS and WRES
alone once failed on a race between GX imports).

The refreshes share one tiny sample and one warehouse folder (as a user re-landing files would), so they
run one after another in this process; the install folder must be left exactly as it was (a read-only
install works).
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from pipelines import cli, settings
from pipelines.sample_data import generate
from tests.helpers import install_state

pytestmark = pytest.mark.integration

BESIDE_ODS = [s for s in settings.LANDED_SOURCES if s != "ods"]
LANDINGS = [(), *(("ods", source) for source in BESIDE_ODS)]
@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    root = tmp_path_factory.mktemp("single_source")
    generate(root / "sample", trusts=5, years=(2024,), seed=11, respondents="csv")
    return root


@pytest.mark.parametrize("landed", LANDINGS, ids=lambda landed: "+".join(landed) or "empty")
def test_a_single_source_landing_refreshes_and_publishes(shared, landed, tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    landing.mkdir()
    for source in landed:
        shutil.copytree(shared / "sample" / source, landing / source)
    monkeypatch.setenv("WELLLED_LANDING_DIR", str(landing))
    monkeypatch.setenv("WELLLED_WAREHOUSE_DIR", str(shared / "warehouse"))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)  # the instance lives under the warehouse folder
    before = install_state()

    assert cli.main(["refresh"]) == 0

    assert install_state() == before, "a refresh wrote inside the install folder"
    assert (shared / "warehouse" / "dagster" / "dagster.yaml").exists()
    with duckdb.connect(str(settings.published_db_path()), read_only=True) as con:
        sources = dict(con.execute("select item_name, status from publication_manifest "
                                   "where item_kind = 'source'").fetchall())
        gates = dict(con.execute("select item_name, status from publication_manifest "
                                 "where item_kind = 'check'").fetchall())
    assert {s for s, status in sources.items() if status == "present"} == set(landed)
    assert gates and "failed" not in gates.values()
