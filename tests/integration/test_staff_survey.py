"""Staff survey through whole refreshes: question marts, trends that survive renumbering, the reconciliation gate
and suppression, on the real 2024 files and on a 2021-2024 sample. Layouts and the crosswalk are in tests/unit."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from pipelines import cli
from pipelines.sample_data import generate
from tests.conftest import real_file
from tests.unit.test_staff_survey import NAMED_TRUSTS, NATIONAL_RESULTS, ORG_RESULTS, _crosswalk


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
