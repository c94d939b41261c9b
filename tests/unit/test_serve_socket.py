"""`wellled serve`'s socket folder: PostgreSQL refuses a Unix-domain socket path over 107 bytes, which a
warehouse in a deep folder reaches (pytest-xdist's temp folders did)."""

from __future__ import annotations

import os

from pipelines import serve


def test_a_short_data_folder_holds_its_own_socket(tmp_path):
    server = serve.LocalServer(tmp_path / "pgdata", 54321)
    assert server.socket_dir == tmp_path / "pgdata"


def test_a_deep_data_folder_gets_a_short_owner_only_socket_folder(tmp_path):
    server = serve.LocalServer(tmp_path / ("deep" * 20) / "pgdata", 54321)
    folder = server.socket_dir
    assert len(os.fsencode(folder / ".s.PGSQL.54321")) <= 107
    assert folder.stat().st_uid == server.pgdata.stat().st_uid
    assert folder.stat().st_mode & 0o777 == 0o700
    assert serve.LocalServer(server.pgdata, 54321).socket_dir == folder  # the same folder on the next start
    assert f"host={folder}&" in server.admin_url
    folder.rmdir()
