"""Staff survey (issue 4): every year's layout, the question crosswalk, question marts, trends that survive
renumbering, the reconciliation gate and suppression, on the real 2024 files and on a 2021-2024 sample."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pipelines.sample_data import catalogue, crosswalk, generate
from pipelines.sources.ingest import load_source
from pipelines.sources.landing import SourceError
from tests.conftest import real_file

ORG_RESULTS = "NSS24_detailed_spreadsheets_organisational_results.xlsx"
NATIONAL_RESULTS = "NSS24_detailed_spreadsheets_national_results.xlsx"
# Five trusts of different benchmarking groups, checked against the real 2024 file value by value.
NAMED_TRUSTS = {
    "R0A": "Manchester University NHS Foundation Trust",
    "R1L": "Essex Partnership University NHS Foundation Trust",
    "RRU": "London Ambulance Service NHS Trust",
    "RBV": "The Christie NHS Foundation Trust",
    "RY2": "Bridgewater Community Healthcare NHS Foundation Trust",
}
SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"


def _seed(name: str) -> list[dict]:
    with (SEEDS / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _crosswalk() -> list[dict]:
    return _seed(crosswalk.CROSSWALK)


# --- the crosswalk seed -------------------------------------------------------------------------------------


def test_crosswalk_seeds_are_written_from_the_catalogue():
    for name, text in crosswalk.seeds().items():
        assert (SEEDS / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: run python -m pipelines.sample_data.crosswalk")


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_crosswalk_agrees_with_the_catalogue_code_map(year):
    rows = {r["code_2024"]: r["question_code"] for r in _crosswalk() if int(r["survey_year"]) == year}
    assert rows == catalogue.code_map(year)


def _real_question_codes(path: Path) -> dict[str, str]:
    """{code: text} from the row-1 labels of the real workbook's section sheets, read independently."""
    workbook = CalamineWorkbook.from_path(str(path))
    codes = {}
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python()
        if name == "Notes" or name in ("PEOPLE PROMISE ELEMENTS", "THEMES"):
            continue
        for label in rows[0][6:]:
            if str(label).strip():
                code, _, text = str(label).partition(" - ")
                codes[code.strip()] = text.strip()
    return codes


def test_crosswalk_2024_codes_are_the_real_files_codes():
    real = _real_question_codes(real_file(ORG_RESULTS))
    rows = {r["question_code"]: r for r in _crosswalk() if r["survey_year"] == "2024"}
    assert set(rows) == set(real)
    assert all(rows[c]["code_2024"] == c for c in rows)
    assert rows["Q26a"]["question_text"] == real["Q26a"] == "I often think about leaving this organisation."


def test_crosswalk_follows_a_concept_whose_code_moves():
    leaving = {int(r["survey_year"]): r for r in _crosswalk() if r["question_id"] == "q26a_leave"}
    assert {y: r["question_code"] for y, r in leaving.items()} == {2021: "Q22a", 2022: "Q24a", 2023: "Q26a",
                                                                    2024: "Q26a"}
    assert leaving[2024]["favourable_options"] == "Strongly disagree|Disagree"
    assert leaving[2024]["polarity"] == "negative"
    assert [leaving[y]["is_comparable_with_prior"] for y in (2021, 2022, 2023, 2024)] == ["false", "true", "true",
                                                                                        "true"]
    breaks = {r["question_code"] for r in _crosswalk() if r["survey_year"] == "2023"
              and r["is_comparable_with_prior"] == "false"}
    assert breaks == {f"Q{n}{x}" for n in (13, 14) for x in "abcd"} | {"Q22", "Q33"}


def test_every_scored_item_of_a_sub_score_has_a_scale():
    by_id = {r["question_id"]: r for r in _crosswalk() if r["survey_year"] == "2024"}
    scales = {r["response_scale"] for r in _seed(crosswalk.SCALES)}
    for item in _seed(crosswalk.ITEMS):
        assert by_id[item["question_id"]]["response_scale"] in scales, item


# --- parsers: sample layouts 2021-2023 and the national results file ---------------------------------------


@pytest.fixture(scope="module")
def sample_2021_2023(tmp_path_factory):
    landing = tmp_path_factory.mktemp("nss_layouts")
    generate(landing, trusts=5, years=(2021, 2022, 2023), seed=3)
    return load_source("staff_survey", landing)


def test_each_years_layout_is_read_from_the_file(sample_2021_2023):
    options = sample_2021_2023.tables["staff_survey_question_options"]
    for year in (2021, 2022, 2023):
        codes = set(options.loc[options.survey_year == year, "question_code"])
        assert codes == set(catalogue.code_map(year).values()), year
    kinds = {(f["period"], f["file_kind"]) for f in sample_2021_2023.files}
    assert {(str(y), "national_results") for y in (2021, 2022, 2023)} <= kinds


def test_sample_national_results_are_derived_from_the_trusts(sample_2021_2023):
    national = sample_2021_2023.tables["staff_survey_national"]
    organisations = sample_2021_2023.tables["staff_survey_organisations"]
    options = sample_2021_2023.tables["staff_survey_question_options"]
    trusts = set(organisations.loc[organisations.benchmarking_group.str.contains("Trusts"), "org_code"])
    for year, code in ((2021, "Q22a"), (2023, "Q26a")):
        rows = options[(options.survey_year == year) & (options.question_code == code) & (options.option_order == 1)
                       & options.org_code.isin(trusts)]
        row = national[(national.survey_year == year) & national.breakdown.isna() & (national.code == code)
                       & (national.option_order == 1)]
        assert len(row) == 1
        assert row.base_n.iloc[0] == rows.base_n.sum()
        assert row.value.iloc[0] == pytest.approx((rows.pct * rows.base_n).sum() / rows.base_n.sum())
    subgroups = set(national.loc[national.breakdown == "Ethnic background (summary)", "breakdown_subgroup"])
    assert subgroups == {"White staff", "Staff from all other ethnic groups combined"}


def test_national_results_in_the_wrong_year_folder_are_refused(tmp_path):
    (tmp_path / "staff_survey" / "2023").mkdir(parents=True)
    shutil.copyfile(real_file(NATIONAL_RESULTS), (tmp_path / "staff_survey" / "2023" / NATIONAL_RESULTS))
    with pytest.raises(SourceError, match="holds survey year 2024 but sits in folder 2023"):
        load_source("staff_survey", tmp_path)


@pytest.fixture(scope="module")
def real_national(tmp_path_factory):
    landing = tmp_path_factory.mktemp("nss_national")
    (landing / "staff_survey" / "2024").mkdir(parents=True)
    shutil.copyfile(real_file(NATIONAL_RESULTS), (landing / "staff_survey" / "2024" / NATIONAL_RESULTS))
    return load_source("staff_survey", landing)


def test_real_national_results_give_the_wres_figures(real_national):
    national = real_national.tables["staff_survey_national"]
    assert real_national.files[0]["file_kind"] == "national_results"
    ethnicity = national[national.breakdown == "Ethnic background (summary)"]

    def value(code: str, group: str, option: int) -> float:
        row = ethnicity[(ethnicity.code == code) & (ethnicity.breakdown_subgroup == group)
                        & (ethnicity.option_order == option)]
        return float(row.value.iloc[0])

    white, bme = "White staff", "Staff from all other ethnic groups combined"
    assert 100 - value("Q14a", white, 1) == pytest.approx(23.5, abs=0.05)  # the 2024 national results file
    assert 100 - value("Q14a", bme, 1) == pytest.approx(28.6, abs=0.05)
    assert value("Q15", white, 1) == pytest.approx(58.85, abs=0.005)
    assert value("Q15", bme, 1) == pytest.approx(49.51, abs=0.005)
    assert value("Q16b", white, 1) == pytest.approx(6.77, abs=0.005)
    assert value("Q16b", bme, 1) == pytest.approx(15.20, abs=0.005)
    scores = national[(national.result_kind == "score") & national.breakdown.isna()]
    assert set(scores.code) >= {"PP1", "PP4_2", "ENGAGEMENT", "MORALE"}
    assert float(scores.loc[scores.code == "PP1", "value"].iloc[0]) == pytest.approx(7.278387498336678, abs=1e-12)


# --- whole refreshes --------------------------------------------------------------------------------------


def test_reconciliation_gate_warns_naming_organisations_and_measures():
    import pandas as pd

    from pipelines.quality import validate

    row = dict(org_code="RXA", survey_year=2024, measure_code="PP1_1", published_score=7.07, recomputed_score=7.06,
               difference=0.01, abs_difference=0.01, items_scored=5, items_expected=5, is_reconcilable=True,
               reconciliation_note=None, tolerance=0.1, reconciliation_status="within_tolerance",
               outside_tolerance_label=None)
    bad = dict(row, org_code="RXB", measure_code="E_3", published_score=7.3, difference=0.24, abs_difference=0.24,
               reconciliation_status="outside_tolerance", outside_tolerance_label="RXB 2024 E_3")
    unjudged = dict(row, measure_code="PP4_1", abs_difference=0.27, is_reconcilable=False,
                    reconciliation_status="not_reconcilable")
    assert validate("fct_staff_survey_score_reconciliation", pd.DataFrame([row, unjudged])).status == "passed"
    outcome = validate("fct_staff_survey_score_reconciliation", pd.DataFrame([row, bad, unjudged]))
    assert outcome.status == "warning" and not outcome.blocking
    samples = [s for f in outcome.failed for s in f.sample]
    assert {(s["org_code"], s["measure_code"]) for s in samples} == {("RXB", "E_3")}
