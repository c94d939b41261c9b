"""The GX internals wellled uses on purpose are still there; when one goes, this says which and why it was used."""

from __future__ import annotations

import pytest

from pipelines.quality import _gx


@pytest.mark.parametrize("name", sorted(_gx.PRIVATE_APIS))
def test_private_gx_api_is_still_there(name):
    value = _gx.private(name)
    assert getattr(value, "__name__", name) == name  # a class, or a module setting such as HASH_THRESHOLD


def test_a_missing_private_api_fails_loudly(monkeypatch):
    monkeypatch.setitem(_gx.PRIVATE_APIS, "Gone", ("great_expectations.core", "stands in for a removed class"))
    with pytest.raises(ImportError, match=r"no longer has great_expectations\.core\.Gone.*stands in for a removed"):
        _gx.private("Gone")
