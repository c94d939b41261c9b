"""The replacements of GX's kwargs look-ups (pipelines/quality/_gx_kwargs.py) are installed on the pinned GX and
give exactly what GX's own methods give, for every expectation of every suite."""

from __future__ import annotations

import pytest

from pipelines import quality, settings
from pipelines.quality import _gx, _gx_kwargs
from pipelines.quality.gate import QUICK_FORMAT, RESULT_FORMAT

RUNTIME_CONFIGURATIONS = [None, {}, {"result_format": QUICK_FORMAT}, {"result_format": RESULT_FORMAT},
                          {"result_format": "COMPLETE", "catch_exceptions": False, "include_config": True}]


def _all_suites() -> list[str]:
    return sorted(p.stem for p in settings.EXPECTATIONS_DIR.rglob("*.json"))


def test_installed_on_the_pinned_gx():
    _gx.initialise()
    assert _gx_kwargs.ORIGINALS, (
        "GX's Expectation._get_*_kwargs changed: check pipelines/quality/_gx_kwargs.py against the new code, then "
        "update REPLACED (or delete the module if GX no longer rebuilds its configuration per key)")


@pytest.mark.parametrize("suite", _all_suites())
def test_replacements_give_what_gx_gives(suite):
    _gx.initialise()
    from great_expectations.expectations.expectation import Expectation

    for expectation in quality.load_suite(suite).expectations:
        config = expectation.configuration
        config.kwargs["batch_id"] = "a-batch"  # as the validator sets it
        obj = config.to_domain_obj()
        assert (list(Expectation._get_domain_kwargs(obj).items())
                == list(_gx_kwargs.ORIGINALS["_get_domain_kwargs"](obj).items()))
        assert (list(Expectation._get_success_kwargs(obj).items())
                == list(_gx_kwargs.ORIGINALS["_get_success_kwargs"](obj).items()))
        for runtime in RUNTIME_CONFIGURATIONS:
            assert (list(Expectation._get_runtime_kwargs(obj, runtime).items())
                    == list(_gx_kwargs.ORIGINALS["_get_runtime_kwargs"](obj, runtime).items()))
