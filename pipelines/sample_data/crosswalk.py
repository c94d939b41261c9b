"""Build the staff survey crosswalk seeds from the question catalogue: `python -m pipelines.sample_data.crosswalk`.

Writes three dbt seeds and ingest's list of respondent question columns (reviewed like code; a test checks
they are up to date). The pipeline reads what this writes, never this module:

- `staff_survey_question_crosswalk.csv`: (survey year, question code as published) -> stable question concept
  id (`q26a_leave`: the 2024 code plus a short slug), text, response scale, favourable options, polarity, and
  whether the year is comparable with the concept's previous year (with the reason when not).
- `staff_survey_response_scales.csv`: per response scale and option, whether it is favourable and its item
  score 0-10 (docs/sources.md, Item scores), oriented so that higher is better.
- `staff_survey_score_items.csv`: which question concepts make each sub-score and whether the
  published score can be recomputed from them (PP4_1 and PP5_2: rule not known).
- `pipelines/sources/respondent_questions.csv`: the question columns a respondent file may hold each year and
  the largest answer code of each (its response scale's options), the contract ingest checks files against.

Codes per year come from `catalogue.code_map(year)`: 2024 is verified on the real file, 2023 equals 2024 and
the 2021-2022 numbering follows third-party parsers where they speak and the catalogue's documented choices elsewhere.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from . import catalogue as cat

YEARS = (2021, 2022, 2023, 2024)
SEEDS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
CROSSWALK = "staff_survey_question_crosswalk.csv"
SCALES = "staff_survey_response_scales.csv"
ITEMS = "staff_survey_score_items.csv"
RESPONDENT_QUESTIONS = Path(__file__).resolve().parents[1] / "sources" / "respondent_questions.csv"

_AGREE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
_FREQUENCY = ("Never", "Rarely", "Sometimes", "Often", "Always")
_SATISFIED = ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied",
              "Very satisfied")
_INCIDENTS = ("Never", "1 to 2", "3 to 5", "6 to 10", "More than 10")
_UP, _DOWN = (0.0, 2.5, 5.0, 7.5, 10.0), (10.0, 7.5, 5.0, 2.5, 0.0)

# scale: (options, favourable options, item score per option (None = not scored), polarity, description)
SCALE_DEFS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[float | None, ...], str, str]] = {
    "agree_5": (_AGREE, ("Agree", "Strongly agree"), _UP, "positive",
                "Five-point agreement, positively worded: agreeing is favourable."),
    "agree_5_reversed": (_AGREE, ("Strongly disagree", "Disagree"), _DOWN, "negative",
                         "Five-point agreement, negatively worded (e.g. thinking about leaving): disagreeing is "
                         "favourable."),
    "agree_5_not_applicable_to_me": (_AGREE + ("Not applicable to me",), ("Agree", "Strongly agree"), _UP + (None,),
                                     "positive", "Five-point agreement with 'Not applicable to me' (not scored)."),
    "agree_5_not_applicable": (_AGREE + ("Not applicable",), ("Agree", "Strongly agree"), _UP + (None,), "positive",
                               "Five-point agreement with 'Not applicable' (not scored)."),
    "agree_5_dont_know": (_AGREE + ("Don't know",), ("Agree", "Strongly agree"), _UP + (None,), "positive",
                          "Five-point agreement with 'Don't know' (not scored)."),
    "frequency_5": (_FREQUENCY, ("Often", "Always"), _UP, "positive",
                    "Five-point frequency of something good (e.g. looking forward to work): often or always is "
                    "favourable."),
    "frequency_5_reversed": (_FREQUENCY, ("Never", "Rarely"), _DOWN, "negative",
                             "Five-point frequency of something harmful (e.g. burnout, time pressure): never or "
                             "rarely is favourable."),
    "frequency_5_neutral": (_FREQUENCY, (), (None,) * 5, "neutral",
                            "Five-point frequency with no favourable answer (e.g. working from home)."),
    "satisfied_5": (_SATISFIED, ("Satisfied", "Very satisfied"), _UP, "positive",
                    "Five-point satisfaction: satisfied or very satisfied is favourable."),
    "incidents_5": (_INCIDENTS, ("Never",), (10.0, 0.0, 0.0, 0.0, 0.0), "negative",
                    "Number of harmful incidents in 12 months: never is favourable; pct_at_least_once = 100 - "
                    "% Never."),
    "yes_no_no_favourable": (("Yes", "No"), ("No",), (0.0, 10.0), "negative",
                             "Yes / no about a harm (e.g. discrimination, work-related stress): no is favourable."),
    "yes_no_dont_know": (("Yes", "No", "Don't know"), ("Yes",), (10.0, 0.0, 5.0), "positive",
                         "Yes / no / don't know, positively worded (fair career progression): yes is favourable."),
    "appraisal_had": (("Yes", "No", "Can't remember"), ("Yes",), (None, None, None), "positive",
                      "Had an appraisal in the last 12 months: yes is favourable (not scored)."),
    "yes_definitely_3": (("Yes, definitely", "Yes, to some extent", "No"), ("Yes, definitely",), (10.0, 5.0, 0.0),
                         "positive", "Appraisal helped: only 'Yes, definitely' counts as favourable."),
    "reported_6": (("Yes, I reported it", "Yes, a colleague reported it", "No", "Don't know",
                    "Both a colleague and I reported it", "Not applicable"),
                   ("Yes, I reported it", "Yes, a colleague reported it", "Both a colleague and I reported it"),
                   (None,) * 6, "positive",
                   "Whether the last incident was reported: reported by me, a colleague or both is favourable "
                   "(not scored: the PP4_1 rule is not known)."),
}

_REVERSED_AGREE = set(cat._expand("Q26a-c"))
_REVERSED_FREQUENCY = set(cat._expand("Q5a Q5c Q12a-g"))
_NEUTRAL_FREQUENCY = {"Q33"}
_NO_FAVOURABLE = set(cat._expand("Q11b-e Q16a Q16b"))

# Hand-written slugs for the concepts analysts ask for most; the rest are derived from the text.
SLUGS = {
    "Q2a": "look_forward", "Q2b": "enthusiastic", "Q2c": "time_passes_quickly",
    "Q3a": "own_initiative", "Q3g": "conflicting_demands", "Q3h": "adequate_materials", "Q3i": "enough_staff",
    "Q4a": "recognition", "Q4b": "valued_by_managers", "Q4c": "pay", "Q4d": "flexible_working",
    "Q5a": "time_pressures", "Q6a": "role_makes_difference", "Q6b": "work_life_balance",
    "Q11a": "health_wellbeing_action", "Q11b": "msk", "Q11c": "work_stress", "Q11d": "presenteeism",
    "Q11e": "manager_pressure_to_work", "Q12a": "emotionally_exhausting", "Q12b": "burnt_out",
    "Q13a": "violence_patients", "Q13b": "violence_managers", "Q13c": "violence_colleagues",
    "Q13d": "violence_reported", "Q14a": "harassment_patients", "Q14b": "harassment_managers",
    "Q14c": "harassment_colleagues", "Q14d": "harassment_reported", "Q15": "equal_opportunities",
    "Q16a": "discrimination_patients", "Q16b": "discrimination_colleagues",
    "Q17a": "sexual_behaviour_patients", "Q17b": "sexual_behaviour_staff",
    "Q20a": "secure_raising_concerns", "Q20b": "concerns_addressed", "Q21": "respects_differences",
    "Q23a": "appraisal", "Q25a": "patient_care_priority", "Q25c": "recommend_work", "Q25d": "recommend_care",
    "Q25e": "safe_to_speak_up", "Q25f": "concerns_acted_on", "Q26a": "leave", "Q26b": "new_job_next_year",
    "Q26c": "leave_asap", "Q26d": "leave_destination", "Q27a": "gender", "Q27c": "age", "Q28": "ethnicity",
    "Q35": "occupation_group", "Q9a": "manager_encourages", "Q9b": "manager_clear_feedback",
    "Q9c": "manager_asks_opinion", "Q9d": "manager_interest_wellbeing", "Q9e": "manager_values_work",
    "Q9f": "manager_works_together", "Q9g": "manager_listens", "Q9h": "manager_cares",
    "Q9i": "manager_takes_action", "Q3d": "suggest_improvements", "Q3f": "make_improvements",
    "Q24e": "access_learning", "Q24f": "access_clinical_supervision",
}
_STOP = set("a an and are as at by can do does for from have how i if in is it its me my of on or the this to "
            "was were what when with you your all any been has had their there which who would at".split())


def scale_of(code: str) -> str:
    """The response scale of a question (2024 code); 'nominal' when no answer is favourable."""
    options = cat.questions()[code].options
    if code.startswith("Q16c_"):
        return "multi_response"
    if options == _AGREE:
        return "agree_5_reversed" if code in _REVERSED_AGREE else "agree_5"
    if options == _FREQUENCY:
        if code in _NEUTRAL_FREQUENCY:
            return "frequency_5_neutral"
        return "frequency_5_reversed" if code in _REVERSED_FREQUENCY else "frequency_5"
    if options == ("Yes", "No"):
        return "yes_no_no_favourable" if code in _NO_FAVOURABLE else "nominal"
    for name, (opts, *_rest) in SCALE_DEFS.items():
        if name not in ("agree_5_reversed", "frequency_5_reversed", "frequency_5_neutral") and opts == options:
            return name
    return "nominal"


def slug(code: str) -> str:
    if code in SLUGS:
        return SLUGS[code]
    words = [w for w in re.findall(r"[a-z]+", cat.questions()[code].text.lower()) if w not in _STOP]
    return "_".join(words[:3]) or "item"


def question_id(code: str) -> str:
    """Stable concept id: the 2024 code (lower case) and a slug, e.g. q26a_leave."""
    return f"{code.lower()}_{slug(code)}"


def crosswalk_rows() -> list[dict]:
    asked = {year: cat.code_map(year) for year in YEARS}
    rows = []
    for year in YEARS:
        for code, year_code in asked[year].items():
            scale = scale_of(code)
            _, favourable, _, polarity, _ = SCALE_DEFS.get(scale, ((), (), (), "neutral", ""))
            comparable, note = True, ""
            if year == YEARS[0]:
                comparable, note = False, ("First year of the current questionnaire (2021, People Promise themes): "
                                           "earlier surveys are not comparable.")
            elif code not in asked[year - 1]:
                comparable, note = False, f"New in {year}: not asked in {year - 1}."
            elif year == 2023 and re.fullmatch(r"Q1[34][a-d]", code):
                comparable, note = False, ("2023 data-collection correction on Q13/Q14: not compared "
                                           "with 2022.")
            rows.append({
                "survey_year": year, "question_code": year_code, "question_id": question_id(code),
                "code_2024": code, "question_text": cat.questions()[code].text, "response_scale": scale,
                "favourable_options": "|".join(favourable), "polarity": polarity,
                "is_harm_item": scale == "incidents_5", "is_comparable_with_prior": comparable,
                "comparability_note": note,
            })
    return sorted(rows, key=lambda r: (r["survey_year"], cat._sort_key(r["question_code"])))


def scale_rows() -> list[dict]:
    rows = []
    for name, (options, favourable, scores, polarity, description) in SCALE_DEFS.items():
        for order, (label, score) in enumerate(zip(options, scores, strict=True), start=1):
            rows.append({"response_scale": name, "option_order": order, "option_label": label,
                         "is_favourable": label in favourable, "item_score": "" if score is None else score,
                         "is_never": name == "incidents_5" and label == "Never", "polarity": polarity,
                         "scale_description": description})
    return rows


# Sub-score membership (PP4_1 with the 'reported it' items, which the catalogue's scoring leaves out).
MEMBERSHIP = {**cat.SUB_SCORES, "PP4_1": cat._expand("Q3g-i Q5a Q11a Q13d Q14d")}
NOT_RECONCILABLE = {"PP4_1": "rule not known (includes the 'reported it' items Q13d, Q14d, which are not scored)",
                    "PP5_2": "staff answering No to Q23a (no appraisal) score 0 and 'Can't remember' is left out: "
                             "that rule reconciles the real 2024 file within 0.054, the item mean of Q23b-d alone "
                             "misses by up to 2.6; respondent scoring applies it, this question-level "
                             "reconciliation cannot (it has no respondents)"}


def item_rows() -> list[dict]:
    rows = []
    for measure, items in MEMBERSHIP.items():
        for order, code in enumerate(items, start=1):
            rows.append({"measure_code": measure.upper(), "question_id": question_id(code), "item_order": order,
                         "is_reconcilable": measure not in NOT_RECONCILABLE,
                         "reconciliation_note": NOT_RECONCILABLE.get(measure, "")})
    return rows


def render(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: str(v).lower() if isinstance(v, bool) else v for k, v in row.items()})
    return out.getvalue()


def seeds() -> dict[str, str]:
    return {CROSSWALK: render(crosswalk_rows()), SCALES: render(scale_rows()), ITEMS: render(item_rows())}


# Largest answer code of a scale the crosswalk does not define: one box for a multi-response option, and room
# for the longest nominal list (occupation groups) otherwise.
_UNLISTED_SCALE_CODES = {"multi_response": 1}
_NOMINAL_CODES = 60


def respondent_question_rows() -> list[dict]:
    options = {name: len(opts) for name, (opts, *_rest) in SCALE_DEFS.items()}
    return [{"survey_year": r["survey_year"], "question_code": r["question_code"].lower(),
             "highest_answer_code": options.get(r["response_scale"],
                                                _UNLISTED_SCALE_CODES.get(r["response_scale"], _NOMINAL_CODES))}
            for r in crosswalk_rows()]


def written_files() -> dict[Path, str]:
    """Every file this module writes, with its content."""
    return {**{SEEDS_DIR / name: text for name, text in seeds().items()},
            RESPONDENT_QUESTIONS: render(respondent_question_rows())}


def main() -> None:
    for path, text in written_files().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
