"""Build `catalogue_2024.json` from the real 2024 organisational results workbook (run once, by hand).

    python -m pipelines.sample_data.extract_catalogue /path/to/NSS24_detailed_spreadsheets_organisational_results.xlsx

The JSON holds what the sample generator needs and users' machines do not have: the 2024 sheet names,
question codes, texts and option labels in order, the score-sheet labels, and a few aggregate statistics
of the published file that shape realistic values (per benchmarking group mean option percentages, how
far organisations spread around them, how each question moves with staff engagement, and the base of
each question relative to the organisation's responses). Only published aggregates are read.
"""

from __future__ import annotations

import json
import math
import statistics as st
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

from pipelines.sample_data.util import shifted

OUT = Path(__file__).with_name("catalogue_2024.json")

GROUP_KEYS = {
    "Acute and Acute & Community Trusts": "acute",
    "Acute Specialist Trusts": "specialist",
    "Mental Health & Learning Disability and Mental Health, Learning Disability & Community Trusts": "mh",
    "Community Trusts": "community",
    "Ambulance Trusts": "ambulance",
    "ICBs": "icb",
    "CSUs": "csu",
    "Social Enterprises - Community": "se",
    "Social Enterprises - Mental Health": "se",
    "Community Surgical Services": "se",
}
TRUST_GROUPS = {"acute", "specialist", "mh", "community", "ambulance"}

SCALES_5 = (
    ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"],
    ["Never", "Rarely", "Sometimes", "Often", "Always"],
    ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"],
    ["Never", "1 to 2", "3 to 5", "6 to 10", "More than 10"],
)
# Bases that are a subset of respondents: (parent question, parent options that lead to the question).
CONDITIONAL = {
    "Q11e": ("Q11d", ["Yes"]),
    "Q13d": ("Q13a", ["1 to 2", "3 to 5", "6 to 10", "More than 10"]),
    "Q14d": ("Q14a", ["1 to 2", "3 to 5", "6 to 10", "More than 10"]),
    "Q23b": ("Q23a", ["Yes"]),
    "Q23c": ("Q23a", ["Yes"]),
    "Q23d": ("Q23a", ["Yes"]),
    "Q31b": ("Q31a", ["Yes"]),
    **{f"Q16c_{i}": ("Q16b", ["Yes"]) for i in range(1, 8)},
}


def scale_length(options: list[str]) -> int:
    """How many leading options form an ordered scale (0 = nominal)."""
    if any(options[:5] == s for s in SCALES_5):
        return 5
    if options[:3] in (["Yes, definitely", "Yes, to some extent", "No"],
                       ["Yes, frequently", "Yes, occasionally", "No"]):
        return 3
    if options[:4] == ["0 hours", "Up to 5 hours", "6-10 hours", "11 or more hours"]:
        return 4
    if options[:2] in (["Yes", "No"], ["Up to 29 hours", "30 or more hours"]):
        return 2
    return 0


def position(dist: list[float]) -> float:
    return sum(i * p for i, p in enumerate(dist)) / sum(dist)


def fit_delta(mean: list[float], target: list[float]) -> float:
    goal, lo, hi = position(target), -8.0, 8.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if position(shifted(mean, mid)) < goal:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def corr(x: list[float], y: list[float]) -> float:
    mx, my = st.mean(x), st.mean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    den = math.sqrt(sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y))
    return sxy / den if den else 0.0


def read_blocks(wb: CalamineWorkbook, sheet: str) -> tuple[list[list], list[tuple[str, str, int, int]]]:
    rows = wb.get_sheet_by_name(sheet).to_python()
    row1, header = rows[0], rows[4]
    starts = [i for i, v in enumerate(row1) if i >= 6 and v]
    blocks = []
    for k, i in enumerate(starts):
        j = starts[k + 1] if k + 1 < len(starts) else len(header)
        code, text = str(row1[i]).split(" - ", 1)
        blocks.append((code, text, i, j))
    return rows, blocks


def main(path: str) -> None:
    wb = CalamineWorkbook.from_path(path)
    names = wb.sheet_names
    assert names[0] == "Notes" and names[-2:] == ["PEOPLE PROMISE ELEMENTS", "THEMES"], names
    # Organisation-level: group, responses (largest base seen), engagement score.
    group: dict[str, str] = {}
    size: dict[str, float] = {}
    engagement: dict[str, float] = {}
    rows, blocks = read_blocks(wb, "THEMES")
    for r in rows[5:]:
        if r[0]:
            group[r[0]] = GROUP_KEYS[r[2]]
            engagement[r[0]] = float(r[6])
    score_sheets = []
    for sheet in names[-2:]:
        rows, blocks = read_blocks(wb, sheet)
        score_sheets.append({"sheet": sheet, "measures": [[code, text] for code, text, _, _ in blocks]})
    questions_raw: dict[str, dict] = {}
    sheets = []
    for sheet in names[1:-2]:
        rows, blocks = read_blocks(wb, sheet)
        sheets.append({"sheet": sheet, "questions": [code for code, _, _, _ in blocks]})
        header = rows[4]
        for code, text, i, j in blocks:
            options = [str(h)[2:] for h in header[i : j - 1]]
            values = {}
            for r in rows[5:]:
                if not r[0]:
                    continue
                base = r[j - 1]
                if base != "-":
                    size[r[0]] = max(size.get(r[0], 0.0), float(base))
                values[r[0]] = (r[i : j - 1], base)
            questions_raw[code] = {"text": text, "sheet": sheet, "options": options, "values": values}
    z_mean, z_sd = st.mean(engagement.values()), st.stdev(engagement.values())
    questions = {}
    for code, q in questions_raw.items():
        options, values = q["options"], q["values"]
        n_scale = scale_length(options)
        complete = {o: v for o, (v, b) in values.items() if b != "-" and "-" not in v}
        means: dict[str, list[float]] = {}
        for g in sorted(set(group.values())):
            members = [v for o, v in complete.items() if group[o] == g]
            if members:
                means[g] = [round(st.mean(float(x[k]) for x in members), 3) for k in range(len(options))]
        entry = {"text": q["text"], "options": options, "scale": n_scale, "means": means}
        if n_scale:
            deltas, zs = [], []
            for o, v in complete.items():
                g = group[o]
                if g not in TRUST_GROUPS or sum(float(x) for x in v[:n_scale]) <= 0:
                    continue
                deltas.append(fit_delta(means[g][:n_scale], [float(x) for x in v[:n_scale]]))
                zs.append((engagement[o] - z_mean) / z_sd)
            entry["sd"] = round(st.stdev(deltas), 3)
            entry["r"] = round(corr(deltas, zs), 3)
        spreads = []
        for k in range(n_scale, len(options)):
            logs = [
                math.log(float(v[k]) / means[group[o]][k])
                for o, v in complete.items()
                if group[o] in TRUST_GROUPS and float(v[k]) > 0 and means[group[o]][k] > 1
            ]
            if len(logs) > 10:
                spreads.append(st.stdev(logs))
        entry["sigma"] = round(min(max(st.median(spreads), 0.05), 1.0), 3) if spreads else 0.1
        ratios = [float(b) / size[o] for o, (v, b) in values.items() if b != "-" and group[o] in TRUST_GROUPS]
        if code in CONDITIONAL:
            parent, chosen = CONDITIONAL[code]
            popts = questions_raw[parent]["options"]
            fits = []
            for o, (_, b) in values.items():
                pv, _ = questions_raw[parent]["values"][o]
                if b == "-" or "-" in pv or group[o] not in TRUST_GROUPS:
                    continue
                share = sum(float(pv[popts.index(c)]) for c in chosen) / 100
                if share > 0:
                    fits.append(float(b) / (size[o] * share))
            entry["base"] = {"parent": parent, "options": chosen, "factor": round(st.median(fits), 3)}
        else:
            entry["base"] = {"ratio": round(st.median(ratios), 4)}
        questions[code] = entry
    catalogue = {
        "source": Path(path).name,
        "survey_year": 2024,
        "sheets": sheets,
        "score_sheets": score_sheets,
        "questions": questions,
        "responses_median": {
            g: round(st.median(size[o] for o in size if group[o] == g)) for g in sorted(set(group.values()))
        },
    }
    OUT.write_text(json.dumps(catalogue, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(questions)} questions, {len(sheets)} section sheets)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m pipelines.sample_data.extract_catalogue NSS24_..._organisational_results.xlsx")
    main(sys.argv[1])
