"""The staff survey question catalogue per survey year, and how scores are built from question results.

`catalogue_2024.json` is extracted from the real 2024 organisational results workbook by
`extract_catalogue.py`. Everything here is keyed internally on the **2024 question code** (the concept);
`layout(year)` renames codes and sheets to that year's numbering when a workbook is written.

2021-2023 layouts are approximations. Third-party parsers fix: 2023 = 2024; the stable codes (Q2a-c,
Q3a-i, Q4a-d, Q9a-i, Q11a-e, Q12a-g, Q13a-d, Q14a-d, Q15, Q16a-b, Q21); gender/age, ethnicity, occupation
and "often think about leaving" codes; the background sheet ranges. Where it is silent we chose:
- 2022: no Q22 (food) and no Q33 (working from home); appraisal Q23 -> Q22, development Q24 -> Q23,
  leaving Q26 -> Q24 (asked before "your organisation", which keeps Q25a-f), background Q27-Q32 -> Q26-Q31,
  Q34 -> Q32, Q35 -> Q33.
- 2021: additionally no Q17a-b (sexual safety) and no Q24f (clinical supervision); errors Q18 -> Q17 and
  Q19a-d -> Q18a-d, raising concerns Q20a-b -> Q18e-f, appraisal Q23 -> Q19, development Q24 -> Q20,
  leaving Q26 -> Q22, your organisation Q25 -> Q23, background Q27-Q32 -> Q24-Q29, Q34 -> Q30, Q35 -> Q31.
- Question texts and option labels are the 2024 ones in every year; sheets keep the 2024 section titles,
  with the question range in the name recomputed from the year's codes.
Years before 2021 are written with the 2021 layout; years after 2024 with the 2024 layout.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE_PATH = Path(__file__).with_name("catalogue_2024.json")


@dataclass(frozen=True)
class Question:
    code: str  # 2024 code
    text: str
    options: tuple[str, ...]
    scale: int  # leading options forming an ordered scale; 0 = nominal
    means: dict[str, tuple[float, ...]]  # per group key: mean option percentages
    sd: float  # spread of organisations on the cumulative-logit scale
    r: float  # correlation of that shift with staff engagement
    sigma: float  # log-spread of nominal / non-scale options
    base: dict  # {"ratio": x} or {"parent": code, "options": [...], "factor": f}


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str  # row 2: sheet name and question range
    questions: tuple[tuple[str, str], ...]  # (code in this year, 2024 code)


@cache
def load() -> dict:
    return json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))


@cache
def questions() -> dict[str, Question]:
    out = {}
    for code, q in load()["questions"].items():
        out[code] = Question(code, q["text"], tuple(q["options"]), q["scale"],
                             {g: tuple(v) for g, v in q["means"].items()}, q.get("sd", 0.0), q.get("r", 0.0),
                             q["sigma"], q["base"])
    return out


def score_sheets() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(sheet name, [(measure code, measure name), ...]), ...] in the published order."""
    return [(s["sheet"], [tuple(m) for m in s["measures"]]) for s in load()["score_sheets"]]


# --- year layouts ---------------------------------------------------------------------------------
_CODE = re.compile(r"^Q(\d+)([a-z]?)(_\d+)?$")

# 2024 question number -> that year's number (None = not asked). Unlisted numbers are unchanged.
_RENUMBER: dict[int, dict[int, int | None]] = {
    2022: {22: None, 23: 22, 24: 23, 26: 24, 27: 26, 28: 27, 29: 28, 30: 29, 31: 30, 32: 31, 33: None,
           34: 32, 35: 33},
    2021: {17: None, 18: 17, 19: 18, 22: None, 23: 19, 24: 20, 25: 23, 26: 22, 27: 24, 28: 25, 29: 26, 30: 27,
           31: 28, 32: 29, 33: None, 34: 30, 35: 31},
}
# Whole codes moved or dropped (beyond the renumbering above).
_SPECIAL: dict[int, dict[str, str | None]] = {
    2021: {"Q20a": "Q18e", "Q20b": "Q18f", "Q24f": None},
}
# Section sheets per layout year: (section title, 2024 question numbers on the sheet).
_SECTIONS_2024 = [
    ("YOUR JOB", (1, 2, 3)), ("YOUR JOB", (4, 5, 6)), ("YOUR TEAM", (7,)), ("PEOPLE IN YOUR ORGANISATION", (8,)),
    ("YOUR MANAGERS", (9,)), ("HEALTH WELLBEING SAFETY", (10, 11)), ("HEALTH WELLBEING SAFETY", (12,)),
    ("HEALTH WELLBEING SAFETY", (13, 14)), ("HEALTH WELLBEING SAFETY", (15, 16, 17)),
    ("HEALTH WELLBEING SAFETY", (18, 19, 20, 21, 22)), ("PERSONAL DEVELOPMENT", (23, 24)),
    ("YOUR ORGANISATION", (25, 26)), ("BACKGROUND INFORMATION", (27, 28, 29, 30)),
    ("BACKGROUND INFORMATION", (31, 32, 33, 34, 35)),
]
_SECTIONS = {
    2024: _SECTIONS_2024,
    2022: _SECTIONS_2024[:11] + [("YOUR ORGANISATION", (26, 25))] + _SECTIONS_2024[12:],
    2021: _SECTIONS_2024[:8] + [("HEALTH WELLBEING SAFETY", (15, 16)), ("HEALTH WELLBEING SAFETY", (18, 19, 20)),
                                ("PERSONAL DEVELOPMENT", (23, 24)), ("YOUR ORGANISATION", (21, 26, 25))]
    + _SECTIONS_2024[12:],
}


def layout_year(year: int) -> int:
    """Which catalogue layout a survey year uses."""
    if year >= 2023:
        return 2024
    return 2022 if year == 2022 else 2021


def year_code(code: str, year: int) -> str | None:
    """The code a 2024 question had in `year` (None when it was not asked)."""
    ly = layout_year(year)
    if ly == 2024:
        return code
    special = _SPECIAL.get(ly, {})
    if code in special:
        return special[code]
    m = _CODE.match(code)
    if not m:
        return code
    number = int(m.group(1))
    new = _RENUMBER[ly].get(number, number)
    return None if new is None else f"Q{new}{m.group(2)}{m.group(3) or ''}"


def _sort_key(code: str) -> tuple:
    m = _CODE.match(code)
    return (int(m.group(1)), m.group(2), int((m.group(3) or "_0")[1:])) if m else (999, code, 0)


def _number(code: str) -> int:
    return int(_CODE.match(code).group(1))


@cache
def layout(year: int) -> tuple[Sheet, ...]:
    """The section sheets of the organisational results workbook for a survey year."""
    ly = layout_year(year)
    by_number: dict[int, list[str]] = {}
    for code in questions():
        by_number.setdefault(_number(code), []).append(code)
    sheets = []
    for section, numbers in _SECTIONS[ly]:
        pairs = [(year_code(c, year), c) for n in numbers for c in by_number[n]]
        pairs = sorted(((yc, c) for yc, c in pairs if yc), key=lambda p: _sort_key(p[0]))
        first, last = _number(pairs[0][0]), _number(pairs[-1][0])
        name = f"{section} Q{first}" + (f"-{last}" if last != first else "")
        last_code = re.sub(r"_\d+$", "", pairs[-1][0])
        sheets.append(Sheet(name, f"{name} {pairs[0][0]}-{last_code}", tuple(pairs)))
    return tuple(sheets)


def code_map(year: int) -> dict[str, str]:
    """{2024 code: code in `year`} for the questions asked that year (a crosswalk the ingest can test)."""
    return {c: yc for sheet in layout(year) for yc, c in sheet.questions}


# --- scores (docs/sources.md, Item scores; 2024 codes) ------------------------------------
def _expand(spec: str) -> tuple[str, ...]:
    """'Q25a-d Q6a' -> ('Q25a', 'Q25b', 'Q25c', 'Q25d', 'Q6a')."""
    out = []
    for token in spec.split():
        m = re.fullmatch(r"(Q\d+)([a-z])-([a-z])", token)
        if m:
            out += [m.group(1) + chr(c) for c in range(ord(m.group(2)), ord(m.group(3)) + 1)]
        else:
            out.append(token)
    return tuple(out)


SUB_SCORES: dict[str, tuple[str, ...]] = {k: _expand(v) for k, v in {
    "PP1_1": "Q6a Q25a-d", "PP1_2": "Q9f-i", "PP1_3": "Q15 Q16a Q16b Q21", "PP1_4": "Q7h Q7i Q8b Q8c",
    "PP2": "Q4a-c Q8d Q9e", "PP3_1": "Q3a-f Q5b", "PP3_2": "Q20a Q20b Q25e Q25f",
    "PP4_1": "Q3g-i Q5a Q11a", "PP4_2": "Q12a-g", "PP4_3": "Q11b-d Q13a-c Q14a-c",
    "PP5_1": "Q24a-e", "PP5_2": "Q23b-d", "PP6_1": "Q6b-d", "PP6_2": "Q4d",
    "PP7_1": "Q7a-g Q8a", "PP7_2": "Q9a-d",
    "E_1": "Q2a-c", "E_2": "Q3c Q3d Q3f", "E_3": "Q25a Q25c Q25d",
    "M_1": "Q26a-c", "M_2": "Q3g-i", "M_3": "Q3a Q3e Q5a-c Q7c Q9a",
}.items()}
# Measures built from sub-scores (PP2 has none: it is scored from its items like a sub-score).
COMPOSITES: dict[str, tuple[str, ...]] = {
    "PP1": ("PP1_1", "PP1_2", "PP1_3", "PP1_4"), "PP3": ("PP3_1", "PP3_2"), "PP4": ("PP4_1", "PP4_2", "PP4_3"),
    "PP5": ("PP5_1", "PP5_2"), "PP6": ("PP6_1", "PP6_2"), "PP7": ("PP7_1", "PP7_2"),
    "Staff Engagement": ("E_1", "E_2", "E_3"), "Morale": ("M_1", "M_2", "M_3"),
}
# Sub-scores whose published rule is not known (docs/sources.md): generated as an approximation plus an
# offset fitted on the 2024 file, so they do NOT reconcile with the item formula. Offsets: published - recomputed.
UNRECONCILED = {"PP4_1": 0.075, "PP5_2": 0.15}

_REVERSED = set(_expand("Q5a Q5c Q12a-g Q26a-c"))
_HARM = set(_expand("Q13a-c Q14a-c"))
_NO_IS_GOOD = set(_expand("Q11b-d Q16a Q16b"))


def item_weights(code: str) -> tuple[float | None, ...]:
    """Score (0-10) of each option of a scored item; None = left out of the denominator (N/A, don't know)."""
    q = questions()[code]
    n = len(q.options)
    if code in _HARM:
        return (10.0, 0.0, 0.0, 0.0, 0.0)
    if code in _NO_IS_GOOD:
        return (0.0, 10.0)
    if code == "Q15":
        return (10.0, 0.0, 5.0)  # Yes, No, Don't know (fits the 2024 file within 0.03)
    if code in ("Q23b", "Q23c", "Q23d"):
        return (10.0, 5.0, 0.0)
    scale = (10.0, 7.5, 5.0, 2.5, 0.0) if code in _REVERSED else (0.0, 2.5, 5.0, 7.5, 10.0)
    return scale + (None,) * (n - 5)


def item_score(code: str, pcts: tuple) -> float | None:
    """sum(option% x option score) / sum(option% counted); None when suppressed."""
    if any(isinstance(p, str) for p in pcts):
        return None
    num = den = 0.0
    for p, w in zip(pcts, item_weights(code), strict=False):
        if w is not None:
            num += p * w
            den += p
    return num / den if den else None
