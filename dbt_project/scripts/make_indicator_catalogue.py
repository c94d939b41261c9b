# ruff: noqa: E501  (a data table: the catalogue rows read best one per line)
"""Write the indicator catalogue seeds from the other seeds and the rules below.

    python dbt_project/scripts/make_indicator_catalogue.py

Writes seeds/indicator_catalogue.csv (one row per published indicator_code) and
seeds/indicator_quality_statements.csv (indicator_code -> CQC well-led quality statement, many to many).
The catalogue is the one place for an indicator's metadata: unit, direction of good, how the scorecard judges
it (assessment_method, the chance of a false flag, trend_method), its target, and how the summary counts it
once (construct_code / construct_rank, parent_indicator_code). Every mart that shows such metadata joins it.
A new proportion with a base (assessment_method funnel_proportion) gets the funnel plot and the Newcombe trend
test from its row alone: the defaults below fill chance_flag_rate and trend_method from the method.
Staff survey questions come from staff_survey_question_crosswalk.csv, scores from staff_survey_measures.csv,
WRES indicator 1 from the band list of the WRES return contract; WRES 2-9, board measures and the outcome indicators
(sickness absence, CQC ratings, Friends and Family Test) are written out here.
The mapping to quality statements is wellled's judgement (documented per row), not CQC's.
Rerun after editing a source seed; dbt test `assert_published_indicators_in_dim_indicator` proves coverage.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

SD, CL, FS, ED = ("shared_direction_culture", "capable_compassionate_leaders", "freedom_to_speak_up",
                  "workforce_edi")
GM, PC, LI, ES = ("governance_management_sustainability", "partnerships_communities",
                  "learning_improvement_innovation", "environmental_sustainability")

NSS = dict(source="nhs_staff_survey", source_name="NHS Staff Survey, detailed spreadsheets (organisational results)",
           publisher="NHS England (Survey Coordination Centre)", licence="Open Government Licence v3.0",
           publication_date="2025-03-13",
           publication_note="Published each March for the previous autumn's survey; 2024 results on 13 March 2025.")
WRES = dict(source="wres", source_name="Workforce Race Equality Standard returns",
            publisher="NHS England (WRES team), from trust returns", licence="Open Government Licence v3.0",
            publication_date=None,
            publication_note="Trust returns: 31 March snapshot, submitted by 31 August; national data report later "
                             "that year. Indicators 5-8 come from the previous year's staff survey.")
BOARD = dict(source="board_registers", source_name="Trust board registers (wellled register contract)",
             publisher="NHS trusts (board membership as each trust publishes it)",
             licence="Trust-published information; wellled publishes aggregates only",
             publication_date=None,
             publication_note="Registers as at each quarter end; the scorecard uses the latest as-at date of each year.")

SCORE_STATEMENTS = {
    "PP1": [SD, ED], "PP1_1": [SD], "PP1_2": [CL], "PP1_3": [ED], "PP1_4": [ED],
    "PP2": [SD], "PP3": [FS, SD], "PP3_1": [SD], "PP3_2": [FS],
    "PP4": [GM], "PP4_1": [GM], "PP4_2": [GM], "PP4_3": [SD, ED],
    "PP5": [LI], "PP5_1": [LI], "PP5_2": [LI, CL], "PP6": [GM, ED], "PP6_1": [GM], "PP6_2": [GM, ED],
    "PP7": [SD], "PP7_1": [SD], "PP7_2": [CL],
    "ENGAGEMENT": [SD], "E_1": [SD], "E_2": [SD, LI], "E_3": [SD], "MORALE": [GM], "M_1": [GM], "M_2": [GM],
    "M_3": [GM],
}
# Questions in no score, by question_id prefix (the rest inherit the statements of the scores they feed).
QUESTION_PREFIX_STATEMENTS = {
    "q10": [GM], "q11e": [GM, CL], "q13d": [FS], "q14d": [FS], "q16a": [ED], "q16b": [ED], "q16c": [ED],
    "q17": [SD, ED], "q19": [LI, FS], "q20": [FS], "q22": [GM], "q23a": [LI], "q24f": [LI], "q25e": [FS],
    "q25f": [FS], "q26": [GM], "q31b": [ED], "q6d": [CL], "q9": [CL],
}
QUALITY_TARGETS = {  # indicator_code -> (assessment_method, target_value, target_lower, target_upper, target_note)
}
Q_METHOD = ("Spiegelhalter funnel plot of pct_positive against the comparator's pooled proportion, with additive "
            "random-effects overdispersion: tau-squared by DerSimonian-Laird from z-scores winsorised at the 10th "
            "and 90th percentiles (Spiegelhalter 2005), added to each organisation's binomial variance. Better / "
            "worse than expected = outside the 99.8% limits; the 95% limits are a warning zone, not a flag. The "
            "published percentages are occupation-weighted, treated as simple proportions with base_n responses. "
            "Trend: improved / deteriorated only when the Newcombe 95% interval of the change excludes 0.")
S_METHOD = ("Scores are published with a base but no spread, so neither a funnel plot nor a significance test is "
            "possible: no verdict. The row shows the score's position among the comparator's organisations "
            "(quartile_position, comparator_position), which is a position, not evidence of a difference: a "
            "quarter of any group is in its bottom quarter by construction. Trend: direction only.")
# Chance of a better/worse verdict when nothing differs, per method (two-sided 99.8% funnel; two-sided 95%
# parity interval; one side of a 95% interval against a band end). A target judged on whole people (gender
# parity) is not a test: 0. Methods without a verdict: no rate.
CHANCE_FLAG_RATE = {"funnel_proportion": 0.002, "target_parity": 0.05, "target_band": 0.025,
                    "target_minimum": 0.025, "gender_parity": 0.0, "target_rating": 0.0}
# The base of % positive: the organisational results' option percentages sum to 100 over every option, so
# "Don't know", "Can't remember" and "Not applicable" answers are in the base of every published percentage.
NON_SUBSTANTIVE = ("Don't know", "Can't remember", "Not applicable", "Not applicable to me")
BASE_VERIFIED = {"q15_equal_opportunities": (
    "Verified on the real 2024 files: 'Don't know' stays in the base. The organisational % Yes (Don't know in "
    "the base) lies between the White and BME rates of the 2024 WRES benchmark data for 157 of 159 trusts; "
    "with Don't know taken out, for none.")}


SICKNESS = dict(source="sickness_absence", source_name="NHS Sickness Absence Rates (organisation level, monthly CSV)",
                publisher="NHS England", licence="Open Government Licence v3.0", publication_date=None,
                publication_note="Monthly, about four months after the data month; the legacy series covers April 2009 to March 2022.")
CQC = dict(source="cqc_ratings", source_name="CQC Latest ratings (monthly spreadsheet, Providers sheet)",
           publisher="Care Quality Commission", licence="Open Government Licence v3.0", publication_date=None,
           publication_note="A release on the first working days of each month listing every provider's latest ratings; ratings change only after an inspection.")
FFT = dict(source="fft", source_name="Friends and Family Test (monthly inpatient and A&E workbooks)",
           publisher="NHS England", licence="Open Government Licence v3.0", publication_date=None,
           publication_note="Monthly, about two months after the data month.")
OUTCOME_COMPARABILITY = "Comparable across years (same definition); the period is the calendar year."
CQC_STATEMENTS = {"overall": [GM], "safe": [GM, LI], "effective": [LI], "caring": [SD], "responsive": [PC],
                  "well_led": [SD, CL, GM]}


def add_outcome_indicators(add) -> None:
    """Sickness absence, CQC ratings and Friends and Family Test (the outcome side); statements are wellled's choice."""
    funnel = ("Spiegelhalter funnel plot of the rate against the comparator's pooled rate, n = FTE days available, "
              "with additive random-effects overdispersion (tau-squared by DerSimonian-Laird from winsorised z-scores): "
              "days lost are not independent events, so the between-trust variance dominates and the limits do not "
              "narrow to nothing for large trusts. Better / worse than expected = outside the 99.8% limits. Trend: "
              "direction only (no binomial test applies to days).")
    for code, name, window, definition in (
        ("sickness_absence_rate_12m", "Sickness absence rate, rolling 12 months", "12m",
         "100 x sum of FTE days lost / sum of FTE days available over the 12 months ending with the year's latest "
         "landed month (never a mean of monthly rates); suppressed months (330 FTE days available or fewer) add nothing."),
        ("sickness_absence_rate_month", "Sickness absence rate, latest month of the year", "month",
         "The publisher's monthly rate (FTE days lost / FTE days available x 100) for the year's latest landed month; "
         "null when suppressed (330 FTE days available or fewer)."),
    ):
        add(code, [GM, SD], indicator_name=name, definition=f"fct_sickness_absence: {definition}",
            source_table="fct_sickness_absence", unit="percent", direction_of_good="lower",
            assessment_method="funnel_proportion", trend_method="direction_only", target_value=None,
            target_lower=None, target_upper=None, target_note=None, method_note=funnel, comparable_from_year=None, comparable_to_year=None,
            comparability_note=OUTCOME_COMPARABILITY + (" Seasonal: compare the same month across years."
                                                        if window == "month" else ""), **SICKNESS)
    cqc_method = ("Ordinal rating (1 Inadequate, 2 Requires improvement, 3 Good, 4 Outstanding) from the year's "
                  "latest release. Target: Good or better, a standard every trust can meet (below it = worse). A "
                  "rating is CQC's judgement, not an estimate: no interval, and no chance flag. "
                  "source_as_at_date is the date CQC published the rating: where it falls before the period's year, "
                  "the rating is older than the period (fct_cqc_ratings.rating_age_days, is_rated_before_period).")
    for domain, label in (("overall", "Overall"), ("safe", "Safe"), ("effective", "Effective"), ("caring", "Caring"),
                          ("responsive", "Responsive"), ("well_led", "Well-led")):
        add(f"cqc_{domain}", CQC_STATEMENTS[domain], indicator_name=f"CQC rating: {label}",
            definition=(f"CQC's {label} rating of the trust (provider level, Service / Population Group Overall) as "
                        "the year's latest Latest ratings release lists it, as an ordinal 1-4; Insufficient "
                        "evidence to rate and Not Rated have no value."),
            source_table="fct_cqc_ratings", unit="rating_1_4", direction_of_good="higher",
            assessment_method="target_rating", target_value=3.0, target_lower=3.0, target_upper=None,
            target_note="Good or better (ordinal 3 or more).", method_note=cqc_method,
            comparable_from_year=None, comparable_to_year=None,
            comparability_note=("Comparable across releases; CQC's single assessment framework (from 2023) keeps "
                                "the four-point scale, but ratings from older inspections stand until re-inspection."),
            **CQC)
    for setting, label in (("inpatient", "inpatient"), ("ae", "A&E")):
        add(f"fft_{setting}_pct_positive_12m", [PC, LI], indicator_name=f"Friends and Family Test {label} % positive, rolling 12 months",
            definition=(f"fct_fft ({label}): 100 x sum(Very Good + Good) / sum(all six answers, Don't Know included) "
                        "over the 12 months ending with the year's latest landed month, from months not suppressed; "
                        "Wilson 95% interval."),
            source_table="fct_fft", unit="percent", direction_of_good="higher", assessment_method="not_assessed",
            target_value=None, target_lower=None, target_upper=None, target_note=None,
            method_note=("Trend within the trust only: NHS England says FFT results do not support comparing providers "
                         "(collection modes and patients differ), so no comparator and no better / worse against "
                         "other trusts."),
            comparable_from_year=None, comparable_to_year=None, comparability_note=OUTCOME_COMPARABILITY, **FFT)


def main() -> None:
    rows: list[dict] = []
    statements: list[tuple[str, str, bool]] = []

    def add(code: str, stmts: list[str], **fields) -> None:
        method = fields["assessment_method"]
        defaults = {"chance_flag_rate": CHANCE_FLAG_RATE.get(method),
                    "trend_method": "newcombe_difference" if method == "funnel_proportion" else "direction_only",
                    "construct_code": code, "construct_rank": 1}
        rows.append({"indicator_code": code, **defaults, **fields, "quality_statements": "|".join(stmts)})
        statements.extend((code, s, i == 0) for i, s in enumerate(stmts))

    measures = list(csv.DictReader((SEEDS / "staff_survey_measures.csv").open(encoding="utf-8")))
    scale_options: dict[str, list[str]] = defaultdict(list)
    for r in csv.DictReader((SEEDS / "staff_survey_response_scales.csv").open(encoding="utf-8")):
        scale_options[r["response_scale"]].append(r["option_label"])
    crosswalk = list(csv.DictReader((SEEDS / "staff_survey_question_crosswalk.csv").open(encoding="utf-8")))
    items = list(csv.DictReader((SEEDS / "staff_survey_score_items.csv").open(encoding="utf-8")))

    # Series start per question: the latest year the crosswalk marks not comparable with the year before.
    by_question: dict[str, list[dict]] = defaultdict(list)
    for r in crosswalk:
        by_question[r["question_id"]].append(r)
    start = {q: max(int(r["survey_year"]) for r in rs if r["is_comparable_with_prior"] != "true")
             for q, rs in by_question.items()}
    members: dict[str, list[str]] = defaultdict(list)
    for r in items:
        members[r["measure_code"]].append(r["question_id"])
    q_scores: dict[str, list[str]] = defaultdict(list)
    for m, qs in members.items():
        for q in qs:
            q_scores[q].append(m)

    for m in measures:
        code = m["measure_code"]
        qs = members.get(code) or [q for c, qq in members.items() if c.startswith(code + "_") for q in qq]
        from_year = max((start.get(q, 2021) for q in qs), default=2021)
        add(f"nss_{code.lower()}", SCORE_STATEMENTS[code], indicator_name=m["measure_name"],
            definition=(f"NHS Staff Survey {m['measure_level'].replace('_', '-')} score {code} "
                        f"'{m['measure_name']}', 0-10, higher is better: mean of respondents' item scores "
                        "weighted by occupation group, as the organisational results publish it."),
            source_table="fct_staff_survey_scores", unit="score_0_10", direction_of_good="higher",
            assessment_method="quartile", target_value=None, target_lower=None, target_upper=None, target_note=None,
            method_note=S_METHOD, comparable_from_year=from_year, comparable_to_year=None,
            parent_indicator_code=(f"nss_{m['parent_measure_code'].lower()}" if m["parent_measure_code"] else None),
            comparability_note=("Comparable from 2021 (current questionnaire)" if from_year == 2021 else
                                f"Series restarts in {from_year}: a question it uses changed (crosswalk)."),
            **NSS)

    for q, rs in sorted(by_question.items()):
        latest = max(rs, key=lambda r: int(r["survey_year"]))
        codes = ", ".join(f"{r['question_code']} ({r['survey_year']})" for r in sorted(rs, key=lambda r: r["survey_year"]))
        stmts: list[str] = []
        for m in q_scores.get(q, []):
            for s in SCORE_STATEMENTS[m]:
                if s not in stmts:
                    stmts.append(s)
        if not stmts:
            stmts = next((v for p, v in sorted(QUESTION_PREFIX_STATEMENTS.items(), key=lambda kv: -len(kv[0]))
                          if q.startswith(p + "_") or q == p or q.startswith(p)), [])
        neutral = latest["polarity"] == "neutral"
        direction = "none" if neutral else "higher"
        kept = [o for o in scale_options[latest["response_scale"]] if o in NON_SUBSTANTIVE]
        base = None if neutral else ("all_responses" if not kept else "all_responses_including_" + "_".join(
            o.lower().replace("'", "").replace(" ", "_") for o in kept))
        base_note = None if neutral else (
            "% of everyone answering the question (the base the organisational results publish)." if not kept else
            f"% of everyone answering, '{', '.join(kept)}' included in the base: "
            + BASE_VERIFIED.get(q, "the organisational results' option percentages sum to 100 with them (real 2024 "
                                   "file); no file here shows whether NHS benchmark reports take them out, so "
                                   "wellled keeps them, as the published percentages do."))
        definition = (f"NHS Staff Survey question '{latest['question_text']}' ({codes}). "
                      + ("Background or descriptive question: no favourable answer, not assessed."
                         if neutral else
                         f"Value: % choosing a favourable option ({latest['favourable_options'].replace('|', ', ')})"
                         f"{', a negatively worded item, so higher is still better' if latest['polarity'] == 'negative' else ''}."))
        add(f"nss_{q}", stmts if not neutral else [], indicator_name=latest["question_text"], definition=definition,
            source_table="fct_staff_survey_questions", unit="percent", direction_of_good=direction,
            assessment_method="not_assessed" if neutral else "funnel_proportion",
            target_value=None, target_lower=None, target_upper=None, target_note=None,
            method_note=("Descriptive question: published for context, not assessed." if neutral else Q_METHOD),
            comparable_from_year=start[q], comparable_to_year=None,
            comparability_note=(f"Comparable from survey year {start[q]}: "
                                + next(r["comparability_note"] for r in rs if int(r["survey_year"]) == start[q])),
            positive_base=base, positive_base_note=base_note, **NSS)

    wres1_method = ("Representation ratio: the band's BME share divided by the workforce BME share (1 = "
                    "proportionate). Published for context; not assessed, because many bands are small and no "
                    "threshold is set for it.")
    bands = ["under_1"] + [f"band_{b}" for b in ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")] + ["vsm"]
    groups = [("non_clinical", b) for b in bands] + [("clinical", b) for b in bands] + [
        ("medical", b) for b in ("consultant", "career_grade", "trainee", "other_medical")]
    for group, band in groups:
        label = f"{group.replace('_', '-')} {band.replace('_', ' ')}"
        add(f"wres_1_{group}_{band}", [ED], indicator_name=f"WRES 1: BME representation, {label}",
            definition=f"WRES indicator 1, {label}: BME % of the band's staff divided by the workforce BME %.",
            source_table="fct_wres_indicators", unit="ratio", direction_of_good="closer_to_1",
            assessment_method="not_assessed", target_value=1.0, target_lower=None, target_upper=None,
            target_note="Proportionate representation is 1.0.", method_note=wres1_method,
            comparable_from_year=None, comparable_to_year=None,
            comparability_note="Comparable across reporting years (same definition).", **WRES)
    rl_method = ("Target band 0.80-1.25 (four-fifths rule), judged on the ratio rounded to 2 decimals as WRES "
                 "publishes it: inside = as expected; outside with its whole Katz 95% interval outside the band = "
                 "worse; outside with an interval that reaches the band = outside_band_not_significant (the data "
                 "cannot tell). No events in the comparison group = not_estimable, shown with its counts. Trend: "
                 "z-test on the change of the log ratio, standard errors from each year's Katz interval.")
    for n, name, definition in (
        (2, "WRES 2: relative likelihood of White staff being appointed from shortlisting vs BME staff",
         "(White appointed / White shortlisted) / (BME appointed / BME shortlisted); above 1 = White advantaged."),
        (3, "WRES 3: relative likelihood of BME staff entering the formal disciplinary process vs White staff",
         "(BME entering / BME headcount) / (White entering / White headcount); above 1 = adverse."),
        (4, "WRES 4: relative likelihood of White staff accessing non-mandatory training and CPD vs BME staff",
         "(White accessing / White headcount) / (BME accessing / BME headcount); above 1 = adverse."),
    ):
        add(f"wres_{n}", [ED], indicator_name=name, definition=definition, source_table="fct_wres_indicators",
            unit="ratio", direction_of_good="closer_to_1", assessment_method="target_band", target_value=1.0,
            target_lower=0.80, target_upper=1.25, target_note="Non-adverse range 0.80-1.25 (WRES).",
            method_note=rl_method, trend_method="interval_difference", comparable_from_year=None, comparable_to_year=None,
            comparability_note="Comparable across reporting years (same definition).", **WRES)
    gap_method = ("Parity target (gap 0): better / worse than expected when the Newcombe 95% interval of the "
                  "BME minus White difference, rounded to 2 decimals, excludes 0 on the favourable / adverse side; "
                  "else as expected. Trend: z-test on the change, standard errors from each year's interval.")
    for n, direction, name, q in (
        (5, "lower", "harassment, bullying or abuse from patients or the public", "q14a"),
        (6, "lower", "harassment, bullying or abuse from staff", "q14b/q14c"),
        (7, "higher", "believing the organisation provides equal opportunities for career progression", "q15"),
        (8, "lower", "experiencing discrimination from a manager or colleagues", "q16b"),
    ):
        add(f"wres_{n}", [ED] + ([FS] if n in (5, 6) else []),
            indicator_name=f"WRES {n}: % of staff {name}, BME minus White",
            definition=(f"WRES indicator {n} (staff survey {q}, survey year = reporting year - 1): BME % minus "
                        f"White %, in percentage points; {direction} is better."),
            source_table="fct_wres_indicators", unit="percentage_points", direction_of_good=direction,
            assessment_method="target_parity", target_value=0.0, target_lower=None, target_upper=None,
            target_note="Parity: no difference between BME and White staff.", method_note=gap_method,
            trend_method="interval_difference",
            comparable_from_year=2024 if n in (5, 6) else None, comparable_to_year=None,
            comparability_note=("Uses q14, changed by the 2023 survey's data-collection correction: not comparable "
                                "across survey years 2022/2023 (reporting 2023/2024)." if n in (5, 6) else
                                "Comparable across reporting years (same definition)."),
            **WRES)
    for group, label in (("voting", "voting"), ("executive", "executive"), ("non_executive", "non-executive")):
        add(f"wres_9_{group}", [ED, CL], indicator_name=f"WRES 9: BME % of {label} board members minus BME % of workforce",
            definition=f"WRES indicator 9 ({label} members, from the return): board BME % minus workforce BME %, percentage points.",
            source_table="fct_wres_indicators", unit="percentage_points", direction_of_good="at_least_0",
            assessment_method="target_minimum", target_value=0.0, target_lower=0.0, target_upper=None,
            target_note="0 or above: the board at least as diverse as the workforce.",
            method_note=("Target 0 or above, judged with the 95% interval (the Wilson interval of the board's BME "
                         "share less the workforce share), rounded to 2 decimals: as expected at 0 or above; worse "
                         "when the whole interval is below 0; outside_band_not_significant when the gap is below 0 "
                         "but its interval reaches 0 (one person moves a small board's share by 10-20 points). No "
                         "'better'. Trend: z-test on the change, standard errors from each year's interval."),
            trend_method="interval_difference", construct_code="wres_9",
            construct_rank={"voting": 1, "executive": 3, "non_executive": 4}[group],
            comparable_from_year=None, comparable_to_year=None,
            comparability_note="Comparable across reporting years (same definition).", **WRES)

    board = [
        ("board_size", "Board members in post", "count", "none", "not_assessed", [GM], "Members in post."),
        ("voting_members", "Voting board members", "count", "none", "not_assessed", [GM], "Members holding a voting post."),
        ("executive_members", "Executive board members", "count", "none", "not_assessed", [GM], "Members holding an executive post."),
        ("non_executive_members", "Non-executive board members", "count", "none", "not_assessed", [GM], "Chair, non-executive and associate non-executive directors."),
        ("vacant_posts", "Vacant board posts", "count", "lower", "quartile", [GM, CL], "Posts listed with nobody in them."),
        ("interim_posts", "Interim board posts", "count", "lower", "quartile", [GM, CL], "Filled posts held on an interim basis."),
        ("women_pct", "Women as % of board members", "percent", "none", "not_assessed", [ED, CL], "Women as % of members of known gender (context for women_pct_voting)."),
        ("women_pct_voting", "Women as % of voting board members", "percent", "at_least_parity", "gender_parity", [ED, CL], "Women as % of voting members of known gender."),
        ("bme_pct_voting", "BME % of voting board members", "percent", "none", "not_assessed", [ED, CL], "BME members as % of voting members of known ethnicity (judged against the workforce by board_wres9_gap_pp)."),
        ("bme_pct_executive", "BME % of executive board members", "percent", "none", "not_assessed", [ED, CL], "BME % of executive members of known ethnicity."),
        ("bme_pct_non_executive", "BME % of non-executive board members", "percent", "none", "not_assessed", [ED, CL], "BME % of non-executive members of known ethnicity."),
        ("wres9_gap_pp", "Board BME % minus workforce BME % (voting, from the register)", "percentage_points", "at_least_0", "not_assessed", [ED, CL], "bme_pct_voting minus the WRES workforce BME %, percentage points."),
        ("ceo_tenure_days", "Chief executive tenure (days)", "days", "none", "not_assessed", [CL, GM], "Days since the current chief executive's spell in post began."),
        ("chair_tenure_days", "Chair tenure (days)", "days", "none", "not_assessed", [CL, GM], "Days since the current chair's spell in post began."),
        ("ceo_changes_3y", "Chief executive changes in 3 years", "count", "lower", "quartile", [CL, GM], "Changes of chief executive between registers over the three years to the as-at date."),
        ("exec_appointed_12m_pct", "% of executives appointed in the last 12 months", "percent", "none", "not_assessed", [CL, GM], "Executive members whose spell in post began in the 12 months to the as-at date."),
    ]
    for column, name, unit, direction, method, stmts, definition in board:
        target = {}
        extra: dict = {}
        note = ("Position among the comparator's organisations (no denominator or spread is published): a "
                "position, not a verdict. With many boards at 0 (vacancies, interim posts) the position says so: "
                "one interim director is not in the bottom quarter unless three quarters of the comparator have "
                "fewer." if method == "quartile" else
                "Published for context; not assessed (no direction of good).")
        if column == "women_pct_voting":
            target = dict(target_value=50.0, target_lower=None, target_upper=None,
                          target_note="50:50 boards: at least parity for women, which every board size can meet.")
            note = ("Parity when the women among the n voting members of known gender number floor(n/2) or "
                    "ceil(n/2) (4 or 5 of 9; 5 of 10): as expected. Fewer women: worse. A majority of women is not "
                    "parity (fct_board_composition.is_gender_parity is false) but is not counted against the board: "
                    "as expected, said in the assessment basis, because the aim of 50:50 boards is that women are "
                    "not under-represented (about three quarters of NHS staff are women). A board is a census, not a "
                    "sample: no interval. Trend: direction only.")
        if column == "wres9_gap_pp":
            target = dict(target_value=0.0, target_lower=0.0, target_upper=None,
                          target_note="0 or above: the voting board at least as diverse as the workforce.")
            note = ("Cross-check of WRES 9 from the board register, published for context: the return's "
                    "wres_9_voting carries the verdict, judged with its interval, and the summary counts WRES 9 once.")
            extra = dict(construct_code="wres_9", construct_rank=2)
        add(f"board_{column}", stmts, indicator_name=name,
            definition=f"fct_board_composition.{column}: {definition} Period = year of the latest as-at date in the year.",
            source_table="fct_board_composition", unit=unit, direction_of_good=direction, assessment_method=method,
            **{"target_value": None, "target_lower": None, "target_upper": None, "target_note": None, **target},
            method_note=note, comparable_from_year=None, comparable_to_year=None,
            comparability_note="Comparable across as-at dates (same register contract).", **extra, **BOARD)
    # Board benchmark measures that are not fct_board_composition columns (pooled shares of posts).
    for code, name, definition in (
        ("board_vacant_posts_pct", "Vacant posts as % of board posts",
         "Vacant posts as % of all board posts, pooled over the geography's trust registers."),
        ("board_interim_posts_pct", "Interim holders as % of filled board posts",
         "Posts held on an interim basis as % of filled board posts, pooled over the geography's trust registers."),
    ):
        add(code, [], indicator_name=name, definition=f"fct_board_benchmarks.{code}: {definition}",
            source_table="fct_board_benchmarks", unit="percent", direction_of_good="lower",
            assessment_method="not_assessed", target_value=None, target_lower=None, target_upper=None,
            target_note=None, method_note="Geography benchmark only (no trust row): not assessed.",
            comparable_from_year=None, comparable_to_year=None,
            comparability_note="Comparable across as-at dates (same register contract).", **BOARD)

    add_outcome_indicators(add)

    fields = ["indicator_code", "indicator_name", "definition", "source_table", "source", "source_name", "publisher",
              "licence", "publication_date", "publication_note", "unit", "direction_of_good", "assessment_method",
              "target_value", "target_lower", "target_upper", "target_note", "quality_statements", "method_note",
              "comparable_from_year", "comparable_to_year", "comparability_note", "chance_flag_rate", "trend_method",
              "construct_code", "construct_rank", "parent_indicator_code", "positive_base", "positive_base_note"]
    with (SEEDS / "indicator_catalogue.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r[k]) for k in fields})
    with (SEEDS / "indicator_quality_statements.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["indicator_code", "statement_code", "is_primary"])
        for code, s, primary in statements:
            w.writerow([code, s, "true" if primary else "false"])
    print(f"{len(rows)} indicators, {len(statements)} statement links")


if __name__ == "__main__":
    main()
