"""NHS Staff Survey organisational results: simulate each unit's question results and scores, write the
official workbook (`NSS<YY>_detailed_spreadsheets_organisational_results.xlsx`, layout of the real 2024 file).

Question results: per benchmarking group, the 2024 mean option percentages; an organisation moves along
each ordered scale by a cumulative-logit shift = spread x (correlation with engagement x culture + noise);
non-scale options (Not applicable, Don't know) and nominal questions vary multiplicatively. Percentages come
from whole response counts (unweighted units: count / base; weighted units: counts x occupation weights), so
a zero is an integer 0. Bases below 10 suppress the whole question with `-`; the multi-response Q16c shows
100 per option with `-` where fewer than 10 chose it (as the real file does).
Scores: sub-scores recomputed from the written percentages (catalogue.item_score) plus noise within
+/-0.02, except PP4_1 and PP5_2 (rule unknown: approximation + fitted offset, noise +/-0.1); elements and
themes = mean of their sub-scores +/-0.01; PP2 from its items. Bases: the largest base of the items.
"""

from __future__ import annotations

import math
import random
import statistics as st
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from . import catalogue as cat
from .orgs import Unit
from .util import largest_remainder, rng, save_workbook, shifted

ID_HEADERS = ("ODS code", "Organisation name", "Benchmarking group", "Region", "ICS", "Weighting")
BASE_HEADER = "Base (number of responses)"
ANONYMITY = ("\nNote: In order to the preserve anonymity of individual staff, where there were fewer than 10 "
             "responses to a question results are not displayed")
SUPPRESSED = "-"
# National movement per year on the cumulative-logit scale, in the favourable direction.
YEAR_SHIFT = {2021: 0.03, 2022: -0.05, 2023: 0.0, 2024: 0.02}
# Share of Q16c (discrimination grounds) respondents naming each ground: only decides suppression.
Q16C_SHARES = (0.45, 0.15, 0.05, 0.04, 0.12, 0.15, 0.25)


@dataclass
class Result:
    """One unit's results in one survey year, keyed by 2024 question / measure code."""

    unit: Unit
    answers: dict[str, tuple[list, int | str]]
    scores: dict[str, tuple[float | str, int | str]]


def simulate(unit: Unit, year: int, seed: int) -> Result:
    r = rng(seed, unit.code, "nss", year)
    persistent = rng(seed, unit.code, "nss-persistent")
    asked = cat.code_map(year)
    weighted = unit.weighting == "Occupation Group"
    answers: dict[str, tuple[list, int | str]] = {}
    for code, q in cat.questions().items():
        lasting = persistent.gauss(0, 1)  # drawn for every question so streams stay aligned across years
        if code not in asked:
            continue
        means = q.means.get(unit.catalogue_group) or q.means["acute"]
        base = _base(q, unit.responses, answers, r)
        if code.startswith("Q16c_"):
            answers[code] = _multi_response(code, base, r)
            continue
        if code == "Q28":
            probs = _ethnicity(means, unit.bme, q.sigma, r)
        else:
            probs = _distribution(q, means, unit.culture, year, lasting, r)
        answers[code] = _percentages(base, probs, weighted, r)
    return Result(unit, answers, _scores(answers, r))


def _distribution(q: cat.Question, means, culture: float, year: int, lasting: float, r: random.Random) -> list[float]:
    total = sum(means)
    if not q.scale:
        raw = [m * math.exp(q.sigma * r.gauss(0, 1)) for m in means]
        return [x / sum(raw) for x in raw]
    noise = 0.8 * lasting + 0.6 * r.gauss(0, 1)
    delta = q.sd * (q.r * culture + math.sqrt(max(0.0, 1 - q.r**2)) * noise)
    delta += YEAR_SHIFT.get(year, 0.0) * (1 if q.r >= 0 else -1)
    extras = [m / total * math.exp(q.sigma * r.gauss(0, 1)) for m in means[q.scale:]]
    extra = min(sum(extras), 0.95)
    if extras and sum(extras) > 0:
        extras = [e * extra / sum(extras) for e in extras]
    return [p * (1 - extra) for p in shifted(means[: q.scale], delta)] + extras


def _ethnicity(means, bme: float, sigma: float, r: random.Random) -> list[float]:
    """Q28: the four White options share 1 - bme of respondents, the other fourteen share bme."""
    bme = min(0.9, max(0.02, bme * math.exp(r.gauss(0, 0.05))))
    raw = [m * math.exp(0.3 * sigma * r.gauss(0, 1)) for m in means]
    white, other = sum(raw[:4]), sum(raw[4:])
    return [x * (1 - bme) / white for x in raw[:4]] + [x * bme / other for x in raw[4:]]


def _base(q: cat.Question, n: int, answers: dict, r: random.Random) -> int:
    spec = q.base
    if "ratio" in spec:
        return min(n, max(0, round(n * spec["ratio"] + r.gauss(0, max(1.0, n * 0.003)))))
    values, _ = answers[spec["parent"]]
    options = cat.questions()[spec["parent"]].options
    if any(isinstance(v, str) for v in values):
        return 0
    share = sum(values[options.index(o)] for o in spec["options"]) / 100
    return min(n, round(n * spec["factor"] * share * math.exp(r.gauss(0, 0.05))))


def _percentages(base: int, probs: list[float], weighted: bool, r: random.Random) -> tuple[list, int | str]:
    if base < 10:
        return [SUPPRESSED] * len(probs), SUPPRESSED
    counts = largest_remainder(base, probs)
    mass = [c * (r.uniform(0.85, 1.15) if weighted else 1.0) for c in counts]
    total = sum(mass)
    return [100 * m / total if m else 0 for m in mass], base


def _multi_response(code: str, base: int, r: random.Random) -> tuple[list, int | str]:
    if base < 10:
        return [SUPPRESSED], SUPPRESSED
    share = Q16C_SHARES[int(code.split("_")[1]) - 1]
    chose = base * share * math.exp(r.gauss(0, 0.2))
    return [100 if chose >= 10 else SUPPRESSED], base


def _scores(answers: dict, r: random.Random) -> dict[str, tuple]:
    def base_of(codes) -> int:
        return max((answers[c][1] for c in codes if c in answers and isinstance(answers[c][1], int)), default=0)

    subs: dict[str, tuple] = {}
    for code, items in cat.SUB_SCORES.items():
        values = [cat.item_score(c, answers[c][0]) for c in items if c in answers]
        values = [v for v in values if v is not None]
        if code == "PP5_2" and values:  # approximation: items counted for those who had an appraisal
            a = answers["Q23a"][0]
            values = [v * a[0] / (a[0] + a[1] + a[2]) for v in values]
        if not values:
            subs[code] = (SUPPRESSED, SUPPRESSED)
            continue
        spread = 0.1 if code in cat.UNRECONCILED else 0.02
        score = st.mean(values) + cat.UNRECONCILED.get(code, 0.0) + r.uniform(-spread, spread)
        subs[code] = (min(10.0, max(0.0, score)), base_of(items))
    out = dict(subs)
    for code, parts in cat.COMPOSITES.items():
        known = [subs[p] for p in parts if subs[p][0] != SUPPRESSED]
        if not known:
            out[code] = (SUPPRESSED, SUPPRESSED)
            continue
        score = st.mean(s for s, _ in known) + r.uniform(-0.01, 0.01)
        out[code] = (min(10.0, max(0.0, score)), max(b for _, b in known))
    return out


# --- the workbook -----------------------------------------------------------------------------------
def notes_rows(year: int, seed: int) -> list[list[str | None]]:
    return [
        [f"NHS Staff Survey {year} - Detailed Spreadsheets"], [None], ["Organisational results"],
        ["This document contains the survey results for each participating organisation. The sheet can be "
         "filtered by organisational type (benchmarking group), region or ICS.\n"],
        ["Contents"],
        ["The sheets contain the weighted results for each question and for the People Promise element and "
         "Theme scores and sub-scores. "],
        [None], ["Weighting"],
        ["The data for all trusts and Social Enterprises have been weighted by occupational group. The data for "
         "ICBs, CSUs and Community Surgical Services have not been weighted."],
        [None],
        [f"SYNTHETIC SAMPLE DATA generated by wellled (seed {seed}): organisations, codes and values are "
         "fictional. Do not use for analysis."],
        [None],
        ["If you have any questions about the Staff Survey data, please visit www.nhsstaffsurveys.com/results"],
    ]


def _id_cells(u: Unit) -> list:
    return [u.code, u.name, u.benchmarking_group, u.region, u.ics, u.weighting]


def _write_sheet(wb: Workbook, name: str, title: str, year: int, blocks: list[tuple[str, list[str]]],
                 rows: list[list], id_headers: tuple[str, ...] = ID_HEADERS) -> None:
    """blocks: (row-1 label, row-5 headers) per question or measure; rows: identifier + value cells."""
    ws = wb.create_sheet(name)
    ws.freeze_panes = f"{chr(65 + len(id_headers))}1"
    row1: list = [f"NHS Staff Survey {year} - WEIGHTED Results"] + [None] * (len(id_headers) - 1)
    header = list(id_headers)
    for label, heads in blocks:
        row1 += [label] + [None] * (len(heads) - 1)
        header += heads
    ws.append(row1)
    ws.append([title])
    ws.append([ANONYMITY])
    ws.append([])
    ws.append(header)
    for row in rows:
        ws.append(row)
    font = Font(name="Arial", size=10)
    blank = []
    for _ in header:
        cell = WriteOnlyCell(ws)
        cell.font = font
        blank.append(cell)
    ws.append(blank)  # every published sheet ends with a blank (formatted) row
    ws.auto_filter.ref = f"A5:{chr(64 + len(id_headers))}5"


def write_workbook(path: Path, year: int, results: list[Result], seed: int) -> None:
    wb = Workbook(write_only=True)
    notes = wb.create_sheet("Notes")
    for row in notes_rows(year, seed):
        notes.append(row)
    questions = cat.questions()
    for sheet in cat.layout(year):
        blocks = [(f"{yc} - {questions[c].text}", [f"% {o}" for o in questions[c].options] + [BASE_HEADER])
                  for yc, c in sheet.questions]
        rows = []
        for res in results:
            row = _id_cells(res.unit)
            for _, c in sheet.questions:
                values, base = res.answers[c]
                row += values + [base]
            rows.append(row)
        _write_sheet(wb, sheet.name, sheet.title, year, blocks, rows)
    for name, measures in cat.score_sheets():
        blocks = [(f"{code} - {label}", [f"{code} - score", BASE_HEADER]) for code, label in measures]
        rows = []
        for res in results:
            row = _id_cells(res.unit)
            for code, _ in measures:
                row += list(res.scores[code])
            rows.append(row)
        _write_sheet(wb, name, f"{name} {measures[0][0]}-{measures[-1][0]}", year, blocks, rows)
    save_workbook(wb, path)
