"""Respondent-level files without a build: refused files, the gates on engine aggregates, the generator."""

from __future__ import annotations

import json

import duckdb
import pytest

from pipelines.sample_data import generate
from pipelines.sources import respondents as src
from pipelines.sources.landing import SourceError, discover
from pipelines.warehouse import open_duckdb
from pipelines.warehouse.duckdb_respondents import load
from tests.helpers import RESPONDENT_HEADER, hand_rows, write_csv


def test_refused_files_name_the_file_and_rule(tmp_path):
    landing = tmp_path / "landing"
    bad = landing / "respondents" / "2023" / "bad.csv"
    write_csv(bad, RESPONDENT_HEADER + ["Q99z"], [row + [1] for row in hand_rows()[:2]])
    con = open_duckdb(tmp_path / "x.duckdb")
    with pytest.raises(SourceError, match=r"bad\.csv.*Q99z.*not 2023 question codes"):
        load(con, discover(landing, src.SOURCE))
    write_csv(bad, RESPONDENT_HEADER, [[*hand_rows()[0][:1], 2022, *hand_rows()[0][2:]]])
    with pytest.raises(SourceError, match=r"survey_year 2022 but is in the 2023 folder"):
        load(con, discover(landing, src.SOURCE))
    write_csv(bad, RESPONDENT_HEADER, [[*hand_rows()[0][:8], "often", *hand_rows()[0][9:]]])
    with pytest.raises(SourceError, match=r"bad\.csv, row 2: column q\w+ holds a value that is not a smallint"):
        load(con, discover(landing, src.SOURCE))
    (landing / "respondents" / "loose.parquet").write_bytes(b"")
    with pytest.raises(SourceError, match="is not in a period folder"):
        discover(landing, src.SOURCE)


def test_gates_check_engine_aggregates_and_a_sample(tmp_path):
    """The GX gates see a profile and a sample computed by DuckDB; a code outside its scale, a duplicate id or
    an unknown ethnicity group is a critical failure, and no protected value reaches the gate's output."""
    from pipelines import quality

    landing = tmp_path / "landing"
    write_csv(landing / "respondents" / "2023" / "hand.csv", RESPONDENT_HEADER, hand_rows())
    con = open_duckdb(tmp_path / "g.duckdb")
    load(con, discover(landing, src.SOURCE))
    profile = con.execute(src.profile_sql()).df()
    assert quality.validate("raw_staff_survey_respondent_profile", profile).status == "passed"
    con.execute("update raw.staff_survey_respondents set q2a = 9 where respondent_id = 'r01'")  # Q2a has 5 options
    con.execute("update raw.staff_survey_respondents set respondent_id = 'r01' where respondent_id = 'r02'")
    con.execute("update raw.staff_survey_respondents set ethnicity_group = 'zz-secret' where respondent_id = 'w01'")
    outcome = quality.validate("raw_staff_survey_respondent_profile", con.execute(src.profile_sql()).df())
    assert outcome.blocking
    failed = {f.column for f in outcome.failed if f.severity == "critical"}
    assert {"answers_out_of_scale", "bad_ethnicity_groups", "respondents, distinct_respondent_ids"} <= failed
    assert "zz-secret" not in json.dumps(outcome.to_metadata(), default=str)
    sample = con.execute("select org_code, survey_year, occupation_group, * exclude (org_code, survey_year, "
                         "occupation_group, respondent_id, directorate, ethnicity_group, gender, disability, "
                         "_source_sha256, _loaded_at) from raw.staff_survey_respondents").df()
    outcome = quality.validate("raw_staff_survey_respondent_sample", sample)
    assert outcome.status == "passed", outcome.summary()


def test_generator_is_deterministic_and_routes_questions(tmp_path):
    for name in ("a", "b"):
        generate(tmp_path / name, trusts=5, years=(2021,), seed=5, respondents="parquet")
    first, second = (tmp_path / n / "respondents" / "2021" / "NSS21_respondents.parquet" for n in ("a", "b"))
    assert first.read_bytes() == second.read_bytes()
    con = duckdb.connect()
    # 2021 numbering (Q26a "thinking about leaving" is Q22a); appraisal follow-ups only after a Yes to Q19a.
    names = {r[0] for r in con.execute(f"describe select * from '{first}'").fetchall()}
    assert "Q22a" in names and "Q26a" not in names
    assert con.execute(f"select count(*) from '{first}' where Q19b is not null and Q19a is distinct from 1"
                       ).fetchone()[0] == 0
    sizes = con.execute(f"select min(n), max(n) from (select org_code, count(*) n from '{first}' "
                        "where org_code like 'R%' group by 1)").fetchone()
    assert 200 <= sizes[0] and sizes[1] <= 12_000
