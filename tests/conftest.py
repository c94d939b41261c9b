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


@pytest.fixture(scope="session")
def sample_refresh(tmp_path_factory):
    """One refresh of a tiny sample (6 trusts, 2023-2024), shared by every test that only reads its output.

    Yields (root folder, CLI exit status); the environment points at its landing and warehouse folders
    while the session lasts (tests that need other folders set them with monkeypatch).
    """
    from pipelines import cli
    from pipelines.sample_data import generate

    root = tmp_path_factory.mktemp("sample_refresh")
    patch = pytest.MonkeyPatch()
    for key, folder in {"WELLLED_LANDING_DIR": "landing", "WELLLED_WAREHOUSE_DIR": "warehouse",
                        "DAGSTER_HOME": "dagster_home"}.items():
        patch.setenv(key, str(root / folder))
    generate(root / "landing", trusts=6, years=(2023, 2024), seed=7)
    status = cli.main(["refresh"])
    yield root, status
    patch.undo()


@pytest.fixture
def published(sample_refresh):
    """A read-only connection to the sample refresh's publication."""
    import duckdb

    root, status = sample_refresh
    assert status == 0, "the sample refresh did not publish"
    with duckdb.connect(str(root / "warehouse" / "published" / "wellled.duckdb"), read_only=True) as con:
        yield con


@pytest.fixture
def isolated(tmp_path, monkeypatch) -> Path:
    """Landing, warehouse and Dagster home in a temp folder, so tests never touch the user's data."""
    monkeypatch.setenv("WELLLED_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("WELLLED_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir()
    (tmp_path / "landing").mkdir()
    return tmp_path
