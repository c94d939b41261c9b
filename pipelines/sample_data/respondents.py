"""Respondent-level NHS Staff Survey data (docs/respondent_format.md), and the organisational results the
publisher would derive from it.

One file per survey year, `respondents/<YYYY>/NSS<YY>_respondents.parquet` (or `.csv`): one row per
respondent with `org_code`, `survey_year`, `respondent_id`, `occupation_group`, `directorate` (trust units
only), `ethnicity_group`, `gender`, `disability`, then one column per question code **as published that
year** (`Q26a` in 2024 is `Q22a` in 2021) holding the 1-based answer code (the position of the option in the
published option list), blank when not answered.

How respondents are drawn (vectorised numpy, deterministic by seed): each unit's option probabilities are
those `staff_survey.simulate` gives it (its culture, year and group); each answer is drawn independently
from them, skipped with the question's published non-response rate, and routed questions (Q11e, Q13d,
Q14d, Q16c, Q23b-d, Q31b) are asked only of those whose parent answer routes to them. Trust units have
200 to 12,000 respondents (the published unit size, clipped), other units keep their size.

`derive_results` scores the respondents by the published method with its **own numpy implementation**
(the warehouse scores them in SQL; the two must agree, which is the reconciliation):
item scores 0-10 from `catalogue.item_weights`; a respondent's sub-score = mean of the items they
answered with a score, when they answered at least `min_answered(n)` = ceil(0.75 n) of the n items (PP5_2:
0 for no appraisal, Q23a No; left out for Can't remember); an
organisation's sub-score = occupation-weighted mean over respondents with one; weights = (share of the
occupation group in the unit's benchmarking group) / (share in the unit), capped at `WEIGHT_CAP`, 1 for
unweighted units and respondents without an occupation group; elements and themes = mean of their
sub-scores' organisation scores; bases = respondents with the (any) sub-score. Question percentages are
weighted the same way; bases count respondents. Fewer than 10 responses: `-`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import catalogue as cat
from . import staff_survey
from .orgs import Unit, Universe
from .staff_survey import SUPPRESSED, Result

MIN_TRUST, MAX_TRUST = 200, 12_000
WEIGHT_CAP = 5.0
MIN_BASE = 10
ID_COLUMNS = ("org_code", "survey_year", "respondent_id", "occupation_group", "directorate", "ethnicity_group",
              "gender", "disability")

# Q35 option (1-based) -> occupation group used for weighting (the survey's published occupation groups).
OCCUPATION_GROUPS = (
    ("ahp_scientific_technical", range(1, 13)), ("medical_dental", range(13, 18)),
    ("ambulance", range(18, 24)), ("general_management", (24, 25, 41)),
    ("registered_nurses_midwives", range(26, 34)), ("nursing_healthcare_assistants", (34,)),
    ("social_care", (35, 36, 37)), ("admin_clerical", (38, 39)), ("estates_ancillary", (40,)),
    ("other", (42,)),
)
GENDERS = {1: "female", 2: "male", 3: "non_binary", 4: "self_describe", 5: "not_stated"}
DIRECTORATES = ("Medicine", "Surgery", "Women and Children", "Clinical Support", "Community Services",
                "Mental Health", "Estates and Facilities", "Corporate Services", "Emergency Care", "Diagnostics",
                "Research and Education", "Specialist Services")
_OCC_INDEX = np.zeros(43, dtype=np.int8)  # Q35 answer -> group index + 1 (0 = unknown)
for _i, (_name, _answers) in enumerate(OCCUPATION_GROUPS):
    for _a in _answers:
        _OCC_INDEX[_a] = _i + 1
OCC_NAMES = np.array([None] + [g for g, _ in OCCUPATION_GROUPS], dtype=object)


@dataclasses.dataclass
class UnitRespondents:
    unit: Unit
    answers: dict[str, np.ndarray]  # 2024 code -> int8 answer codes (0 = not answered)
    occupation: np.ndarray  # group index + 1, 0 unknown
    directorate: np.ndarray | None  # object array or None


def min_answered(n_items: int) -> int:
    return max(1, math.ceil(0.75 * n_items))


def file_name(year: int, fmt: str) -> str:
    return f"NSS{year % 100:02d}_respondents.{fmt}"


def sized(unit: Unit) -> Unit:
    if unit.legal is None:
        return unit
    return dataclasses.replace(unit, responses=min(MAX_TRUST, max(MIN_TRUST, unit.responses)))


def simulate_unit(unit: Unit, year: int, seed: int) -> UnitRespondents:
    """Draw the respondents of one unit-year (deterministic by seed, unit and year)."""
    template = staff_survey.simulate(unit, year, seed)
    g = np.random.default_rng([seed, year, *unit.code.encode()])
    n = unit.responses
    questions = cat.questions()
    asked = cat.code_map(year)
    answers: dict[str, np.ndarray] = {}
    for code, q in questions.items():
        if code not in asked:
            continue
        if code.startswith("Q16c_"):
            continue
        probs = _probabilities(q, unit, template.answers.get(code))
        cdf = np.cumsum(probs)
        cdf[-1] = 1.0
        a = (np.searchsorted(cdf, g.random(n), side="right") + 1).astype(np.int8)
        a = np.minimum(a, len(probs)).astype(np.int8)
        if "ratio" in q.base:
            a[g.random(n) > q.base["ratio"]] = 0
        else:
            parent = answers.get(q.base["parent"])
            routes = [questions[q.base["parent"]].options.index(o) + 1 for o in q.base["options"]]
            eligible = np.isin(parent, routes) if parent is not None else np.zeros(n, bool)
            a[~eligible | (g.random(n) > min(0.98, q.base["factor"]))] = 0
        answers[code] = a
    if "Q16c_1" in asked:  # multi-response grounds, asked of those discriminated against by colleagues
        said_yes = answers["Q16b"] == 1
        for k, share in enumerate(staff_survey.Q16C_SHARES, start=1):
            answers[f"Q16c_{k}"] = (said_yes & (g.random(n) < share)).astype(np.int8)
    occupation = _OCC_INDEX[answers["Q35"]] if "Q35" in answers else np.zeros(n, np.int8)
    directorate = None
    if unit.legal is not None:
        k = int(g.integers(4, 11))
        shares = g.dirichlet(np.full(k, 1.2))
        names = np.array(DIRECTORATES[:k], dtype=object)
        directorate = names[g.choice(k, size=n, p=shares)]
        directorate[g.random(n) < 0.02] = None
    return UnitRespondents(unit, answers, occupation.astype(np.int8), directorate)


def _probabilities(q: cat.Question, unit: Unit, published) -> np.ndarray:
    if published and not any(isinstance(v, str) for v in published[0]) and sum(published[0]) > 0:
        p = np.asarray(published[0], float)
    else:
        means = q.means.get(unit.catalogue_group) or q.means["acute"]
        p = np.asarray(means, float)
    p = np.clip(p, 0, None)
    return p / p.sum()


# --- the file ---------------------------------------------------------------------------------------
def to_table(year: int, units: Sequence[UnitRespondents]) -> pa.Table:
    """One Arrow table of a year's respondents: identifier columns, then the year's question codes."""
    asked = cat.code_map(year)  # 2024 code -> year code, in layout order
    cols: dict[str, pa.Array] = {}
    org = np.concatenate([np.full(len(u.occupation), u.unit.code, dtype=object) for u in units])
    n = len(org)
    cols["org_code"] = pa.array(org, pa.string())
    cols["survey_year"] = pa.array(np.full(n, year, np.int16))
    ids = np.concatenate([np.arange(1, len(u.occupation) + 1) for u in units])
    cols["respondent_id"] = pa.array([f"{year % 100:02d}-{o}-{i:05d}" for o, i in zip(org, ids, strict=True)],
                                     pa.string())
    occ = np.concatenate([u.occupation for u in units])
    cols["occupation_group"] = pa.array(OCC_NAMES[occ], pa.string())
    cols["directorate"] = pa.array(np.concatenate([u.directorate if u.directorate is not None
                                                   else np.full(len(u.occupation), None, dtype=object)
                                                   for u in units]), pa.string())
    def answer(code: str) -> np.ndarray:
        return np.concatenate([u.answers[code] for u in units])

    q28 = answer("Q28")
    eth = np.where(q28 == 0, "not_stated", np.where(q28 <= 4, "white", "bme")).astype(object)
    cols["ethnicity_group"] = pa.array(eth, pa.string())
    q27 = answer("Q27a")
    cols["gender"] = pa.array(np.array([None, *GENDERS.values()], dtype=object)[q27].astype(object), pa.string())
    cols["gender"] = pa.array(np.where(q27 == 0, "not_stated", cols["gender"].to_numpy(zero_copy_only=False)),
                              pa.string())
    q31 = answer("Q31a")
    cols["disability"] = pa.array(np.array(["not_stated", "yes", "no"], dtype=object)[q31], pa.string())
    for code, year_code in asked.items():
        values = answer(code)
        cols[year_code] = pa.array(values, pa.int8(), mask=values == 0)
    return pa.table(cols)


def write(out: Path, year: int, table: pa.Table, fmt: str) -> Path:
    folder = out / "respondents" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(year, fmt)
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd", row_group_size=128 * 1024)
    else:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
    return path


# --- the organisational results the publisher derives from them ---------------------------------------
def derive_results(units: Sequence[UnitRespondents]) -> list[Result]:
    """Question percentages and scores of each unit, computed from its respondents (see module doc)."""
    weights = _weights(units)
    return [_result(u, w) for u, w in zip(units, weights, strict=True)]


def _weights(units: Sequence[UnitRespondents]) -> list[np.ndarray]:
    k = len(OCCUPATION_GROUPS) + 1
    group_counts: dict[str, np.ndarray] = {}
    for u in units:
        counts = np.bincount(u.occupation, minlength=k).astype(float)
        group_counts[u.unit.benchmarking_group] = group_counts.get(u.unit.benchmarking_group, 0) + counts
    out = []
    for u in units:
        w = np.ones(len(u.occupation))
        if u.unit.weighting == "Occupation Group":
            own = np.bincount(u.occupation, minlength=k).astype(float)
            group = group_counts[u.unit.benchmarking_group]
            own_share = own[1:] / max(own[1:].sum(), 1)
            group_share = group[1:] / max(group[1:].sum(), 1)
            ratio = np.divide(group_share, own_share, out=np.ones_like(own_share), where=own_share > 0)
            table = np.concatenate([[1.0], np.minimum(ratio, WEIGHT_CAP)])
            w = table[u.occupation]
        out.append(w)
    return out


def _result(u: UnitRespondents, w: np.ndarray) -> Result:
    questions = cat.questions()
    answers: dict[str, tuple[list, int | str]] = {}
    for code, a in u.answers.items():
        if code.startswith("Q16c_"):
            asked = u.answers["Q16b"] == 1
            base = int(asked.sum())
            chose = int(a.sum())
            answers[code] = ([SUPPRESSED], SUPPRESSED) if base < MIN_BASE else \
                ([100 if chose >= MIN_BASE else SUPPRESSED], base)
            continue
        n_opt = len(questions[code].options)
        answered = a > 0
        base = int(answered.sum())
        if base < MIN_BASE:
            answers[code] = ([SUPPRESSED] * n_opt, SUPPRESSED)
            continue
        mass = np.bincount(a[answered], weights=w[answered], minlength=n_opt + 1)[1:]
        pct = 100 * mass / mass.sum()
        answers[code] = ([float(p) if p else 0 for p in pct], base)
    return Result(u.unit, answers, _scores(u, w))


def item_score_matrix(u: UnitRespondents, items: Sequence[str]) -> np.ndarray:
    """Respondents x items: the 0-10 item score, NaN where not answered or not scored (N/A, don't know)."""
    n = len(u.occupation)
    out = np.full((n, len(items)), np.nan)
    for j, code in enumerate(items):
        a = u.answers.get(code)
        if a is None:
            continue
        lookup = np.array([np.nan] + [np.nan if s is None else s for s in cat.item_weights(code)])
        out[:, j] = lookup[a]
    return out


# Q23a (had an appraisal) answer codes: 1 Yes, 2 No, 3 Can't remember.
APPRAISAL_NO, APPRAISAL_CANT_REMEMBER = 2, 3


def respondent_sub_scores(u: UnitRespondents) -> dict[str, np.ndarray]:
    """Sub-score code -> per-respondent sub-score (NaN below the minimum answered). Appraisals (PP5_2) by the
    published rule: no appraisal (Q23a No) scores 0, Can't remember is left out."""
    subs = {}
    for code, items in cat.SUB_SCORES.items():
        scored = [c for c in items if any(s is not None for s in cat.item_weights(c))]
        m = item_score_matrix(u, scored)
        answered = (~np.isnan(m)).sum(axis=1)
        with np.errstate(invalid="ignore"):
            mean = np.nansum(m, axis=1) / np.where(answered > 0, answered, 1)
        mean[answered < min_answered(len(scored))] = np.nan
        if code == "PP5_2" and "Q23a" in u.answers:
            had = u.answers["Q23a"]
            mean[had == APPRAISAL_NO] = 0.0
            mean[had == APPRAISAL_CANT_REMEMBER] = np.nan
        subs[code] = mean
    return subs


def _scores(u: UnitRespondents, w: np.ndarray) -> dict[str, tuple]:
    subs = respondent_sub_scores(u)
    out: dict[str, tuple] = {}
    for code, values in subs.items():
        ok = ~np.isnan(values)
        base = int(ok.sum())
        out[code] = (SUPPRESSED, SUPPRESSED) if base < MIN_BASE else \
            (float(np.sum(values[ok] * w[ok]) / np.sum(w[ok])), base)
    for code, parts in cat.COMPOSITES.items():
        any_ok = np.zeros(len(w), bool)
        for p in parts:
            any_ok |= ~np.isnan(subs[p])
        known = [out[p][0] for p in parts if out[p][0] != SUPPRESSED]
        base = int(any_ok.sum())
        out[code] = (SUPPRESSED, SUPPRESSED) if not known or base < MIN_BASE else (float(np.mean(known)), base)
    return out


def simulate_year(universe: Universe, year: int, seed: int) -> list[UnitRespondents]:
    return [simulate_unit(sized(u), year, seed) for u in universe.survey_units(year)]
