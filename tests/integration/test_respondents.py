"""Respondent-level survey data (docs/respondent_format.md): ingest by the engine, scoring by the published
method on a file worked out by hand, suppression of every small cell (primary and secondary), the
reconciliation with the organisational results the generator derives from the same respondents, refused
files, and absence (nothing landed: empty tables, skipped gates)."""

from __future__ import annotations

import os

import duckdb
import pytest

from pipelines.sample_data import generate
from tests.helpers import build_respondent_marts, hand_rows


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The hand-worked 2023 file (CSV) plus a generated 6-trust 2024 sample (Parquet) with its derived workbook."""
    db = build_respondent_marts(tmp_path_factory.mktemp("respondents"), seed=11, rows=hand_rows())
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def _score(con, org, breakdown, group, measure):
    return con.execute("select score, base_n, is_suppressed, suppression_reason from "
                       "marts.fct_staff_survey_respondent_scores where org_code = ? and survey_year = 2023 and "
                       "breakdown = ? and breakdown_group = ? and measure_code = ?",
                       [org, breakdown, group, measure]).fetchone()


def _wres(con, org, indicator, eth):
    return con.execute("select pct, base_n, is_suppressed, suppression_reason from "
                       "marts.fct_staff_survey_respondent_wres where org_code = ? and survey_year = 2023 and "
                       "indicator_code = ? and ethnicity_group = ?",
                       [org, indicator, eth]).fetchone()


def test_ingest_keeps_lineage_and_row_numbers(built):
    rows = built.execute("select respondent_id, _row_number, _source_file from raw.staff_survey_respondents "
                         "where survey_year = 2023 order by _row_number").fetchall()
    assert len(rows) == 37 and rows[0] == ("r01", 2, "respondents/2023/hand.csv") and rows[-1][1] == 38
    parquet = built.execute("select min(_row_number), count(*), count(distinct _source_sha256) from "
                            "raw.staff_survey_respondents where survey_year = 2024").fetchone()
    assert parquet[0] == 1 and parquet[1] > 1000 and parquet[2] == 1


def test_sub_score_minimum_answered_and_element_by_hand(built):
    # E_1 = (10 x 7.5 + 0) / 11 respondents (r11 answered 2 of 3 items: no sub-score).
    assert _score(built, "RAA", "all", "all", "E_1") == (pytest.approx(75 / 11, abs=1e-6), 11, False, None)
    # ENGAGEMENT = mean of its sub-scores with 10 or more responses: E_2 and E_3 have none -> E_1 alone.
    assert _score(built, "RAA", "all", "all", "ENGAGEMENT") == (pytest.approx(75 / 11, abs=1e-6), 11, False, None)
    assert _score(built, "RAA", "all", "all", "E_2") == (None, None, True, "fewer_than_10")


def test_small_breakdown_cells_are_suppressed_with_secondary(built):
    # RAA directorates: B (r11, r12; one E_1) is below 10; A (10) is the only other cell, and the total minus A
    # would reveal B, so A is suppressed too.
    assert _score(built, "RAA", "directorate", "B", "E_1") == (None, None, True, "fewer_than_10")
    assert _score(built, "RAA", "directorate", "A", "E_1") == (None, None, True, "secondary")
    # RBB directorates Medicine (8) and Estates (2) are both below 10: no secondary needed, Surgery (15) shown.
    assert _score(built, "RBB", "directorate", "Medicine", "E_1") == (None, None, True, "fewer_than_10")
    assert _score(built, "RBB", "directorate", "Estates", "E_1") == (None, None, True, "fewer_than_10")
    assert _score(built, "RBB", "directorate", "Surgery", "E_1") == (7.5, 15, False, None)
    # Ethnicity groups of RBB: not_stated (2) below 10, so bme (11), the next smallest, goes too; white shown.
    assert _score(built, "RBB", "ethnicity_group", "not_stated", "E_1")[3] == "fewer_than_10"
    assert _score(built, "RBB", "ethnicity_group", "bme", "E_1")[3] == "secondary"
    assert _score(built, "RBB", "ethnicity_group", "white", "E_1") == (7.5, 12, False, None)
    # Every published cell, everywhere, rests on 10 or more responses; suppressed cells show nothing.
    for table, value in (("fct_staff_survey_respondent_scores", "score"), ("fct_staff_survey_respondent_wres", "pct")):
        bad = built.execute(f"select count(*) from marts.{table} where ({value} is not null and base_n < 10) or "
                            f"(is_suppressed and ({value} is not null or base_n is not null))").fetchone()[0]
        assert bad == 0, table
    small = built.execute("select count(*) from intermediate.int_respondents__scores where base_n < 10").fetchone()[0]
    assert small > 0  # the sample has small cells, so the checks above are not vacuous
    # No breakdown has exactly one suppressed cell with responses (subtraction would reveal it; a group nobody
    # in answered has nothing to reveal). tests/integration/test_disclosure.py plays the full attacker.
    lonely = built.execute("select count(*) from (select m.org_code, m.survey_year, m.breakdown, m.measure_code "
                           "from marts.fct_staff_survey_respondent_scores m join intermediate.int_respondents__scores "
                           "i using (org_code, survey_year, breakdown, breakdown_group, measure_code) "
                           "where m.breakdown <> 'all' group by all having count(*) > 1 and "
                           "sum(case when m.is_suppressed and i.base_n > 0 then 1 else 0 end) = 1)").fetchone()[0]
    assert lonely == 0


def test_wres_by_ethnicity_by_hand(built):
    assert _wres(built, "RBB", "wres_6", "white") == (25.0, 12, False, None)
    assert _wres(built, "RBB", "wres_6", "not_stated") == (None, None, True, "fewer_than_10")
    assert _wres(built, "RBB", "wres_6", "bme") == (None, None, True, "secondary")  # would reveal not_stated
    assert built.execute("select yes_n, base_n from intermediate.int_respondents__wres_cells where org_code = 'RBB' "
                         "and indicator_code = 'wres_6' and ethnicity_group = 'bme'").fetchone() == (4, 11)
    assert _wres(built, "RBB", "wres_8", "white") == (pytest.approx(100 / 12, abs=1e-4), 12, False, None)
    assert _wres(built, "RBB", "wres_8", "bme")[3] == "fewer_than_10"


def test_scores_reconcile_with_the_organisational_results_derived_from_the_same_respondents(built):
    """The warehouse (dbt SQL) and the generator (numpy) score the same respondents independently."""
    rows = built.execute("""
        select r.org_code, r.measure_code, r.score, p.score, r.base_n, p.base_n, r.is_suppressed, p.is_suppressed
        from marts.fct_staff_survey_respondent_scores as r
        join raw.staff_survey_scores as p
          on p.org_code = r.org_code and p.survey_year = r.survey_year and p.measure_code = r.measure_code
        where r.breakdown = 'all' and r.survey_year = 2024""").fetchall()
    published = built.execute("select count(*) from raw.staff_survey_scores where survey_year = 2024").fetchone()[0]
    assert len(rows) == published > 100
    for org, measure, ours, theirs, our_n, their_n, our_s, their_s in rows:
        assert our_s == their_s and our_n == their_n, (org, measure)
        assert ours is None or abs(ours - theirs) < 1e-6, (org, measure, ours, theirs)


def test_absent_source_publishes_empty_tables_and_skips_its_gates(published):
    """The shared sample refresh lands no respondent data: as before, plus empty respondent tables."""
    for table in ("fct_staff_survey_respondent_scores", "fct_staff_survey_respondent_wres"):
        assert published.execute(f"select count(*) from {table}").fetchone()[0] == 0
    gates = dict(published.execute("select item_name, status from publication_manifest where item_kind = 'check'")
                 .fetchall())
    assert gates["raw_staff_survey_respondent_profile"] == "skipped"
    assert gates["raw_staff_survey_respondent_sample"] == "skipped"
    assert gates["fct_staff_survey_respondent_scores"] in ("passed", "skipped")


def test_refreshes_gate_score_and_publish_respondents_through_dagster(isolated):
    """`wellled refresh` with respondent files landed runs their gates (not skipped) and publishes their scores;
    `wellled refresh --respondents` (respondent_refresh) then republishes a replaced respondent file alone: the
    other sources' published rows are untouched."""
    from pipelines import cli, publish

    landing = isolated / "landing"
    generate(landing, trusts=6, years=(2024,), seed=3, respondents="parquet")
    assert cli.main(["refresh"]) == 0
    first = publish.published_state()

    def published(sql: str) -> list[tuple]:
        with duckdb.connect(first.location, read_only=True) as con:
            return con.execute(sql).fetchall()

    gates = dict(published("select item_name, status from publication_manifest where item_kind = 'check'"))
    for suite in ("raw_staff_survey_respondent_profile", "raw_staff_survey_respondent_sample",
                  "fct_staff_survey_respondent_scores", "fct_staff_survey_respondent_wres"):
        assert gates[suite] == "passed", suite
    orgs = [o for (o,) in published("select distinct org_code from fct_staff_survey_respondent_scores order by 1")]
    assert len(orgs) >= 6
    others = "select (select count(*) from fct_staff_survey_scores), (select count(*) from fct_wres_indicators)"
    other_rows = published(others)

    # The contractor sends a corrected file without the first organisation's respondents.
    (file,) = (landing / "respondents" / "2024").glob("*.parquet")
    with duckdb.connect() as con:
        con.execute(f"copy (select * from '{file}' where org_code <> '{orgs[0]}') to '{file}.new' (format parquet)")
    os.replace(f"{file}.new", file)
    assert cli.main(["refresh", "--respondents"]) == 0
    second = publish.published_state()
    assert second.version != first.version
    assert [o for (o,) in published("select distinct org_code from fct_staff_survey_respondent_scores "
                                    "order by 1")] == orgs[1:]
    assert published(others) == other_rows
    gates = dict(published("select item_name, status from publication_manifest where item_kind = 'check'"))
    assert gates["raw_staff_survey_respondent_profile"] == gates["fct_staff_survey_respondent_scores"] == "passed"
