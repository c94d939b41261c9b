"""Staff survey (issue 4): every year's layout, the question crosswalk, question marts, trends that survive
renumbering, the reconciliation gate and suppression, on the real 2024 files and on a 2021-2024 sample."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from pipelines import cli
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
SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"


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


def _refresh(root: Path) -> Path:
    patch = pytest.MonkeyPatch()
    for key, folder in {"WELLLED_LANDING_DIR": "landing", "WELLLED_WAREHOUSE_DIR": "warehouse",
                        "DAGSTER_HOME": "dagster_home"}.items():
        patch.setenv(key, str(root / folder))
    (root / "dagster_home").mkdir(exist_ok=True)
    try:
        assert cli.main(["refresh"]) == 0, "the refresh did not publish"
    finally:
        patch.undo()
    return root / "warehouse" / "published" / "wellled.duckdb"


@pytest.fixture(scope="module")
def real_published(tmp_path_factory):
    """A refresh of only the real 2024 organisational and national results files."""
    root = tmp_path_factory.mktemp("nss_real")
    folder = root / "landing" / "staff_survey" / "2024"
    folder.mkdir(parents=True)
    for name in (ORG_RESULTS, NATIONAL_RESULTS):
        shutil.copyfile(real_file(name), (folder / name))
    with duckdb.connect(str(_refresh(root)), read_only=True) as con:
        yield con


def _file_rows(path: Path) -> list[tuple[str, list, list, list]]:
    """[(sheet, row-1 labels, row-5 headers, data rows)] read straight from the workbook."""
    workbook = CalamineWorkbook.from_path(str(path))
    out = []
    for name in workbook.sheet_names:
        if name != "Notes":
            rows = workbook.get_sheet_by_name(name).to_python()
            out.append((name, rows[0], rows[4], [r for r in rows[5:] if str(r[0]).strip()]))
    return out


def _blocks(labels: list, header: list) -> list[tuple[str, list[int]]]:
    starts = [i for i in range(6, len(header)) if str(labels[i]).strip()] + [len(header)]
    pairs = zip(starts, starts[1:], strict=False)
    return [(str(labels[a]).partition(" - ")[0].strip(), list(range(a, b))) for a, b in pairs]


@pytest.mark.integration
def test_real_named_trusts_scores_match_the_file_exactly(real_published):
    codes = {"Staff Engagement": "ENGAGEMENT", "Morale": "MORALE"}
    checked = 0
    for sheet, labels, header, rows in _file_rows(real_file(ORG_RESULTS)):
        if sheet not in ("PEOPLE PROMISE ELEMENTS", "THEMES"):
            continue
        for row in (r for r in rows if r[0] in NAMED_TRUSTS):
            for code, columns in _blocks(labels, header):
                published = real_published.execute(
                    "select score, base_n, is_suppressed from fct_staff_survey_scores where org_code = ? and "
                    "survey_year = 2024 and measure_code = ?", [row[0], codes.get(code, code)]).fetchall()
                assert published == [(row[columns[0]], int(row[columns[1]]), False)], (row[0], code)
                checked += 1
    assert checked == 5 * 30


@pytest.mark.integration
def test_real_named_trusts_pct_positive_is_the_sum_of_favourable_options(real_published):
    favourable = {r["question_code"]: set(filter(None, r["favourable_options"].split("|")))
                  for r in _crosswalk() if r["survey_year"] == "2024"}
    checked = 0
    for sheet, labels, header, rows in _file_rows(real_file(ORG_RESULTS)):
        if sheet in ("PEOPLE PROMISE ELEMENTS", "THEMES"):
            continue
        for row in (r for r in rows if r[0] in NAMED_TRUSTS):
            for code, columns in _blocks(labels, header):
                options = {str(header[c]).removeprefix("% "): row[c] for c in columns[:-1]}
                (pct, least_once, base, suppressed), = real_published.execute(
                    "select pct_positive, pct_at_least_once, base_n, is_suppressed from fct_staff_survey_questions "
                    "where org_code = ? and survey_year = 2024 and question_code = ?", [row[0], code]).fetchall()
                if any(v == "-" for v in options.values()):
                    assert suppressed and pct is None and base is None, (row[0], code)
                    continue
                assert base == int(row[columns[-1]]) and not suppressed
                if not favourable[code]:
                    assert pct is None, (row[0], code)
                    continue
                expected = sum(float(v) for label, v in options.items() if label in favourable[code])
                assert math.isclose(pct, expected, abs_tol=1e-9), (row[0], code, pct, expected)
                if code in ("Q13a", "Q13b", "Q13c", "Q14a", "Q14b", "Q14c"):
                    assert math.isclose(least_once, 100 - float(options["Never"]), abs_tol=1e-9)
                checked += 1
    assert checked > 5 * 80


@pytest.mark.integration
def test_real_reconciliation_agrees_and_its_gate_passes(real_published):
    statuses = dict(real_published.execute(
        "select reconciliation_status, count(*) from fct_staff_survey_score_reconciliation group by 1").fetchall())
    assert statuses.get("outside_tolerance", 0) == 0
    assert statuses["within_tolerance"] == 263 * 20  # 22 sub-scores and item-scored measures, PP4_1 and PP5_2 aside
    worst = real_published.execute("select max(abs_difference) from fct_staff_survey_score_reconciliation "
                                   "where is_reconcilable").fetchone()[0]
    assert worst < 0.045
    gates = dict(real_published.execute("select item_name, status from publication_manifest "
                                        "where item_kind = 'check'").fetchall())
    assert gates["fct_staff_survey_score_reconciliation"] == "passed"


@pytest.mark.integration
def test_real_benchmarks_carry_the_national_figures(real_published):
    (median, published, count), = real_published.execute(
        "select median_value, published_value, organisation_count from fct_staff_survey_benchmarks where "
        "geography_level = 'national' and survey_year = 2024 and indicator_code = 'nss_pp1'").fetchall()
    assert published == pytest.approx(7.278387498336678, abs=1e-12)
    assert 6 < median < 8 and count > 200
    (pct,), = real_published.execute(
        "select published_value from fct_staff_survey_benchmarks where geography_level = 'national' and "
        "survey_year = 2024 and indicator_code = 'nss_q14a_harassment_patients'").fetchall()
    assert 60 < pct < 90  # % never experiencing harassment from patients, all trusts


@pytest.fixture(scope="module")
def sample_published(tmp_path_factory):
    """A refresh of a sample spanning 2021-2024 (every layout)."""
    root = tmp_path_factory.mktemp("nss_sample_4y")
    generate(root / "landing", trusts=6, years=(2021, 2022, 2023, 2024), seed=5)
    with duckdb.connect(str(_refresh(root)), read_only=True) as con:
        yield con


@pytest.mark.integration
def test_leaving_has_an_unbroken_four_year_series_across_renumbering(sample_published):
    rows = sample_published.execute(
        "select org_code, survey_year, question_code, pct_positive, series_start_year, change_pct_positive, "
        "prior_survey_year from fct_staff_survey_questions where question_id = 'q26a_leave' order by 1, 2").fetchall()
    by_org: dict[str, list] = {}
    for row in rows:
        by_org.setdefault(row[0], []).append(row[1:])
    complete = {org: r for org, r in by_org.items() if [x[0] for x in r] == [2021, 2022, 2023, 2024]}
    assert len(complete) >= 6
    for org, series in complete.items():
        assert [x[1] for x in series] == ["Q22a", "Q24a", "Q26a", "Q26a"], org
        assert {x[3] for x in series} == {2021}, org  # one series from 2021
        for previous, current in zip(series, series[1:], strict=False):
            assert current[5] == previous[0]
            if current[2] is not None and previous[2] is not None:
                assert current[4] == pytest.approx(current[2] - previous[2])


@pytest.mark.integration
def test_breaks_are_shown_not_hidden(sample_published):
    rows = sample_published.execute(
        "select distinct question_code, is_trend_break, change_pct_positive is null, comparability_note "
        "from fct_staff_survey_questions where survey_year = 2023 and question_id = 'q14a_harassment_patients'"
    ).fetchall()
    assert rows and all(r[1] and r[2] and "correction" in r[3] for r in rows)
    scores = sample_published.execute(
        "select distinct measure_code from fct_staff_survey_scores where survey_year = 2023 and is_trend_break"
    ).fetchall()
    assert {m for (m,) in scores} == {"PP4", "PP4_1", "PP4_3"}


@pytest.mark.integration
def test_sample_reconciliation_gate_runs_and_is_recorded(sample_published):
    gates = dict(sample_published.execute("select item_name, status from publication_manifest "
                                          "where item_kind = 'check'").fetchall())
    assert gates["fct_staff_survey_score_reconciliation"] == "passed"
    assert gates["raw_staff_survey_national"] == "passed"
    unjudged = {m for (m,) in sample_published.execute(
        "select distinct measure_code from fct_staff_survey_score_reconciliation where not is_reconcilable").fetchall()}
    assert unjudged == {"PP4_1", "PP5_2"}


@pytest.mark.integration
def test_suppressed_inputs_never_become_published_numbers(sample_published):
    small = sample_published.execute(
        "select count(*) from fct_staff_survey_questions where base_n < 10 or (is_suppressed and "
        "(pct_positive is not null or pct_at_least_once is not null or ci_lower is not null or base_n is not null))"
    ).fetchone()[0]
    assert small == 0
    suppressed = sample_published.execute(
        "select count(*) from fct_staff_survey_questions where is_suppressed").fetchone()[0]
    assert suppressed > 0  # the small social enterprise's Q13d, Q14d and Q16c
    leaked = sample_published.execute(
        "select count(*) from fct_staff_survey_question_options where is_suppressed and pct is not null").fetchone()[0]
    assert leaked == 0


@pytest.mark.integration
def test_ranks_and_benchmarks_are_consistent(sample_published):
    bad = sample_published.execute(
        "select count(*) from fct_staff_survey_scores where rank_in_benchmarking_group > benchmarking_group_size"
    ).fetchone()[0]
    assert bad == 0
    levels = {lvl for (lvl,) in sample_published.execute(
        "select distinct geography_level from fct_staff_survey_benchmarks").fetchall()}
    assert levels == {"national", "region", "benchmark_group"}
    (n_trusts,), = sample_published.execute(
        "select count(distinct org_code) from fct_staff_survey_scores s join dim_organisation d using (org_code) "
        "where s.survey_year = 2024 and s.measure_code = 'PP1' and d.benchmarking_group_code in "
        "('acute', 'acute_specialist', 'mental_health', 'community', 'ambulance')").fetchall()
    (counted,), = sample_published.execute(
        "select organisation_count from fct_staff_survey_benchmarks where geography_level = 'national' and "
        "survey_year = 2024 and indicator_code = 'nss_pp1'").fetchall()
    assert counted == n_trusts


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
