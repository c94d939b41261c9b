"""A GX hot spot made cheap without changing what GX computes: an expectation's kwargs looked up key by key.

GX 1.24 reads an expectation's kwargs through `Expectation.configuration`, a property that rebuilds the whole
configuration (a pydantic `.dict()` and a new ExpectationConfiguration) on every access, and its
`_get_domain_kwargs`, `_get_success_kwargs` and `_get_runtime_kwargs` access it once per key: a good part
of the time a small suite takes. The replacements below are GX's own bodies with the configuration built
once per call, giving the same values in the same order. They are installed only over the exact GX code
they were written against (compared by source), so after a GX upgrade GX's own methods stay in place
(tests/unit/test_gx_kwargs.py then says so). Called once, by `_gx.initialise`, with GX's import lock held.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

# sha256 (first 16 hex digits) of the source of each GX method replaced, as in great_expectations 1.24.1.
REPLACED = {
    "_get_domain_kwargs": "91ad2a0670ff463a",
    "_get_success_kwargs": "fe376905e18bc525",
    "_get_runtime_kwargs": "4196ca2a2cdb5bbf",
    "_get_success_kwarg": "baef37a186b40871",  # not replaced: _runtime_kwargs below repeats it for one key
}

# GX's own methods, kept when replaced (for the test that compares them with the replacements).
ORIGINALS: dict[str, Any] = {}


def install() -> bool:
    """Replace the three methods on GX's Expectation when GX's code is unchanged; True when installed."""
    from great_expectations.expectations.expectation import Expectation

    if not ORIGINALS:
        if any(_digest(getattr(Expectation, name)) != digest for name, digest in REPLACED.items()):
            return False
        ORIGINALS.update({name: getattr(Expectation, name) for name in REPLACED})
        Expectation._get_domain_kwargs = lambda self: _domain_kwargs(self, self.configuration.kwargs)
        Expectation._get_success_kwargs = lambda self: _success_kwargs(self, self.configuration.kwargs)
        Expectation._get_runtime_kwargs = _runtime_kwargs
    return True


def _digest(method: Any) -> str:
    return hashlib.sha256(inspect.getsource(method).encode()).hexdigest()[:16]


def _domain_kwargs(self: Any, kwargs: dict) -> dict:
    return {key: kwargs.get(key, self._get_default_value(key)) for key in self.domain_keys}


def _success_kwargs(self: Any, kwargs: dict) -> dict:
    domain_kwargs = _domain_kwargs(self, kwargs)
    success_kwargs = {key: kwargs.get(key, self._get_default_value(key)) for key in self.success_keys}
    success_kwargs.update(domain_kwargs)
    return success_kwargs


def _runtime_kwargs(self: Any, runtime_configuration: dict | None = None) -> dict:
    from great_expectations.expectations import expectation as gx_expectation

    runtime_configuration = runtime_configuration or {}
    kwargs = self.configuration.kwargs
    success_kwargs = _success_kwargs(self, kwargs)
    runtime_kwargs = {key: runtime_configuration.get(key, _success_kwarg(self, kwargs, key))
                      for key in self.runtime_keys}
    runtime_kwargs.update(success_kwargs)
    runtime_kwargs["result_format"] = gx_expectation.parse_result_format(runtime_kwargs["result_format"])
    return runtime_kwargs


def _success_kwarg(self: Any, kwargs: dict, key: str, default: Any = None) -> Any:
    """GX's `_get_success_kwarg`, on kwargs already built."""
    from great_expectations.expectations import expectation as gx_expectation

    if key in kwargs:
        return kwargs[key]
    field = self.__fields__.get(key)
    if field is not None:
        return field.default if not field.required else default
    gx_expectation.logger.warning(
        f'_get_success_kwarg called with key "{key}", but it is not a known field of {type(self).__name__}')
    return default
