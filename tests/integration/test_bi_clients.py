"""Every connection path the README promises, exercised with the client itself on the sample publication: the
README's own snippets as written, the oldest DuckDB the files promise (1.4), SQLAlchemy reflection of every
column, every current Parquet file through pyarrow, the stable Parquet link across publications, and
`wellled serve` read as `wellled_reader` over TCP."""

from __future__ import annotations

import decimal
import json
import math
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psycopg2
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from pipelines import publish, serve, settings
from pipelines.warehouse import duckdb_engine

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
VENV = Path(sys.prefix)  # the project's environment, the one the README's `.venv/bin/...` commands name


def readme_blocks(heading: str) -> list[tuple[str, str]]:
    """(language, code) of each fenced block under a README heading, up to the next heading of its level."""
    level = len(heading.split()[0])
    blocks: list[tuple[str, str]] = []
    inside = fence = False
    for line in README.read_text().splitlines():
        if fence:
            if line.startswith("```"):
                fence = False
            elif inside:
                blocks[-1] = (blocks[-1][0], blocks[-1][1] + line + "\n")
            continue
        if line.startswith("```"):
            fence = True
            if inside:
                blocks.append((line[3:].strip(), ""))
        elif re.match(rf"#{{1,{level}}} ", line):
            if inside:
                break
            inside = line == heading
    assert blocks or inside, f"README.md has no section {heading!r}"
    return [(lang, code) for lang, code in blocks if lang]


CONNECTING = readme_blocks("## Connecting a BI tool")
SERVING = readme_blocks("### Try it on your machine: `wellled serve`")


@pytest.fixture(scope="module")
def publication(sample_refresh) -> Path:
    root, status = sample_refresh
    assert status == 0, "the sample refresh did not publish"
    return root / "warehouse" / "published"


def _counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for (t,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def readme_folder(publication, tmp_path) -> Path:
    """A folder laid out like the repository after `make demo`: `.venv` and `warehouse/published`."""
    (tmp_path / ".venv").symlink_to(VENV)
    (tmp_path / "warehouse").symlink_to(publication.parent)
    return tmp_path


def test_the_readme_shows_each_client():
    assert [lang for lang, _ in CONNECTING] == ["bash", "python", "python", "python"]
    assert [lang for lang, _ in SERVING][0] == "bash"


@pytest.mark.parametrize("lang, code", CONNECTING, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(CONNECTING)])
def test_readme_connection_snippet_runs_as_written(readme_folder, lang, code):
    command = ["bash", "-euo", "pipefail", "-c", code] if lang == "bash" else [sys.executable, "-c", code]
    done = subprocess.run(command, cwd=readme_folder, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), "the snippet printed nothing"


DUMP = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = [t for (t,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
rows = {t: con.execute(f'select * from "{t}" order by all').fetchall() for t in tables}
print(json.dumps({"version": duckdb.__version__, "rows": rows}, default=str))
"""


def test_the_oldest_promised_duckdb_reads_every_table(publication):
    """The files promise storage version v1.4.0: DuckDB 1.4 (installed apart by `make install`) reads them
    exactly as the project's DuckDB does."""
    oldest = sorted((VENV / "clients").glob("duckdb-1.4.*"))
    assert oldest, f"DuckDB 1.4 is not installed under {VENV / 'clients'}: run `make install`"
    path = str(publication / "wellled.duckdb")
    old = subprocess.run([sys.executable, "-c", DUMP, path], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(oldest[-1])})
    assert old.returncode == 0, old.stderr
    new = subprocess.run([sys.executable, "-c", DUMP, path], capture_output=True, text=True, timeout=300)
    old_dump, new_dump = json.loads(old.stdout), json.loads(new.stdout)
    assert old_dump["version"].startswith("1.4.") and not new_dump["version"].startswith("1.4.")
    assert old_dump["rows"] == new_dump["rows"]
    assert len(old_dump["rows"]) == len(_counts(publication / "wellled.duckdb")) > 10


def test_sqlalchemy_reflects_every_column_with_its_description(publication):
    engine = sa.create_engine(f"duckdb:///{publication / 'wellled.duckdb'}?access_mode=read_only",
                              poolclass=sa.pool.NullPool)
    inspector = sa.inspect(engine)
    with duckdb.connect(str(publication / "wellled.duckdb"), read_only=True) as con:
        expected = {}
        for table, column, comment in con.execute("select table_name, column_name, comment from duckdb_columns() "
                                                  "where not internal order by table_name, column_index").fetchall():
            expected.setdefault(table, []).append((column, comment))
    assert sorted(inspector.get_table_names()) == sorted(expected)
    for table, columns in expected.items():
        reflected = inspector.get_columns(table)
        assert [(c["name"], c["comment"]) for c in reflected] == columns, table
        assert all(comment for _, comment in columns), f"{table} has undescribed columns"
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)  # what pandas.read_sql_table and BI tools' table pickers do
    assert set(metadata.tables) == set(expected)
    with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError, match="read-only"):
        connection.exec_driver_sql("create table main.scratch (a integer)")


def test_every_current_parquet_file_matches_the_duckdb_file(publication):
    counts = _counts(publication / "wellled.duckdb")
    folder = publication / settings.CURRENT_PARQUET
    assert folder.is_symlink() and folder.resolve().parent == publication / "versions"
    assert sorted(p.stem for p in folder.glob("*.parquet")) == sorted(counts)
    version = duckdb_engine.current_version(publication)
    with duckdb.connect(str(publication / "wellled.duckdb"), read_only=True) as con:
        for table, rows in counts.items():
            parquet = pq.read_table(folder / f"{table}.parquet")
            columns = [c for (c,) in con.execute("select column_name from duckdb_columns() where table_name = ? "
                                                 "order by column_index", [table]).fetchall()]
            assert (parquet.num_rows, parquet.column_names) == (rows, columns), table
            assert parquet.schema.metadata[duckdb_engine.PARQUET_VERSION_KEY.encode()].decode() == version, table


@pytest.fixture
def own_warehouse(publication, tmp_path, monkeypatch) -> Path:
    """A copy of the sample publication with the sample's build file, to publish again from."""
    warehouse = tmp_path / "warehouse"
    shutil.copytree(publication, warehouse / "published", symlinks=True)
    (warehouse / "build").symlink_to(publication.parent / "build")
    monkeypatch.setenv("WELLLED_WAREHOUSE_DIR", str(warehouse))
    return warehouse


PARQUET_READER = """
import os, sys
import duckdb
import pyarrow.parquet as pq
link, stop = sys.argv[1], sys.argv[2]
reads = errors = 0
while not os.path.exists(stop):
    try:
        current = os.path.realpath(link)  # resolved once: every table from one version
        versions = {pq.read_table(os.path.join(current, f"{t}.parquet")).schema.metadata[b"wellled_version"]
                    for t in ("publication_manifest", "dim_organisation", "fct_well_led_summary")}
        assert len(versions) == 1, versions
        manifest = os.path.join(current, "publication_manifest.parquet")
        rows = duckdb.sql(f"select count(distinct version) from '{manifest}'").fetchall()
        assert rows == [(1,)], rows
        reads += 1
    except Exception as error:
        errors += 1
        print("READ ERROR", repr(error), file=sys.stderr, flush=True)
print(reads, errors, flush=True)
"""


def test_the_parquet_path_follows_each_publication_and_rollback(own_warehouse):
    published = own_warehouse / "published"
    link = published / settings.CURRENT_PARQUET
    first = duckdb_engine.current_version(published)
    stop = own_warehouse / "stop-reading"
    reader = subprocess.Popen([sys.executable, "-c", PARQUET_READER, str(link), str(stop)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1)
        versions = [publish.publish(run_id=f"relink-{i}-run", gates=[]).version for i in range(3)]
        time.sleep(0.5)
    finally:
        stop.touch()
    out, err = reader.communicate(timeout=60)
    reads, errors = map(int, out.split())
    assert errors == 0 and reads > 10, err
    assert link.resolve() == duckdb_engine.parquet_dir(published, versions[-1])
    assert os.readlink(link) == f"versions/{duckdb_engine.parquet_dir(published, versions[-1]).name}"  # relative
    assert publish.rollback_current() == versions[-2]
    assert pq.read_schema(link / "dim_organisation.parquet").metadata[b"wellled_version"].decode() == versions[-2]
    assert first in duckdb_engine.list_versions(published)


def test_a_real_folder_where_the_link_belongs_is_refused_before_anything_changes(own_warehouse):
    published = own_warehouse / "published"
    before = duckdb_engine.current_version(published), (published / "wellled.duckdb").read_bytes()
    (published / settings.CURRENT_PARQUET).unlink()
    (published / settings.CURRENT_PARQUET).mkdir()
    with pytest.raises(FileExistsError, match="move it away"):
        publish.publish(run_id="blocked-run", gates=[])
    assert (duckdb_engine.current_version(published), (published / "wellled.duckdb").read_bytes()) == before


# --- wellled serve: PostgreSQL over TCP --------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """`wellled serve` started exactly as the README shows it, in its own process group."""

    def __init__(self, folder: Path, warehouse: Path):
        self.port = _free_port()
        self.warehouse = warehouse
        command = next(code for lang, code in SERVING if lang == "bash").strip()
        self.process = subprocess.Popen(
            ["bash", "-c", command], cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
            env={**os.environ, "WELLLED_WAREHOUSE_DIR": str(warehouse), "WELLLED_SERVE_PORT": str(self.port)})
        self.lines = []
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if "Ctrl-C" in line:
                break
        else:
            pytest.fail(f"wellled serve ended (exit {self.process.wait()}): {self.process.stderr.read()}")
        self.url = next(line.strip() for line in self.lines if line.strip().startswith("postgresql://"))
        self.psql = shlex.split(self.lines[self.lines.index("psql:") + 1])
        self.server = serve.LocalServer(warehouse / "serve" / "pgdata", self.port)

    def stop(self) -> tuple[int, str]:
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=120)  # drained, so a full pipe cannot stall the shutdown
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.server.stop()
        return self.process.returncode, err


@pytest.fixture(scope="module")
def served(publication, tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    (root / ".venv").symlink_to(VENV)
    warehouse = root / "warehouse"
    shutil.copytree(publication, warehouse / "published", symlinks=True)
    (warehouse / "build").symlink_to(publication.parent / "build")
    running = Served(root, warehouse)
    # What a PostgreSQL warehouse holds beside `published` (and an interrupted publication leaves).
    admin = psycopg2.connect(running.server.admin_url)
    with admin, admin.cursor() as cur:
        for schema in ("raw", "staging", "candidate"):
            cur.execute(f"create schema if not exists {schema}")
            cur.execute(f"create table if not exists {schema}.probe as select 1 as a")
    admin.close()
    yield running
    running.stop()


def _rows(cursor, sql: str) -> list[tuple]:
    """Rows with NaN as None and numerics as floats, sorted here (the two engines collate text differently)."""
    cursor.execute(sql)
    rows = [tuple(None if isinstance(v, float) and math.isnan(v) else
                  float(v) if isinstance(v, decimal.Decimal) else v for v in row) for row in cursor.fetchall()]
    return sorted(rows, key=lambda row: [(v is None, f"{v:.9g}" if isinstance(v, float) else str(v)) for v in row])


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return a == b


def test_served_connection_string_works_in_psql(served, publication):
    done = subprocess.run([*served.psql, "-At", "-c", "select count(*) from published.dim_organisation"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == _counts(publication / "wellled.duckdb")["dim_organisation"]
    assert served.url.startswith("postgresql://wellled_reader:") and f"@127.0.0.1:{served.port}/" in served.url


def test_the_reader_reads_every_published_table_over_tcp(served, publication):
    con = psycopg2.connect(served.url)
    duck = duckdb.connect(str(publication / "wellled.duckdb"), read_only=True)
    try:
        with con.cursor() as cur:
            cur.execute("select inet_server_addr()::text")  # TCP, not the socket
            assert cur.fetchone()[0].startswith("127.0.0.1")
            cur.execute("select table_name from information_schema.tables where table_schema = 'published' order by 1")
            tables = [t for (t,) in cur.fetchall()]
            assert tables == sorted(_counts(publication / "wellled.duckdb"))
            for table in tables:
                columns = [c for (c,) in duck.execute("select column_name from duckdb_columns() where table_name = ? "
                                                      "order by column_index", [table]).fetchall()]
                listed = ", ".join(f'"{c}"' for c in columns)
                expected = _rows(duck.cursor(), f'select {listed} from main."{table}"')
                got = _rows(cur, f'select {listed} from published."{table}"')
                assert len(got) == len(expected), table
                for left, right in zip(expected, got, strict=True):
                    assert all(_same(a, b) for a, b in zip(left, right, strict=True)), (table, left, right)
            cur.execute("select obj_description('published.dim_organisation'::regclass, 'pg_class')")
            assert cur.fetchone()[0], "the table descriptions did not reach PostgreSQL"
    finally:
        con.close()
        duck.close()


@pytest.mark.parametrize("sql", [
    "select * from raw.probe", "select * from staging.probe", "select * from candidate.probe",
    "select * from marts.dim_organisation", "create table public.x (a int)", "create table published.x (a int)",
    "create temporary table x (a int)", "insert into published.dim_organisation (org_code) values ('XXX')",
    "update published.dim_organisation set org_name = 'x'", "delete from published.dim_organisation",
])
def test_the_reader_sees_nothing_else_and_writes_nothing(served, sql):
    con = psycopg2.connect(served.url)
    try:
        with con.cursor() as cur, pytest.raises(psycopg2.Error) as refused:
            cur.execute(sql)
        assert refused.value.pgcode in ("42501", "25006"), refused.value  # insufficient privilege / read-only
    finally:
        con.close()


def test_serve_follows_a_new_publication_and_hides_the_kept_one(served, monkeypatch):
    monkeypatch.setenv("WELLLED_WAREHOUSE_DIR", str(served.warehouse))
    before = duckdb_engine.current_version(served.warehouse / "published")
    after = publish.publish(run_id="served-next-run", gates=[]).version
    con = psycopg2.connect(served.url)
    con.autocommit = True
    try:
        with con.cursor() as cur:
            deadline = time.monotonic() + 120
            while True:
                cur.execute("select max(version) from published.publication_manifest")
                if cur.fetchone()[0] == after:
                    break
                assert time.monotonic() < deadline, "wellled serve did not serve the new publication"
                time.sleep(1)
            with pytest.raises(psycopg2.Error) as refused:
                cur.execute(f"select count(*) from published_v{before.lower()}.dim_organisation")
            assert refused.value.pgcode == "42501"
    finally:
        con.close()
    with psycopg2.connect(served.server.admin_url) as admin, admin.cursor() as cur:
        cur.execute("select schema_name from information_schema.schemata where schema_name like 'published_v%'")
        assert cur.fetchall() == [(f"published_v{before.lower()}",)]


def test_ctrl_c_stops_serve_cleanly_and_the_next_start_reuses_its_data(publication, tmp_path):
    (tmp_path / ".venv").symlink_to(VENV)
    warehouse = tmp_path / "warehouse"
    shutil.copytree(publication, warehouse / "published", symlinks=True)
    first = Served(tmp_path, warehouse)
    assert "(published into it)" in first.lines[0]
    status, err = first.stop()
    assert status == 0, err
    assert "PostgreSQL stopped" in err and not first.server.running()
    assert not (warehouse / "serve" / "pgdata" / "postmaster.pid").exists()
    again = Served(tmp_path, warehouse)
    try:
        assert "(already held)" in again.lines[0]
        con = psycopg2.connect(again.url)
        with con.cursor() as cur:
            cur.execute("select count(*) from published.fct_well_led_summary")
            assert cur.fetchone()[0] == _counts(publication / "wellled.duckdb")["fct_well_led_summary"]
        con.close()
    finally:
        status, err = again.stop()
    assert status == 0, err


def test_serve_refuses_a_port_in_use(publication, tmp_path, monkeypatch):
    monkeypatch.setenv("WELLLED_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    shutil.copytree(publication, tmp_path / "warehouse" / "published", symlinks=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "pipelines.cli", "serve", "--port", str(port)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use" in done.stderr and "Traceback" not in done.stderr
