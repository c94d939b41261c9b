"""NHS Staff Survey national results (`NSS<YY>_detailed_spreadsheets_national_results.xlsx`, docs/sources.md):
the same sheets and blocks as the organisational results, with identifiers `Base`, `Breakdown`,
`Breakdown subgroup`, `Weighting` and one row per breakdown instead of one per organisation.

Derived from the year's organisations, trusts only (the real file excludes ICBs, CSUs and social
enterprises): every value is the base-weighted mean of the trusts' published values (suppressed ones left
out), every base the sum of theirs. Rows: all trusts (`National`, blank breakdown, weighted by organisation
size and occupation group), each region, and `Ethnic background (summary)` White vs all other ethnic
groups combined. For the ethnicity rows each trust's base is split by its Q28 ethnic mix; the WRES items
(Q14a at least once, Q14c at least once, Q15 yes, Q16b yes) take the trust's benchmark-workbook rate for the
group (rescaling the other options), every other question the trust's overall distribution.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from . import catalogue as cat
from .orgs import KINDS
from .staff_survey import BASE_HEADER, SUPPRESSED, Result, _write_sheet
from .util import save_workbook

NATIONAL_ID_HEADERS = ("Base", "Breakdown", "Breakdown subgroup", "Weighting")
ETHNICITY = "Ethnic background (summary)"
GROUPS = (("white", "White staff"), ("bme", "Staff from all other ethnic groups combined"))
# WRES items whose group rates the benchmark splits give: question -> (stem, option index, rate is of that option)
WRES_ITEMS = {"Q14a": ("har_from_pat", 0, False), "Q14c": ("har_from_staff", 0, False),
              "Q15": ("equal", 0, True), "Q16b": ("q16b", 0, True)}


def _numbers(values: list, base) -> tuple[list[float], int] | None:
    if isinstance(base, str) or any(isinstance(v, str) for v in values):
        return None
    return [float(v) for v in values], int(base)


def _group_values(code: str, values: list[float], split, group: str) -> list[float]:
    """The trust's distribution for one ethnicity group: a WRES item moves to the group's rate."""
    if code not in WRES_ITEMS or split is None:
        return values
    stem, index, direct = WRES_ITEMS[code]
    rate = split[0] if group == "white" else split[1]
    if rate is None:
        return values
    target = 100 * (rate if direct else 1 - rate)  # % of the option (Yes, or Never = 1 - at least once)
    rest = sum(values) - values[index]
    scale = (100 - target) / rest if rest else 0.0
    return [target if i == index else v * scale for i, v in enumerate(values)]


def _pool(parts: list[tuple[list[float], float]]) -> tuple[list, int | str]:
    """Base-weighted mean of distributions; '-' when fewer than 10 responses in all."""
    total = sum(w for _, w in parts)
    if total < 10 or not parts:
        return [SUPPRESSED] * (len(parts[0][0]) if parts else 1), SUPPRESSED
    width = len(parts[0][0])
    # Rounded: a weighted mean of values at 100 can come out as 100.0000000000001, which the 0-100 gate refuses.
    return [round(sum(v[i] * w for v, w in parts) / total, 10) for i in range(width)], round(total)


def _rows_for(results: list[Result], splits: dict, year: int) -> list[tuple[tuple, dict[str, tuple]]]:
    """[(identifier cells, {2024 code or measure code: (values, base)})] for every breakdown row."""
    trusts = [res for res in results if res.unit.group in KINDS]
    selections: list[tuple[tuple, list[tuple[Result, float]], str | None]] = [
        (("National", None, None, "Organisation Size and Occupation Group"), [(res, 1.0) for res in trusts], None)]
    for region in sorted({res.unit.region for res in trusts}):
        selections.append((("National", "Region", region, "Organisation Size"),
                           [(res, 1.0) for res in trusts if res.unit.region == region], None))
    for group, label in GROUPS:
        members = []
        for res in trusts:
            q28 = _numbers(*res.answers["Q28"])
            if q28 is None:
                continue
            white = sum(q28[0][:4]) / 100
            members.append((res, white if group == "white" else 1 - white))
        selections.append((("National", ETHNICITY, label, "Organisation Size"), members, group))
    out = []
    for ids, members, group in selections:
        values: dict[str, tuple] = {}
        for code in cat.code_map(year):
            parts = []
            for res, share in members:
                got = _numbers(*res.answers[code])
                if got is None:
                    continue
                dist, base = got
                if group:
                    dist = _group_values(code, dist, splits.get((res.unit.code, WRES_ITEMS.get(code, ("",))[0], year)),
                                         group)
                parts.append((dist, base * share))
            values[code] = _pool(parts) if parts else ([SUPPRESSED] * len(cat.questions()[code].options), SUPPRESSED)
        for _, measures in cat.score_sheets():
            for measure, _ in measures:
                parts = [([float(res.scores[measure][0])], res.scores[measure][1] * share) for res, share in members
                         if not isinstance(res.scores[measure][0], str)]
                values[measure] = _pool(parts) if parts else ([SUPPRESSED], SUPPRESSED)
        out.append((ids, values))
    return out


def write_workbook(path: Path, year: int, results: list[Result], splits: dict, seed: int) -> None:
    wb = Workbook(write_only=True)
    notes = wb.create_sheet("Notes")
    for line in (f"NHS Staff Survey {year} - Detailed Spreadsheets", "", "National results",
                 "This document contains the aggregated survey results for all trusts. Results for other types of "
                 "organisations which take part on a voluntary basis are not included.",
                 f"SYNTHETIC SAMPLE DATA generated by wellled (seed {seed}): values are fictional."):
        notes.append([line])
    rows = _rows_for(results, splits, year)
    questions = cat.questions()
    for sheet in cat.layout(year):
        blocks = [(f"{yc} - {questions[c].text}", [f"% {o}" for o in questions[c].options] + [BASE_HEADER])
                  for yc, c in sheet.questions]
        body = []
        for ids, values in rows:
            row = list(ids)
            for _, c in sheet.questions:
                vals, base = values[c]
                row += list(vals) + [base]
            body.append(row)
        _write_sheet(wb, sheet.name, sheet.title, year, blocks, body, NATIONAL_ID_HEADERS)
    for name, measures in cat.score_sheets():
        blocks = [(f"{code} - {label}", [f"{code} - score", BASE_HEADER]) for code, label in measures]
        body = []
        for ids, values in rows:
            row = list(ids)
            for code, _ in measures:
                vals, base = values[code]
                row += [vals[0], base]
            body.append(row)
        _write_sheet(wb, name, f"{name} {measures[0][0]}-{measures[-1][0]}", year, blocks, body, NATIONAL_ID_HEADERS)
    save_workbook(wb, path)
