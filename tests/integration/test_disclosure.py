"""The attacker: can any suppressed respondent-level cell be recomputed from what is published?

For every suppressed cell of the respondent marts the attacker tries what a reader of the publication can do:
  A. difference a breakdown against its published total (the whole-organisation row of
     fct_staff_survey_respondent_scores, or the organisational results' score): base_all minus the shown
     cells' bases is the suppressed cells' base together, and with their weights their score together. A leak
     is a single suppressed cell with responses coming back, or suppressed cells under 10 responses together;
  B. recompute a suppressed sub-score from its element shown in the same group (k x element - the shown
     sub-scores, e.g. PP4_2 = 3 x PP4 - PP4_1 - PP4_3);
  C. recompute a suppressed element from its sub-scores shown in the same group.
The attacker is given every cell's true weight total (the strongest reader); the truth comes from the build's
intermediate models. The WRES-by-ethnicity mart has no published total to difference against; the same rule
is checked on its groups. The attacker is first run on a copy of the publication without complementary
suppression, where it must find leaks: a test that cannot fail proves nothing.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.helpers import build_respondent_marts, hand_rows

MIN_BASE = 10
KEYS = ["org_code", "survey_year", "breakdown", "breakdown_group", "measure_code"]


def _crafted_rows() -> list[list]:
    """RCC, 60 staff in four directorates: A 6, B 3 (together 9: revealed together by the total unless a third
    directorate is withheld), C 20, D 31; answers vary, so every cell has its own score."""
    rows = []
    for k in range(60):
        directorate = "A" if k < 6 else "B" if k < 9 else "C" if k < 29 else "D"
        q2 = (1 + k % 5, 1 + (k // 2) % 5, 1 + (k // 3) % 5)
        rows.append(["RCC", 2023, f"c{k:02d}", "admin_clerical", directorate, "white" if k % 7 else "bme", "female",
                     "no", *q2, 1, 1, 2])
    return rows


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    db = build_respondent_marts(tmp_path_factory.mktemp("disclosure"), seed=23, rows=hand_rows() + _crafted_rows())
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def published_scores(con) -> pd.DataFrame:
    return con.execute("select * from marts.fct_staff_survey_respondent_scores").df()


def truth(con) -> pd.DataFrame:
    return con.execute(
        "select s.org_code, s.survey_year, s.breakdown, s.breakdown_group, s.measure_code, s.parent_measure_code, "
        "s.score as true_score, s.base_n as true_base, c.weight_total "
        "from intermediate.int_respondents__scores s join intermediate.int_respondents__cells c "
        "using (org_code, survey_year, breakdown, breakdown_group, measure_code)").df()


def attack(published: pd.DataFrame, known: pd.DataFrame, organisation_file: pd.DataFrame) -> dict[str, list]:
    """Every recomputation that brings a suppressed value (or a group under the minimum) back, by attack."""
    cells = published.merge(known, on=KEYS, how="left")
    found: dict[str, list] = {"A": [], "B": [], "C": []}
    totals = cells[cells.breakdown == "all"].set_index(["org_code", "survey_year", "measure_code"])
    org_file = organisation_file.set_index(["org_code", "survey_year", "measure_code"])
    for (org, year, breakdown, measure), group in cells[cells.breakdown != "all"].groupby(
            ["org_code", "survey_year", "breakdown", "measure_code"]):
        hidden = group[group.is_suppressed]
        if hidden.empty or (org, year, measure) not in totals.index:
            continue
        total = totals.loc[(org, year, measure)]
        base_all = total.base_n
        if pd.isna(base_all) and (org, year, measure) in org_file.index:
            base_all = org_file.loc[(org, year, measure)].base_n  # the organisational results as the total
        if pd.isna(base_all):
            continue
        shown = group[~group.is_suppressed]
        union_base = base_all - shown.base_n.sum()
        with_responses = hidden[hidden.true_base > 0]
        if 0 < union_base < MIN_BASE:
            found["A"].append((org, year, breakdown, measure, "group under the minimum", union_base))
        elif len(with_responses) == 1:
            cell = with_responses.iloc[0]
            recovered = union_base
            if not pd.isna(total.score) and shown.weight_total.notna().all():
                weight = total.weight_total - shown.weight_total.sum()
                recovered = (total.score * total.weight_total - (shown.score * shown.weight_total).sum()) / weight
                assert recovered == pytest.approx(cell.true_score, abs=1e-4)  # the attack works
            found["A"].append((org, year, breakdown, measure, cell.breakdown_group, recovered))
    by_group = cells.groupby(["org_code", "survey_year", "breakdown", "breakdown_group"])
    for (org, year, breakdown, group_name), group in by_group:
        elements = group[group.parent_measure_code.isna() & group.measure_code.isin(group.parent_measure_code)]
        for element in elements.itertuples():
            parts = group[group.parent_measure_code == element.measure_code]
            shown, hidden = parts[~parts.is_suppressed], parts[parts.is_suppressed & parts.true_score.notna()]
            if not element.is_suppressed and not hidden.empty:
                for k in {len(parts), len(shown) + 1}:
                    recovered = k * element.score - shown.score.sum()
                    for cell in hidden.itertuples():
                        if abs(recovered - cell.true_score) < 1e-5:
                            found["B"].append((org, year, breakdown, group_name, cell.measure_code, recovered))
            organisation_parts = cells[(cells.org_code == org) & (cells.survey_year == year)
                                       & (cells.breakdown == "all") & ~cells.is_suppressed
                                       & (cells.parent_measure_code == element.measure_code)].measure_code
            if (element.is_suppressed and not pd.isna(element.true_score) and len(organisation_parts)
                    and set(organisation_parts) <= set(shown.measure_code)):
                recovered = shown[shown.measure_code.isin(organisation_parts)].score.mean()
                found["C"].append((org, year, breakdown, group_name, element.measure_code, recovered))
    return found


def test_the_attacker_finds_leaks_without_complementary_suppression(built):
    """Control: show the cells that complementary suppression withheld (the old rule left them shown): leaks."""
    published = published_scores(built)
    known = truth(built)
    leaky = published.merge(known, on=KEYS, how="left")
    secondary = leaky.suppression_reason.isin(["secondary", "sub_score_suppressed"])
    assert secondary.sum() > 0, "the sample has no complementary suppression: the attack is vacuous"
    leaky.loc[secondary, "score"] = leaky.loc[secondary, "true_score"]
    leaky.loc[secondary, "base_n"] = leaky.loc[secondary, "true_base"]
    leaky.loc[secondary, "is_suppressed"] = False
    found = attack(leaky[published.columns], known, pd.DataFrame(columns=["org_code", "survey_year", "measure_code",
                                                                         "base_n"]))
    assert found["A"], "no differencing leak found in a table without complementary suppression"
    # The old element rule: an element shown as the mean of its sub-scores with 10 or more responses in the group,
    # whatever was suppressed among them. A secondary-suppressed sub-score then comes back from its element.
    old_rule = published.merge(known, on=KEYS, how="left")
    elements = old_rule.suppression_reason.eq("sub_score_suppressed") & old_rule.true_score.notna()
    old_rule.loc[elements, "score"] = old_rule.loc[elements, "true_score"]
    old_rule.loc[elements, "base_n"] = old_rule.loc[elements, "true_base"]
    old_rule.loc[elements, "is_suppressed"] = False
    found = attack(old_rule[published.columns], known, pd.DataFrame(columns=["org_code", "survey_year",
                                                                            "measure_code", "base_n"]))
    assert found["B"], "no sub-score recovered from an element that holds it"


def test_the_attacker_recovers_nothing_from_the_publication(built):
    published = published_scores(built)
    assert published.is_suppressed.sum() > 50
    organisation_file = built.execute("select org_code, survey_year, measure_code, base_n "
                                      "from raw.staff_survey_scores").df()
    found = attack(published, truth(built), organisation_file)
    assert found == {"A": [], "B": [], "C": []}
    # The crafted case: directorates A (6) and B (3) are 9 together, so a third (C, 20) is withheld too.
    reasons = dict(built.execute(
        "select breakdown_group, coalesce(suppression_reason, 'shown') from marts.fct_staff_survey_respondent_scores "
        "where org_code = 'RCC' and breakdown = 'directorate' and measure_code = 'E_1'").fetchall())
    assert reasons == {"A": "fewer_than_10", "B": "fewer_than_10", "C": "secondary", "D": "shown"}
    assert built.execute("select suppression_reason from marts.fct_staff_survey_respondent_scores where org_code = "
                         "'RCC' and breakdown = 'directorate' and breakdown_group = 'C' and measure_code = 'ENGAGEMENT'"
                         ).fetchone() == ("sub_score_suppressed",)


def test_wres_groups_follow_the_same_rule(built):
    """No published total exists for the WRES groups; were one published, no group could be recovered."""
    cells = built.execute(
        "select w.org_code, w.survey_year, w.indicator_code, w.is_suppressed, c.base_n as true_base "
        "from marts.fct_staff_survey_respondent_wres w join intermediate.int_respondents__wres_cells c "
        "using (org_code, survey_year, indicator_code, ethnicity_group)").df()
    assert cells.is_suppressed.sum() > 0
    for _, group in cells.groupby(["org_code", "survey_year", "indicator_code"]):
        hidden = group[group.is_suppressed & (group.true_base > 0)]
        if len(hidden) and (~group.is_suppressed).any():
            assert len(hidden) >= 2 and hidden.true_base.sum() >= MIN_BASE, group
