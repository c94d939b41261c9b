"""The indicator catalogue, the well-led scorecard and summary, merger-aware history, `wellled docs`.

Reads the shared sample refresh (6 trusts, 2023-2024; the sample merges RZ8 and RZ9 into G9Z8S on
1 November 2023, seed org_successors). The formulas also have dbt unit tests
(models/marts/well_led/_well_led__models.yml, models/intermediate/well_led/_well_led__models.yml); the
scorecard's vocabulary (verdicts only from tests or attainable targets) is checked on the publication in
tests/integration/test_scorecard_verdicts.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from pipelines import cli
from tests.helpers import install_state

BOARD_MEASURES = ["board_size", "voting_members", "executive_members", "non_executive_members", "vacant_posts",
                  "interim_posts", "women_pct", "women_pct_voting", "bme_pct_voting", "bme_pct_executive",
                  "bme_pct_non_executive", "wres9_gap_pp", "ceo_tenure_days", "chair_tenure_days", "ceo_changes_3y",
                  "exec_appointed_12m_pct"]
SOURCE_VALUE = {  # source table -> (period column, value column)
    "fct_staff_survey_scores": ("survey_year", "score"),
    "fct_staff_survey_questions": ("survey_year", "pct_positive"),
    "fct_wres_indicators": ("reporting_year", "value"),
}
# Outcome tables have no indicator_code: the row is found by source_as_at_date (the reference month, or the CQC
# rating's publication date) within the period.
OUTCOME_VALUE = {
    "sickness_absence_rate_12m": "select rate_12m_pct from fct_sickness_absence where org_code = ? and month = ?",
    "sickness_absence_rate_month": "select rate_pct from fct_sickness_absence where org_code = ? and month = ?",
    "fft_inpatient_pct_positive_12m": "select pct_positive_12m from fct_fft where org_code = ? and month = ? "
                                      "and setting = 'inpatient'",
    "fft_ae_pct_positive_12m": "select pct_positive_12m from fct_fft where org_code = ? and month = ? "
                               "and setting = 'ae'",
}


def codes(con, sql: str) -> set[str]:
    return {code for (code,) in con.execute(sql).fetchall()}


def test_every_published_indicator_has_a_catalogue_row(published):
    catalogue = codes(published, "select indicator_code from dim_indicator")
    found = set()
    for table in ("fct_staff_survey_scores", "fct_staff_survey_questions", "fct_staff_survey_question_options",
                  "fct_wres_indicators", "fct_well_led_indicators"):
        found |= codes(published, f"select distinct indicator_code from {table}")
    found |= {f"board_{column}" for column in BOARD_MEASURES}
    assert found, "the sample published no indicator"
    assert found - catalogue == set()
    incomplete = published.execute(
        "select indicator_code from dim_indicator where indicator_name is null or definition is null or publisher "
        "is null or licence is null or unit is null or direction_of_good is null or (assessment_method <> "
        "'not_assessed' and quality_statements is null) or not is_catalogued").fetchall()
    assert incomplete == []
    # The thresholds are in the catalogue; gender parity is counted on whole people, not a percentage band.
    targets = {code: (lower, upper) for code, lower, upper in published.execute(
        "select indicator_code, target_lower, target_upper from dim_indicator "
        "where target_lower is not null").fetchall()}
    assert targets["wres_2"] == (0.8, 1.25) and targets["wres_9_voting"] == (0.0, None)
    assert "board_women_pct_voting" not in targets
    methods = dict(published.execute("select indicator_code, assessment_method from dim_indicator").fetchall())
    assert methods["board_women_pct_voting"] == "gender_parity" and methods["nss_pp4_2"] == "quartile"
    board_columns = codes(published, "select column_name from information_schema.columns "
                                     "where table_name = 'fct_board_composition'")
    assert set(BOARD_MEASURES) <= board_columns


def test_funnel_limits_recomputed_by_hand(published):
    """Spiegelhalter funnel with additive random-effects overdispersion (DerSimonian-Laird tau-squared on
    winsorised z-scores), recomputed in numpy from the published rows, in the group the trust had that year."""
    rows = published.execute(
        "select * from fct_well_led_indicators where assessment_method = 'funnel_proportion' "
        "and funnel_upper_998 is not null order by abs(funnel_z_score) desc limit 3").df()
    assert len(rows) == 3
    for row in rows.itertuples():
        peers = published.execute(
            "select value, base_n from fct_well_led_indicators f join dim_organisation o using (org_code) "
            "where period = ? and indicator_code = ? and value is not null and base_n > 0 and "
            "(? = 'england' and o.org_kind in ('trust', 'split_unit') or f.benchmarking_group_code = ?)",
            [row.period, row.indicator_code, row.comparator_level, row.comparator_code]).df()
        assert len(peers) == row.comparator_org_count >= 5
        p = peers.value.to_numpy() / 100
        n = peers.base_n.to_numpy().astype(float)
        p0 = (p * n).sum() / n.sum()
        z = (p - p0) / np.sqrt(p0 * (1 - p0) / n)
        low, high = np.percentile(z, [10, 90])  # linear interpolation, as percentile_cont
        phi = np.mean(np.clip(z, low, high) ** 2)
        k = len(p)
        tau2 = max(0.0, (k * phi - (k - 1)) * p0 * (1 - p0) / (n.sum() - (n ** 2).sum() / n.sum()))
        se = np.sqrt(p0 * (1 - p0) / row.base_n + tau2)
        assert row.overdispersion_model == "additive"
        assert row.funnel_target == pytest.approx(100 * p0, abs=1e-9)
        assert row.overdispersion_phi_estimate == pytest.approx(phi, rel=1e-9)
        assert row.overdispersion_tau2 == pytest.approx(tau2, rel=1e-9, abs=1e-15)
        assert row.funnel_lower_998 == pytest.approx(max(0, 100 * (p0 - 3.090232306 * se)), abs=1e-9)
        assert row.funnel_upper_998 == pytest.approx(min(100, 100 * (p0 + 3.090232306 * se)), abs=1e-9)
        assert row.funnel_upper_95 == pytest.approx(min(100, 100 * (p0 + 1.959963985 * se)), abs=1e-9)
        high, low = ("worse", "better") if row.direction_of_good == "lower" else ("better", "worse")
        expected = (high if row.value > row.funnel_upper_998 else low if row.value < row.funnel_lower_998
                    else "as_expected")
        assert row.assessment == expected


def test_a_summary_flag_traces_back_to_the_values_behind_it(published):
    """For a sample trust: summary counts -> the listed indicators -> their scorecard rows -> the source rows."""
    summary = published.execute(
        "select * from fct_well_led_summary where worse_count > 0 and better_count > 0 "
        "order by org_code, period, statement_order limit 1").df()
    assert len(summary) == 1, "no trust has both better and worse indicators in the sample"
    row = summary.iloc[0]
    for flag, column in (("better", "better_indicator_codes"), ("worse", "worse_indicator_codes")):
        listed = row[column].split("|")
        assert len(listed) == row[f"{flag}_count"]
        for code in listed:
            card = published.execute(
                "select s.*, q.statement_code from fct_well_led_indicators s join dim_indicator d using "
                "(indicator_code) left join (select ? as statement_code) q on d.quality_statements like "
                "'%' || q.statement_code || '%' where s.org_code = ? and s.period = ? and s.indicator_code = ?",
                [row.statement_code, row.org_code, int(row.period), code]).df()
            assert len(card) == 1 and card.assessment[0] == flag and card.statement_code[0] == row.statement_code
            card = card.iloc[0]
            if card.is_merger_history:
                continue
            if card.source_table == "fct_cqc_ratings":
                (source,) = published.execute(
                    "select rating_ordinal from fct_cqc_ratings where org_code = ? and period = ? and domain = ? "
                    "and rating_publication_date = ? order by release_date desc limit 1",
                    [card.source_org_codes, int(card.period), code.removeprefix("cqc_"),
                     card.source_as_at_date]).fetchone()
            elif code in OUTCOME_VALUE:
                (source,) = published.execute(OUTCOME_VALUE[code],
                                              [card.source_org_codes, card.source_as_at_date]).fetchone()
            elif card.source_table == "fct_board_composition":
                column_name = code.removeprefix("board_")
                (source,) = published.execute(
                    f"select {column_name} from fct_board_composition where org_code = ? and as_at_date = ?",
                    [card.source_org_codes, card.source_as_at_date]).fetchone()
            else:
                period_column, value_column = SOURCE_VALUE[card.source_table]
                (source,) = published.execute(
                    f"select {value_column} from {card.source_table} where org_code = ? and {period_column} = ? "
                    "and indicator_code = ?", [card.source_org_codes, int(card.period), code]).fetchone()
            assert card.value == pytest.approx(source)
    categories = ["better", "as_expected", "worse", "outside_band_not_significant", "not_estimable", "top_quarter",
                  "middle", "bottom_quarter", "missing", "not_assessed"]
    assert sum(row[f"{c}_count"] for c in categories) == row.indicators_expected
    assert row.evidence_coverage_pct == pytest.approx(
        100 * (row.indicators_expected - row.missing_count - row.not_assessed_count) / row.indicators_expected)


def test_every_statement_is_summarised_and_documented_as_not_a_rating(published):
    per_trust = published.execute("select org_code, period, count(*) from fct_well_led_summary group by all").fetchall()
    assert per_trust and all(n == 8 for _, _, n in per_trust)
    empty = codes(published, "select distinct statement_code from fct_well_led_summary where indicators_expected = 0 "
                             "and evidence_coverage = 'no indicator in this warehouse evidences this statement'")
    assert empty == {"environmental_sustainability"}  # partnerships and communities: CQC Responsive
    (comment,) = published.execute("select comment from duckdb_tables() where table_name = 'fct_well_led_summary'"
                                   ).fetchone()
    assert "not a rating" in comment


def test_merged_trust_history_continues_under_its_successor(published):
    history = published.execute(
        "select indicator_code, value, base_n, source_org_codes from fct_well_led_indicators "
        "where org_code = 'G9Z8S' and period = 2023 and is_merger_history "
        "and source_table = 'fct_staff_survey_questions' and value is not null").df()
    assert len(history) > 50 and set(history.source_org_codes) == {"RZ8|RZ9"}
    code = history.indicator_code[0]
    parts = published.execute(
        "select pct_positive, base_n from fct_staff_survey_questions where survey_year = 2023 and indicator_code = ? "
        "and org_code in ('RZ8', 'RZ9')", [code]).df()
    assert len(parts) == 2
    pooled = (parts.pct_positive * parts.base_n).sum() / parts.base_n.sum()
    assert history.value[0] == pytest.approx(pooled) and history.base_n[0] == parts.base_n.sum()
    after = published.execute(
        "select is_merger_history, prior_period, prior_value from fct_well_led_indicators "
        "where org_code = 'G9Z8S' and period = 2024 and indicator_code = ?", [code]).fetchone()
    assert after[0] is False and after[1] == 2023 and after[2] == pytest.approx(pooled)
    # Predecessors have no series of their own in the scorecard: their history is the successor's.
    assert codes(published, "select org_code from fct_well_led_indicators where org_code in ('RZ8', 'RZ9')") == set()
    assert codes(published, "select org_code from dim_organisation where org_code in ('RZ8', 'RZ9', 'G9Z8S')") == {
        "RZ8", "RZ9", "G9Z8S"}


def test_wellled_docs_writes_one_folder(sample_copy, published, tmp_path, capsys):
    # On a copy: dbt opens the build file for writing, which would lock out the other workers' readers.
    out = tmp_path / "docs"
    before = install_state()
    assert cli.main(["docs", "--out", str(out)]) == 0
    assert install_state() == before, "wellled docs wrote inside the install folder"
    assert str(out / "index.html") in capsys.readouterr().out
    for page in ("index.html", "dbt/static_index.html", "quality/index.html", "quality/gx/site/index.html"):
        assert (out / page).is_file(), page
    index = (out / "index.html").read_text(encoding="utf-8")
    tables = codes(published, "select table_name from duckdb_tables()")
    assert {"dim_indicator", "fct_well_led_indicators", "fct_well_led_summary"} <= tables
    for table in tables:
        assert f"<code>{table}</code>" in index, table
    assert "no description" not in index
    static = (out / "dbt" / "static_index.html").read_text(encoding="utf-8")
    assert "well_led_scorecard" in static and "fct_well_led_summary" in static  # the exposure and the model
