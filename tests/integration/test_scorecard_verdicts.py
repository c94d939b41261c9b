"""The well-led scorecard's verdicts come from evidence, not from arithmetic (checked on the sample publication).

better / worse only from a test or a target every organisation can meet; quartile positions are positions;
ratios are judged with their interval on values rounded to 2 decimals; gender parity is counted on whole
people; trends are improved / deteriorated only when significant; the summary counts each construct once and
every count equals its list; measure metadata comes from the catalogue alone. The formulas' worked examples
are dbt unit tests (models/marts/well_led/_well_led__models.yml); the real-file test at the end checks the
base of % positive the catalogue states for Q15.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import duckdb
import numpy as np
import pytest

CATEGORIES = ["better", "as_expected", "worse", "outside_band_not_significant", "not_estimable", "top_quarter",
              "middle", "bottom_quarter", "missing", "not_assessed"]


def count(con, sql: str, params: list | None = None) -> int:
    return con.execute(sql, params or []).fetchone()[0]


@pytest.fixture
def build(sample_refresh):
    """The sample refresh's build warehouse, for the counts the publication keeps in intermediate models."""
    root, status = sample_refresh
    assert status == 0, "the sample refresh did not publish"
    with duckdb.connect(str(root / "warehouse" / "build" / "wellled.duckdb"), read_only=True) as con:
        yield con


def test_no_verdict_from_a_quartile_position(published):
    positions = published.execute(
        "select assessment, count(*) from fct_well_led_indicators where assessment_method = 'quartile' "
        "group by all").fetchall()
    assert dict(positions).get("position_only", 0) > 0, "the sample has no positioned score"
    assert {a for a, _ in positions} <= {"position_only", "not_assessed", "missing"}
    # The position is published in its own columns.
    assert count(published, "select count(*) from fct_well_led_indicators where assessment = 'position_only' "
                            "and (quartile_position is null or comparator_position is null)") == 0


def test_ratios_judged_with_their_interval_on_values_rounded_as_wres_publishes(published):
    rows = published.execute(
        "select indicator_code, value, ci_lower, ci_upper, target_lower, target_upper, assessment, white_denominator "
        "from fct_well_led_indicators join dim_indicator using (indicator_code, assessment_method) "
        "where assessment_method in ('target_band', 'target_minimum')").fetchall()
    assert len(rows) > 30

    def rounded(x: float) -> Decimal:
        return Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    seen = set()
    for code, value, lo, hi, lower, upper, assessment, white_denominator in rows:
        if value is None:
            assert assessment in ("not_estimable", "missing"), code
            assert (assessment == "not_estimable") == (white_denominator is not None and code[:6] in (
                "wres_2", "wres_3", "wres_4")), code
            continue
        low_edge = Decimal(repr(lower)).quantize(Decimal("0.01"))
        high_edge = None if upper is None else Decimal(repr(upper)).quantize(Decimal("0.01"))
        inside = rounded(value) >= low_edge and (high_edge is None or rounded(value) <= high_edge)
        reaches = rounded(hi) >= low_edge and (high_edge is None or rounded(lo) <= high_edge)
        expected = "as_expected" if inside else "outside_band_not_significant" if reaches else "worse"
        assert assessment == expected, (code, value, lo, hi)
        seen.add(expected)
    assert seen == {"as_expected", "outside_band_not_significant", "worse"}
    # Done when: no WRES ratio is worse while its 95% interval overlaps 0.80-1.25.
    assert count(published, "select count(*) from fct_well_led_indicators where indicator_code in "
                            "('wres_2', 'wres_3', 'wres_4') and assessment = 'worse' "
                            "and ci_lower <= 1.25 and ci_upper >= 0.80") == 0


def test_gender_parity_counted_on_whole_people(published, build):
    boards = build.execute(
        "select c.org_code, c.as_at_date, r.women_voting, r.gender_known_voting, c.is_gender_parity "
        "from marts.fct_board_composition c join intermediate.int_board__register_counts r "
        "using (org_code, as_at_date) where c.women_pct_voting is not null").fetchall()
    assert len(boards) > 20
    for org, as_at, women, known, parity in boards:
        assert parity == (women in (known // 2, (known + 1) // 2)), (org, as_at, women, known)
    assert any(p for *_, p in boards) and not all(p for *_, p in boards)
    # The scorecard: parity and a majority of women are as expected; fewer women than parity is worse.
    judged = build.execute(
        "select r.women_voting, r.gender_known_voting, w.assessment from marts.fct_well_led_indicators w "
        "join intermediate.int_board__register_counts r on r.org_code = w.org_code "
        "and r.as_at_date = w.source_as_at_date where w.indicator_code = 'board_women_pct_voting' "
        "and w.value is not null").fetchall()
    assert judged
    for women, known, assessment in judged:
        assert assessment == ("worse" if women < known // 2 else "as_expected"), (women, known)


def newcombe_excludes_zero(p1: float, n1: float, p2: float, n2: float) -> bool:
    """Newcombe's hybrid score interval (method 10) of p2 - p1, written out independently of the SQL."""
    z = 1.959963985

    def wilson(p: float, n: float) -> tuple[float, float]:
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return max(0.0, centre - half), min(1.0, centre + half)

    l1, u1 = wilson(p1, n1)
    l2, u2 = wilson(p2, n2)
    d = p2 - p1
    return d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2) > 0 or d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2) < 0


def test_trends_changed_only_when_significant(published):
    trends = dict(published.execute("select trend, count(*) from fct_well_led_indicators group by all").fetchall())
    assert {"improved", "deteriorated", "no_significant_change", "direction_only"} <= set(trends)
    assert count(published, "select count(*) from fct_well_led_indicators where trend in ('improved', "
                            "'deteriorated') and is_change_significant is distinct from true") == 0
    # Scores publish no spread: direction only, never counted as change.
    assert count(published, "select count(*) from fct_well_led_indicators where assessment_method = 'quartile' "
                            "and trend not in ('direction_only')") == 0
    rows = published.execute(
        "select w.value, w.base_n, w.prior_value, p.base_n, w.is_change_significant from fct_well_led_indicators w "
        "join fct_well_led_indicators p on p.org_code = w.org_code and p.indicator_code = w.indicator_code "
        "and p.period = w.prior_period join dim_indicator d on d.indicator_code = w.indicator_code "
        "where d.trend_method = 'newcombe_difference' and w.trend is not null "
        "order by w.org_code, w.indicator_code, w.period limit 2000").fetchall()
    assert len(rows) > 500
    for value, n, prior, prior_n, significant in rows:
        assert significant == newcombe_excludes_zero(prior / 100, prior_n, value / 100, n)


def test_summary_counts_each_construct_once_and_equal_their_lists(published):
    summary = published.execute("select * from fct_well_led_summary where indicators_expected > 0").df()
    parents = dict(published.execute("select indicator_code, parent_indicator_code from dim_indicator "
                                     "where parent_indicator_code is not null").fetchall())
    wres_9 = {code for (code,) in published.execute(
        "select indicator_code from dim_indicator where construct_code = 'wres_9'").fetchall()}
    assert {"wres_9_voting", "board_wres9_gap_pp"} <= wres_9
    for row in summary.itertuples():
        listed: list[str] = []
        for category in CATEGORIES:
            codes = getattr(row, f"{category}_indicator_codes")
            codes = codes.split("|") if isinstance(codes, str) else []
            assert len(codes) == getattr(row, f"{category}_count"), (row.org_code, row.statement_code, category)
            listed += codes
        assert len(listed) == len(set(listed)) == row.indicators_expected
        assert not {parents[c] for c in listed if c in parents} & set(listed), (row.org_code, row.statement_code)
        assert len(wres_9 & set(listed)) <= 1
        for trend in ("improved", "deteriorated"):
            codes = getattr(row, f"{trend}_indicator_codes")
            assert len(codes.split("|") if isinstance(codes, str) else []) == getattr(row, f"{trend}_count")
        assert row.chance_trend_changes_expected == pytest.approx(0.05 * row.trends_tested_count)
    # Positions are never counted as verdicts, and chance is shown beside the counts.
    assert summary.bottom_quarter_count.sum() > 0 and summary.chance_flags_expected.sum() > 0
    worse = summary.worse_indicator_codes.dropna().str.split("|").explode()
    methods = dict(published.execute("select indicator_code, assessment_method from dim_indicator").fetchall())
    assert worse.size and "quartile" not in {methods[c] for c in worse}


def test_measure_metadata_comes_from_the_catalogue_alone(published):
    """Every table showing a unit or a direction of good shows the catalogue's, and one name per statistic."""
    mismatches = {
        "fct_board_benchmarks": "select count(*) from fct_board_benchmarks b join dim_indicator d "
                                "on d.indicator_code = b.measure_code where b.unit <> d.unit or "
                                "b.direction_of_good <> d.direction_of_good or b.measure_name <> d.indicator_name",
        "fct_wres_indicators": "select count(*) from fct_wres_indicators w join dim_indicator d using (indicator_code) "
                               "where w.value_unit <> d.unit or w.direction_of_good <> d.direction_of_good",
        "fct_wres_benchmarks": "select count(*) from fct_wres_benchmarks w join dim_indicator d using (indicator_code) "
                               "where w.value_unit <> d.unit or w.direction_of_good <> d.direction_of_good",
        "fct_well_led_indicators": "select count(*) from fct_well_led_indicators w join dim_indicator d "
                                   "using (indicator_code) where w.unit <> d.unit or "
                                   "w.direction_of_good <> d.direction_of_good",
    }
    for table, sql in mismatches.items():
        assert count(published, sql) == 0, table
    assert count(published, "select count(*) from fct_board_benchmarks b left join dim_indicator d "
                            "on d.indicator_code = b.measure_code where d.indicator_code is null") == 0
    columns = {(t, c) for t, c in published.execute(
        "select table_name, column_name from information_schema.columns").fetchall()}
    names = {c for _, c in columns}
    assert not names & {"trust_q1", "trust_q3", "trust_min", "trust_max", "trust_median", "benchmark_p25",
                        "benchmark_p75", "benchmark_median"}
    for table in ("fct_wres_benchmarks", "fct_board_benchmarks", "fct_staff_survey_benchmarks",
                  "fct_well_led_indicators"):
        assert {(table, c) for c in ("p25_value", "median_value", "p75_value")} <= columns, table


def test_question_base_of_percent_positive_is_stated(published):
    bases = dict(published.execute("select indicator_code, positive_base from dim_indicator "
                                   "where source_table = 'fct_staff_survey_questions' and is_catalogued "
                                   "and assessment_method <> 'not_assessed'").fetchall())
    assert bases and None not in bases.values()
    assert bases["nss_q15_equal_opportunities"] == "all_responses_including_dont_know"
    (note,) = published.execute("select positive_base_note from dim_indicator "
                                "where indicator_code = 'nss_q15_equal_opportunities'").fetchone()
    assert "Verified" in note
