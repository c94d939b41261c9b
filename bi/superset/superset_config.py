"""Superset settings for `make superset`: metadata and secret key under the warehouse folder, this machine only."""

import os
from pathlib import Path

HOME = Path(os.environ["SUPERSET_HOME"])
_key = HOME / "secret_key"
if not _key.exists():
    _key.touch(mode=0o600)
    _key.write_text(os.urandom(32).hex())
SECRET_KEY = _key.read_text().strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{HOME / 'superset.db'}"
# Charts query the publication live; a new publication shows at the next refresh of a chart.
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
WTF_CSRF_ENABLED = True
