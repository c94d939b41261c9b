"""Shared fixtures: real published files from ../shared, and isolated landing/warehouse folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def real_file(name: str) -> Path:
    """A real published file; missing fails under CI (it must be there) and skips elsewhere."""
    path = SHARED_REAL / name
    if not path.exists():
        message = f"real file {path} is missing (CI has ../shared beside the checkout)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def isolated(tmp_path, monkeypatch) -> Path:
    """Landing, warehouse and Dagster home in a temp folder, so tests never touch the user's data."""
    monkeypatch.setenv("WELLLED_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("WELLLED_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir()
    (tmp_path / "landing").mkdir()
    return tmp_path
