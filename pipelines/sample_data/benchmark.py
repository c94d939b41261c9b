"""NHS Staff Survey benchmark report data (`NSS<YY>_benchmark_report_data.xlsx`, docs/sources.md; no
real copy exists, so the layout is the documented one): `Notes`, then one sheet per trust benchmarking
group; header in row 1, one row per reporting unit from row 2; `org_id`, `org_name`,
`org_type_reporting_name`, then `<variable>_<YYYY>` for up to five survey years (history named with the
workbook year's question codes). Values are fractions 0-1; blank where a group has fewer than 11 people.

The WRES ethnicity splits (`<stem>_eth_summary_1|2|n_1|n_2_<YYYY>`) reconcile with the organisational
results of the same unit: the White and BME rates average (weighted by the Q28 ethnic mix) to the unit's
overall rate (Q14a at least once; Q14b or Q14c at least once, approximated; Q15 yes; Q16b yes), with a BME /
White ratio drawn around the 2024 per-trust figures (1.19, 1.20, 0.85, 2.39) and wider where culture is worse.
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook

from . import catalogue as cat
from .orgs import KINDS
from .staff_survey import Result
from .util import rng, save_workbook

STEMS = ("har_from_pat", "har_from_staff", "equal", "q16b")
PARTS = ("eth_summary_1", "eth_summary_2", "eth_summary_n_1", "eth_summary_n_2")
# BME / White ratio: centre, log spread, change per unit of culture (negative: gap narrows as culture improves)
RATIOS = {"har_from_pat": (1.18, 0.16, -0.05), "har_from_staff": (1.17, 0.16, -0.05),
          "equal": (0.85, 0.08, 0.03), "q16b": (2.25, 0.28, -0.08)}
SOURCE_QUESTION = {"har_from_pat": "Q14a", "har_from_staff": "Q14c", "equal": "Q15", "q16b": "Q16b"}
OTHER = ("Q25c", "Q26a")  # agree + strongly agree, named with the workbook year's codes
MIN_BASE = 11

Split = tuple[float | None, float | None, int | None, int | None]  # white, bme, n white, n bme


def _overall(stem: str, answers: dict) -> float | None:
    values = answers[SOURCE_QUESTION[stem]][0]
    if any(isinstance(v, str) for v in values):
        return None
    if stem == "har_from_pat":
        return 1 - values[0] / 100
    if stem == "har_from_staff":
        b, c = 1 - answers["Q14b"][0][0] / 100, 1 - values[0] / 100
        return c + 0.4 * b * (1 - c)
    return values[0] / 100  # Q15 yes, Q16b yes


def ethnicity_splits(res: Result, year: int, seed: int) -> dict[str, Split]:
    """The four WRES staff-survey rates of one unit-year, by ethnicity (fractions), with group bases."""
    q28, n28 = res.answers["Q28"]
    out: dict[str, Split] = {}
    if isinstance(n28, str):
        return {stem: (None, None, None, None) for stem in STEMS}
    white_share = sum(q28[:4]) / 100
    r = rng(seed, res.unit.code, "bench", year)
    for stem in STEMS:
        base = res.answers[SOURCE_QUESTION[stem]][1]
        p = _overall(stem, res.answers)
        centre, spread, slope = RATIOS[stem]
        k = centre * math.exp(r.gauss(0, spread) + slope * res.unit.culture)
        if p is None or isinstance(base, str):
            out[stem] = (None, None, None, None)
            continue
        n_white = round(base * white_share)
        n_bme = base - n_white
        white = min(0.999, p / (white_share + (1 - white_share) * k))
        bme = min(0.999, white * k)
        out[stem] = (white if n_white >= MIN_BASE else None, bme if n_bme >= MIN_BASE else None,
                     n_white if n_white >= MIN_BASE else None, n_bme if n_bme >= MIN_BASE else None)
    return out


def _agree(res: Result, code: str) -> tuple[float | None, int | None]:
    values, base = res.answers[code]
    if isinstance(base, str):
        return None, None
    return (values[3] + values[4]) / 100, base


def write_workbook(path: Path, year: int, results: dict[int, list[Result]], splits: dict, seed: int) -> None:
    """results: every generated year's results (history comes from them); splits: {(code, stem, year): Split}."""
    history = [y for y in sorted(results) if y <= year][-5:]
    by_code = {y: {res.unit.code: res for res in results[y]} for y in history}
    codes = cat.code_map(year)
    columns = ["org_id", "org_name", "org_type_reporting_name"]
    columns += [f"{stem}_{part}_{y}" for stem in STEMS for part in PARTS for y in history]
    for q in OTHER:
        name = codes[q].lower()
        columns += [f"{name}_{y}" for y in history] + [f"{name}_n_{y}" for y in history]
    wb = Workbook(write_only=True)
    notes = wb.create_sheet("Notes")
    for line in (f"NHS Staff Survey {year} - Benchmark report data",
                 "One sheet per benchmarking group; one row per organisation; results for up to five survey years,"
                 f" re-coded to the {year} question numbers.",
                 "Values are proportions between 0 and 1; _n_ columns are the numbers of responses. "
                 "eth_summary_1 = White staff, eth_summary_2 = staff from all other ethnic groups combined.",
                 "Results based on fewer than 11 responses are not shown.",
                 f"SYNTHETIC SAMPLE DATA generated by wellled (seed {seed}): organisations and values are fictional."):
        notes.append([line])
    for kind, (_, _, sheet_name, _) in KINDS.items():
        ws = wb.create_sheet(sheet_name)
        ws.append(columns)
        for res in results[year]:
            if res.unit.group != kind:
                continue
            row: list = [res.unit.code, res.unit.name, sheet_name]
            for stem in STEMS:
                for i in range(4):
                    row += [splits.get((res.unit.code, stem, y), (None,) * 4)[i] for y in history]
            for q in OTHER:
                pairs = [_agree(by_code[y][res.unit.code], q) if res.unit.code in by_code[y] else (None, None)
                         for y in history]
                row += [v for v, _ in pairs] + [n for _, n in pairs]
            ws.append(row)
    save_workbook(wb, path)
