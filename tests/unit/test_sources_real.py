"""The parsers on the real published files in ../shared/data/real."""

from __future__ import annotations

import shutil

import pytest

from pipelines.sources.ingest import load_source
from tests.conftest import real_file

ORG_RESULTS = "NSS24_detailed_spreadsheets_organisational_results.xlsx"


@pytest.fixture(scope="module")
def survey_2024(tmp_path_factory):
    landing = tmp_path_factory.mktemp("landing")
    (landing / "staff_survey" / "2024").mkdir(parents=True)
    shutil.copyfile(real_file(ORG_RESULTS), (landing / "staff_survey" / "2024" / ORG_RESULTS))
    return load_source("staff_survey", landing)


def test_all_263_organisations_with_their_published_scores(survey_2024):
    orgs = survey_2024.tables["staff_survey_organisations"]
    scores = survey_2024.tables["staff_survey_scores"]
    assert orgs["org_code"].nunique() == len(orgs) == 263
    assert set(scores["measure_code"]) >= {"PP1", "PP4_2", "E_1", "M_3", "ENGAGEMENT", "MORALE"}
    assert len(scores) == 263 * 30
    by_key = scores.set_index(["org_code", "measure_code"])
    # Values read off the published sheets PEOPLE PROMISE ELEMENTS and THEMES, row 6 (0AR).
    assert by_key.loc[("0AR", "PP1"), "score"] == pytest.approx(7.379057107641742)
    assert by_key.loc[("0AR", "PP1"), "base_n"] == 1217
    assert by_key.loc[("0AR", "ENGAGEMENT"), "score"] == pytest.approx(6.362526248516388)
    assert by_key.loc[("0AR", "E_1"), "base_n"] == 1212
    assert not scores["is_suppressed"].any()
    assert scores["score"].between(0, 10).all()
    assert {"R1F1", "R1F2"} <= set(orgs["org_code"])


def test_identifiers_and_not_applicable_regions(survey_2024):
    orgs = survey_2024.tables["staff_survey_organisations"].set_index("org_code")
    assert orgs.loc["0AR", "weighting"] == "Unweighted"
    assert orgs["region"].isna()["0AR"]  # "-" in the file means not applicable
    assert orgs.loc["TAJ", "benchmarking_group"].startswith("Mental Health")
    assert (orgs["survey_year"] == 2024).all()
    assert (orgs["_row_number"] >= 6).all()


def test_question_options_and_suppression(survey_2024):
    options = survey_2024.tables["staff_survey_question_options"]
    suppressed = set(options.loc[options["is_suppressed"], "question_code"])
    assert suppressed <= {"Q13d", "Q14d"} | {f"Q16c_{i}" for i in range(1, 8)}
    assert options.loc[options["is_suppressed"], "pct"].isna().all()
    q2a = options[(options.org_code == "0AR") & (options.question_code == "Q2a")]
    assert list(q2a["option_label"]) == ["Never", "Rarely", "Sometimes", "Often", "Always"]
    assert q2a["pct"].sum() == pytest.approx(100, abs=0.01)
    assert options["pct"].dropna().between(0, 100).all()


def test_ods_trusts_file(tmp_path):
    (tmp_path / "ods").mkdir()
    shutil.copyfile(real_file("ods_etr.csv"), (tmp_path / "ods" / "etr.csv"))
    trusts = load_source("ods", tmp_path).tables["ods_trusts"].set_index("org_code")
    assert len(trusts) == 274
    assert trusts["close_date"].isna().sum() == 202
    welsh = trusts[trusts["gor_code"] == "W"]
    assert set(welsh.index) == {"RQF", "RT4", "RYT"} and welsh["region_code"].isna().all()
    assert {"G6V2S", "K0N6A"} <= set(trusts.index)
    assert str(trusts.loc["K0N6A", "open_date"]) == "2026-06-01"
