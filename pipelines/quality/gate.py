"""Run a suite on a DataFrame and turn GX's result into an outcome a person (and Dagster) can act on.

Blocking is decided from each failed expectation's own `severity`, never from GX's overall `success`
(which is false when only a warning fails). Values of protected columns never leave this module:
samples, summaries and the validation result kept for Data Docs are redacted here.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pipelines.quality import _gx
from pipelines.quality.suites import (
    REDACTED,
    REDACTED_COLUMNS,
    SuiteSpec,
    condition_columns,
    domain_columns,
    read_suite,
)
from pipelines.safe_text import shown

SAMPLE_SIZE = 5
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
# A passing suite needs only pass/fail per expectation, which GX computes in about half the time; a suite
# with any failure is validated again with RESULT_FORMAT for counts and failing rows.
QUICK_FORMAT = {"result_format": "BOOLEAN_ONLY"}
# What survives redaction of an expectation that reads a protected column: counts only.
_COUNT_KEYS = frozenset({
    "element_count", "unexpected_count", "unexpected_percent", "missing_count", "missing_percent",
    "unexpected_percent_total", "unexpected_percent_nonmissing",
})

_SMALL_INTS = (np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.int32))

PASSED, WARNING, FAILED, SKIPPED = "passed", "warning", "failed", "skipped"


@dataclass
class FailedExpectation:
    expectation: str  # GX expectation type, e.g. expect_column_values_to_be_between
    column: str | None  # the column(s) checked, comma-separated; None for table-level expectations
    severity: str  # "critical" blocks publication; "warning" is recorded
    unexpected_count: int | None
    unexpected_percent: float | None
    sample: list[dict[str, Any]]  # a few failing rows: safe key columns + checked value, protected values redacted
    description: str  # what the expectation checks, in words
    observed: str | None = None  # for table-level expectations or errors: what was seen (never protected values)


@dataclass
class SuiteOutcome:
    suite: str
    status: str  # "passed" | "warning" | "failed" | "skipped"
    evaluated: int
    failed: list[FailedExpectation]
    rows: int
    table: str = ""
    layer: str = ""
    skipped_reason: str | None = None
    seconds: float = 0.0
    # The GX validation result with protected values removed, for Data Docs (None when skipped).
    gx_result: Any = field(default=None, repr=False, compare=False)

    @property
    def blocking(self) -> bool:
        """True when any critical expectation failed: publication must not go ahead."""
        return any(f.severity == "critical" for f in self.failed)

    @property
    def critical_failures(self) -> list[FailedExpectation]:
        return [f for f in self.failed if f.severity == "critical"]

    @property
    def warning_failures(self) -> list[FailedExpectation]:
        return [f for f in self.failed if f.severity != "critical"]

    def summary(self) -> str:
        """One markdown paragraph, plus a table of failed expectations when there are any."""
        head = f"**{self.suite}**"
        if self.status == SKIPPED:
            return f"{head}: skipped ({self.skipped_reason}). Absent is not failed: nothing was validated."
        if not self.failed:
            return f"{head}: passed. All {self.evaluated} expectations met on {self.rows:,} rows."
        verdict = "failed, blocks publication" if self.blocking else "passed with warnings, does not block"
        lines = [
            f"{head}: {verdict}. {len(self.critical_failures)} critical and {len(self.warning_failures)} warning "
            f"failure(s) among {self.evaluated} expectations on {self.rows:,} rows.",
            "",
            "| severity | expectation | column | unexpected | what it checks |",
            "|---|---|---|---|---|",
        ]
        for f in sorted(self.failed, key=lambda f: (f.severity != "critical", f.expectation, f.column or "")):
            lines.append(
                f"| {f.severity} | {f.expectation} | {_md(f.column or '(table)')} | {_md(_unexpected_text(f))} "
                f"| {_md(f.description)} |"
            )
        return "\n".join(lines)

    def to_metadata(self) -> dict[str, Any]:
        """JSON-safe facts for Dagster check metadata (samples already redacted)."""
        return {
            "suite": self.suite,
            "table": self.table,
            "layer": self.layer,
            "status": self.status,
            "blocking": self.blocking,
            "rows": self.rows,
            "evaluated": self.evaluated,
            "critical_failures": len(self.critical_failures),
            "warning_failures": len(self.warning_failures),
            "skipped_reason": self.skipped_reason,
            "seconds": round(self.seconds, 3),
            "failed_expectations": [asdict(f) for f in self.failed],
        }


def load_suite(name: str) -> Any:
    """The GX ExpectationSuite for `expectations/<name>.json`; raises ValueError if any expectation is invalid."""
    return _gx_suite(read_suite(name))


def _gx_suite(spec: SuiteSpec) -> Any:
    with _gx.LOCK:
        gx = _gx.initialise().gx
        _gx.activate()  # suites resolve through the current context, and our custom expectation must be registered
        return _suite(gx, spec)


def _suite(gx: Any, spec: SuiteSpec) -> Any:
    try:
        suite = gx.ExpectationSuite(name=spec.name, expectations=list(spec.expectations), meta=spec.raw.get("meta"))
    except ValueError as exc:  # pydantic's ValidationError: unknown or missing kwargs
        raise ValueError(f"suite {spec.name}: an expectation did not load: {exc}") from exc
    dropped = len(spec.expectations) - len(suite.expectations)
    if dropped:  # GX logs some invalid configurations and drops them instead of raising
        raise ValueError(f"suite {spec.name}: {dropped} expectation(s) did not load (see the GX log)")
    return suite


def expectation_parameters(today: dt.date | None = None) -> dict[str, Any]:
    """Values for the `$PARAMETER`s the suites use: plausible periods run to the end of next year."""
    year = (today or dt.date.today()).year + 1
    return {"max_plausible_year": year, "max_plausible_date": f"{year}-12-31"}


def validate(
    name: str,
    df: pd.DataFrame,
    *,
    skipped_reason: str | None = None,
    today: dt.date | None = None,
) -> SuiteOutcome:
    """Validate `df` against suite `name`. Give `skipped_reason` when the table's source is absent."""
    spec = read_suite(name)
    if skipped_reason:
        return SuiteOutcome(suite=name, status=SKIPPED, evaluated=0, failed=[], rows=len(df), table=spec.table,
                            layer=spec.layer, skipped_reason=skipped_reason)
    started = time.perf_counter()
    frame = _prepare(df)
    with _gx.LOCK:
        suite = _gx_suite(spec)
        parameters = expectation_parameters(today)
        try:
            batch = _gx.batch_definition(name).get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(suite, result_format=QUICK_FORMAT, expectation_parameters=parameters)
            if not result.success:
                result = batch.validate(suite, result_format=RESULT_FORMAT, expectation_parameters=parameters)
        finally:
            _gx.release_validated_data()
    failed = [_failed(r, frame, spec) for r in result.results if not r.success]
    for r in result.results:
        _redact(r)
    status = FAILED if any(f.severity == "critical" for f in failed) else WARNING if failed else PASSED
    return SuiteOutcome(suite=name, status=status, evaluated=len(result.results), failed=failed, rows=len(frame),
                        table=spec.table, layer=spec.layer, seconds=time.perf_counter() - started,
                        gx_result=result)


def _prepare(df: pd.DataFrame) -> pd.DataFrame:
    """A copy GX can check: a plain 0..n-1 index (samples look rows up by it), dates as `datetime.date` and
    small integers as int64.

    DuckDB returns DATE columns as datetime64, which GX 1.24's between-check cannot compare with the
    date bounds it parses from the suite; naive datetime columns holding only midnights become dates.
    That check is vectorised only for int64 and float64 columns and compares any other one Python value at a
    time: the same answers, many times slower, so NULL-free int8/16/32 columns are widened to int64.
    """
    frame = df.reset_index(drop=True)
    for name in frame.columns:
        col = frame[name]
        if col.dtype in _SMALL_INTS:
            frame[name] = col.astype(np.int64)
        elif pd.api.types.is_datetime64_dtype(col.dtype) and not isinstance(col.dtype, pd.DatetimeTZDtype):
            present = col.dropna()
            if (present == present.dt.normalize()).all():
                frame[name] = col.dt.date.astype(object).where(col.notna(), None)
    return frame


def _severity(result: Any) -> str:
    severity = getattr(result.expectation_config, "severity", "critical")
    return str(getattr(severity, "value", severity))


def _touches_protected(kwargs: dict[str, Any]) -> bool:
    return bool((set(domain_columns(kwargs)) | condition_columns(kwargs)) & REDACTED_COLUMNS)


def _failed(result: Any, frame: pd.DataFrame, spec: SuiteSpec) -> FailedExpectation:
    config = result.expectation_config
    kwargs = config.kwargs
    columns = domain_columns(kwargs)
    res = result.result or {}
    protected = _touches_protected(kwargs)
    return FailedExpectation(
        expectation=config.type,
        column=", ".join(columns) or None,
        severity=_severity(result),
        unexpected_count=_int_or_none(res.get("unexpected_count")),
        unexpected_percent=_float_or_none(res.get("unexpected_percent")),
        sample=_sample(frame, res.get("partial_unexpected_index_list") or [], spec, columns, kwargs),
        description=config.description or config.type,
        observed=None if protected else _observed(result),
    )


def _sample(frame: pd.DataFrame, index: list, spec: SuiteSpec, columns: list[str], kwargs: dict) -> list[dict]:
    """Failing rows by their safe identifying columns and the checked value(s), protected values redacted.

    When the row condition itself filters on a protected column, which rows matched would disclose it:
    then no rows are shown at all, only counts.
    """
    if condition_columns(kwargs) & REDACTED_COLUMNS:
        return []
    shown = [c for c in spec.sample_columns if c in frame.columns]
    shown += [c for c in columns if c in frame.columns and c not in shown]
    rows = []
    for label in index[:SAMPLE_SIZE]:
        try:
            i = int(label)
        except (TypeError, ValueError):
            continue
        if not 0 <= i < len(frame):
            continue
        rows.append({c: REDACTED if c in REDACTED_COLUMNS else _jsonable(frame.at[i, c]) for c in shown})
    return rows


def _observed(result: Any) -> str | None:
    res = result.result or {}
    info = result.exception_info or {}
    messages = [info.get("exception_message")] if "raised_exception" in info else [
        v.get("exception_message") for v in info.values() if isinstance(v, dict)]
    messages = [m for m in messages if m]
    if messages:
        return shown("error: " + messages[0].splitlines()[0], 300)
    if "partial_unexpected_list" in res:  # row-level: the sample says it better
        return None
    details = (res.get("details") or {}).get("mismatched")
    if details:
        return shown("; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in details.items()), 300)
    if "observed_value" in res:
        return shown(f"observed: {_jsonable(res['observed_value'])}", 300)
    return None


def _redact(result: Any) -> None:
    """Strip a result that reads a protected column down to counts, for anything written outside this module."""
    if not _touches_protected(result.expectation_config.kwargs):
        return
    result.result = {k: v for k, v in (result.result or {}).items() if k in _COUNT_KEYS}
    raised = bool((result.exception_info or {}).get("raised_exception")) or any(
        isinstance(v, dict) and v.get("raised_exception") for v in (result.exception_info or {}).values())
    result.exception_info = {"raised_exception": raised, "exception_traceback": None,
                             "exception_message": f"{REDACTED}: reads a protected column" if raised else None}


def _jsonable(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, str):
        return shown(value)  # a landed cell: escaped (no terminal control) and cut
    if isinstance(value, (int, float, bool)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return shown(value)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _float_or_none(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)


def _unexpected_text(f: FailedExpectation) -> str:
    if f.unexpected_count is None:
        return f.observed or ""
    pct = f" ({f.unexpected_percent:.2f}%)" if f.unexpected_percent is not None else ""
    return f"{f.unexpected_count:,}{pct}"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
