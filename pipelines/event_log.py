"""The Dagster instance a `wellled` command runs in: DAGSTER_HOME's, with an event log that keeps its connections.

Dagster's default SQLite event log (one database per run beside an index database, in WAL mode) builds a new
SQLAlchemy engine and opens a new connection for every event it stores, and again for the index copy of an
asset or check event. A refresh stores a few thousand events, and each one paid for an engine, a commit
that waits for the disk, and a close that (the file's last connection gone) checkpoints the WAL into the
database, another wait for the disk; and every asset-check event built one more engine to ask whether the
index has its asset-check table. `SqliteEventLog` is the same storage, same files and schema, same
one-connection-at-a-time lock, with one engine and one open connection per database file for the storage's
life, and `synchronous=NORMAL`, SQLite's setting for WAL: a commit no longer waits for the disk, the file
stays consistent, and only a power cut or an operating-system crash could lose the last events (a killed
process loses nothing). Other processes (the UI, the daemon) read and write the same files with Dagster's
own class meanwhile, as WAL allows. A table found in the index is remembered (tables are only ever added).

Only an instance stored in SQLite by default (no `storage` or `*_storage` key in its dagster.yaml, as
dagster.yaml) gets it; any other instance (PostgreSQL, say) is opened as Dagster opens it.
Overriding `_connect` is a private Dagster API used on purpose: tests/unit/test_dagster_internals.py fails loudly
when it changes.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from contextlib import contextmanager

import dagster as dg
import sqlalchemy as sa
import yaml
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS

from . import settings

STORAGE_KEYS = ("storage", "run_storage", "event_log_storage", "schedule_storage")
ENGINES_KEPT = 8  # the index and the runs being written or read; a long-lived reader closes the oldest


class SqliteEventLog(SqliteEventLogStorage):
    """Dagster's run-sharded SQLite event log with one engine and one kept connection per database file."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, sa.Engine] = OrderedDict()  # before super(): its __init__ may connect
        self._engines_lock = threading.Lock()
        self._tables: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> SqliteEventLog:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str):
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:  # emptied again by wipe() and upgrade(), as in Dagster's
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        # Not under _db_lock: Dagster asks while it holds an index connection.
        if table_name not in self._tables:
            engine = self._engine(INDEX_SHARD_NAME)
            with engine.connect() as conn:
                if engine.dialect.has_table(conn, table_name):
                    self._tables.add(table_name)
        return table_name in self._tables

    def _engine(self, shard: str) -> sa.Engine:
        with self._engines_lock:
            engine = self._engines.pop(shard, None)
            if engine is None:
                # One connection, reused by whichever thread holds _db_lock (SQLAlchemy lets pooled SQLite
                # connections cross threads); a second one only if Dagster ever nests connections to one file.
                engine = sa.create_engine(self.conn_string_for_shard(shard), pool_size=1, max_overflow=4,
                                          connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
                sa.event.listen(engine, "connect", _relaxed_sync)
            self._engines[shard] = engine
            while len(self._engines) > ENGINES_KEPT:
                self._engines.popitem(last=False)[1].dispose()
            return engine

    def _close_all(self) -> None:
        with self._engines_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._close_all()  # no connection may stay open on a file being deleted
        super().wipe()

    def upgrade(self) -> None:
        self._close_all()
        super().upgrade()

    def dispose(self) -> None:
        super().dispose()
        self._close_all()


def _relaxed_sync(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_instance() -> dg.DagsterInstance:
    """DAGSTER_HOME's instance (as `DagsterInstance.get()`), with `SqliteEventLog` when it uses the default
    SQLite storage."""
    home = settings.dagster_home()
    config_file = home / "dagster.yaml"
    config = (yaml.safe_load(config_file.read_text()) if config_file.exists() else None) or {}
    if any(key in config for key in STORAGE_KEYS):
        return dg.DagsterInstance.get()
    event_log = {"module": __name__, "class": SqliteEventLog.__name__,
                 "config": {"base_dir": os.path.join(home, "history", "runs", "")}}
    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home), overrides={"event_log_storage": event_log}))
