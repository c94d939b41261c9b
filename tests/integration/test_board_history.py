"""A small crafted trust, checked by hand: nine quarterly registers with a vacancy, a role change (the chief
operating officer becomes chief executive), interim cover made substantive (with the start restated on
confirmation) and an interim replaced. The landing files are parsed by the real ingest and the board dbt
models are built on them in a temporary DuckDB file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pytest

from pipelines import settings
from pipelines.sources import board, schemas
from pipelines.sources.ingest import load_source
from tests.helpers import build_file_name, run_dbt

pytestmark = pytest.mark.integration

ORG = "RXK"
QUARTERS = ["2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31", "2024-03-31", "2024-06-30", "2024-09-30",
            "2024-12-31", "2025-03-31"]
# member: (gender, ethnic category)
PEOPLE = {"C1": ("female", "A"), "A": ("male", "A"), "B": ("female", "H"), "I": ("male", "J"), "F": ("male", "A"),
          "J": ("female", "A"), "K": ("male", "B"), "N1": ("female", "M"), "N2": ("male", "A"), "N3": ("female", "A")}
POSTS = {  # post: (title, category, executive, voting)
    "P01": ("Chair", "chair", False, True),
    "P02": ("Chief Executive", "chief_executive", True, True),
    "P03": ("Chief Operating Officer", "executive_director", True, True),
    "P04": ("Chief Financial Officer", "executive_director", True, True),
    "P05": ("Non-Executive Director", "non_executive_director", False, True),
    "P06": ("Non-Executive Director", "non_executive_director", False, True),
}


def holder(post: str, q: int) -> tuple[str, bool, str, str] | None:
    """(member, interim, start, end) of a post in quarter q (0 = 2023-03-31), or None when vacant."""
    if post == "P01":
        return "C1", False, "2019-04-01", "2026-03-31"
    if post == "P02":
        return ("A", False, "2018-01-01", "") if q <= 1 else ("B", False, "2023-08-15", "")
    if post == "P03":
        if q <= 1:
            return "B", False, "2020-06-01", ""
        # interim cover from 2023-08-15; made substantive by 2024-03-31, when the trust restates the start
        return ("I", True, "2023-08-15", "2024-02-15") if q <= 3 else ("I", False, "2024-03-01", "")
    if post == "P04":
        if q <= 5:
            return "F", False, "2021-01-01", ""
        return ("J", True, "2024-08-01", "2025-02-01") if q <= 7 else ("K", False, "2025-03-01", "")
    if post == "P05":
        return "N1", False, "2022-01-01", "2025-12-31"
    if q == 0:
        return "N2", False, "2021-09-01", "2024-08-31"
    return None if q <= 2 else ("N3", False, "2023-11-01", "2026-10-31")


def write_landing(landing: Path, org: str = ORG) -> None:
    fields = [""] * 27
    fields[:4] = [ORG, "CRAFTED HOSPITALS NHS TRUST", "Y56", "QMJ"]
    fields[9], fields[10], fields[23] = "NW1 0PE", "19940401", "H"
    (landing / "ods").mkdir(parents=True)
    (landing / "ods" / "etr.csv").write_text(",".join(f'"{f}"' for f in fields) + "\r\n", encoding="utf-8")
    for q, day in enumerate(QUARTERS):
        lines = [",".join(board.HEADER)]
        for post, (title, category, executive, voting) in POSTS.items():
            flags = f"{str(executive).lower()},{str(voting).lower()}"
            held = holder(post, q)
            if held is None:
                lines.append(f"{org},{day},{org}-{post},,{title},{category},{flags},false,,,,")
                continue
            member, interim, start, end = held
            gender, ethnic = PEOPLE[member]
            lines.append(f"{org},{day},{org}-{post},M-{member},{title},{category},{flags},{str(interim).lower()},"
                         f"{gender},{ethnic},{start},{end}")
        folder = landing / "board" / day
        folder.mkdir(parents=True)
        (folder / f"BOARD_{org}_{day}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def build(tmp: Path, landing: Path, select: list[str]) -> tuple[Path, subprocess.CompletedProcess]:
    """Ingest the landing folder into raw.* of a fresh DuckDB file and run `dbt build` on the selection."""
    db = tmp / build_file_name()
    with duckdb.connect(str(db), config={"storage_compatibility_version": settings.DUCKDB_STORAGE_VERSION}) as con:
        con.execute("create schema raw")
        for table in schemas.RAW_TABLES:
            columns = ", ".join(f'"{c.name}" {c.type}' for c in schemas.columns(table))
            con.execute(f"create table raw.{table} ({columns})")
        for source in ("ods", "board"):
            for table, frame in load_source(source, landing).tables.items():
                con.register("frame", frame)
                con.execute(f"insert into raw.{table} select * from frame")
                con.unregister("frame")
    return db, run_dbt("build", "--indirect-selection", "cautious", "--select", *select, build_db=db, work=tmp)


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("board_history")
    write_landing(tmp / "landing")
    db, result = build(tmp, tmp / "landing", ["+fct_board_benchmarks", "+int_board__events",
                                               "+int_board__register_trusts"])
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(db), read_only=True) as con:
        yield con


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def composition(con, column: str) -> dict[str, object]:
    return {d.isoformat(): v for d, v in rows(con, f"select as_at_date, {column} from marts.fct_board_composition "
                                                   f"where org_code = '{ORG}' order by as_at_date")}


def test_events_follow_the_story(crafted):
    events = rows(crafted, "select cast(as_at_date as varchar), post_id, event_type, member_id "
                           "from intermediate.int_board__events order by 1, 2, 3")
    p = f"{ORG}-P"
    assert events == [
        ("2023-06-30", p + "06", "departure", "M-N2"),
        ("2023-06-30", p + "06", "vacancy_opened", None),
        ("2023-09-30", p + "02", "departure", "M-A"),
        ("2023-09-30", p + "02", "role_change", "M-B"),
        ("2023-09-30", p + "03", "interim_appointment", "M-I"),
        ("2023-12-31", p + "06", "appointment", "M-N3"),
        ("2023-12-31", p + "06", "vacancy_filled", None),
        ("2024-03-31", p + "03", "made_substantive", "M-I"),
        ("2024-09-30", p + "04", "departure", "M-F"),
        ("2024-09-30", p + "04", "interim_appointment", "M-J"),
        ("2025-03-31", p + "04", "appointment", "M-K"),
        ("2025-03-31", p + "04", "departure", "M-J"),
    ]


def test_interim_made_substantive_is_one_spell_from_the_interim_start(crafted):
    spells = rows(crafted, "select spell_number, member_id, cast(spell_start_date as varchar), started_as_interim, "
                           "cast(first_substantive_as_at_date as varchar), registers, is_current "
                           f"from intermediate.int_board__post_spells where post_id = '{ORG}-P03' order by 1")
    assert spells == [(1, "M-B", "2020-06-01", False, "2023-03-31", 2, False),
                      (2, "M-I", "2023-08-15", True, "2024-03-31", 7, True)]
    vacancy = rows(crafted, "select is_vacant, cast(first_as_at_date as varchar), cast(last_as_at_date as varchar) "
                            "from intermediate.int_board__post_spells "
                            f"where post_id = '{ORG}-P06' and spell_number = 2")
    assert vacancy == [(True, "2023-06-30", "2023-09-30")]


def test_tenure_and_turnover_by_hand(crafted):
    tenure = composition(crafted, "ceo_tenure_days")
    # A from 2018-01-01: 1915 days at 2023-03-31, 2006 at 2023-06-30; B in post from 2023-08-15 after the move
    assert tenure["2023-03-31"] == 1915 and tenure["2023-06-30"] == 2006
    assert tenure["2023-09-30"] == 46 and tenure["2025-03-31"] == 594
    assert composition(crafted, "chair_tenure_days")["2025-03-31"] == 2191  # from 2019-04-01
    changes = composition(crafted, "ceo_changes_3y")
    assert changes["2023-03-31"] is None and changes["2023-06-30"] == 0
    assert all(changes[d] == 1 for d in QUARTERS[2:])
    appointed = composition(crafted, "exec_appointed_12m_pct")
    # executives: chief executive, operating and financial officers
    assert appointed["2023-03-31"] == 0
    assert appointed["2023-09-30"] == pytest.approx(200 / 3)  # B (moved in) and I (interim), both 2023-08-15
    assert appointed["2024-03-31"] == pytest.approx(200 / 3)
    # 2024-09-30: I counts from the interim start 2023-08-15, not the restated 2024-03-01: only J is new
    assert appointed["2024-09-30"] == pytest.approx(100 / 3)
    assert appointed["2025-03-31"] == pytest.approx(100 / 3)  # K


def test_vacancies_interims_and_sizes_by_hand(crafted):
    assert composition(crafted, "vacant_posts") == dict(zip(QUARTERS, [0, 1, 1, 0, 0, 0, 0, 0, 0], strict=True))
    assert composition(crafted, "interim_posts") == dict(zip(QUARTERS, [0, 0, 1, 1, 0, 0, 1, 1, 0], strict=True))
    assert composition(crafted, "board_size") == dict(zip(QUARTERS, [6, 5, 5, 6, 6, 6, 6, 6, 6], strict=True))
    assert set(composition(crafted, "executive_members").values()) == {3}


def test_percentages_and_small_number_suppression_by_hand(crafted):
    """A board of 5 or 6 members never holds 5 women and 5 others (nor 5 BME and 5 White members): by the
    disclosure rule every gender and ethnicity share is withheld, and flagged (3 women of 6 would be 50%)."""
    for measure in ("women_pct_voting", "women_pct", "bme_pct_voting", "bme_pct_executive", "bme_pct_non_executive"):
        assert set(composition(crafted, measure).values()) == {None}, measure
    assert set(composition(crafted, "is_gender_suppressed").values()) == {True}
    assert set(composition(crafted, "is_ethnicity_suppressed").values()) == {True}
    assert set(composition(crafted, "wres9_gap_pp").values()) == {None}


def test_benchmarks_give_england_and_withhold_a_single_trust(crafted):
    national = {m: (v, s) for m, v, s in rows(
        crafted, "select measure_code, value, is_suppressed from marts.fct_board_benchmarks "
                 "where geography_level = 'national' and as_at_date = date '2025-03-31'")}
    # One trust: every figure would be that trust's own, under the minimum of three organisations.
    assert national["board_ceo_tenure_days"] == (None, True)
    assert national["board_women_pct"] == (None, True)
    assert national["board_vacant_posts_pct"] == (None, True)
    levels = {r[0] for r in rows(crafted, "select distinct geography_level || ':' || geography_code "
                                          "from marts.fct_board_benchmarks")}
    assert levels == {"national:ENG", "region:Y56"}


def test_an_unknown_trust_fails_the_gate_naming_file_and_row(tmp_path):
    write_landing(tmp_path / "landing", org="RZZ")  # registers of a trust the ODS file does not hold
    db, result = build(tmp_path, tmp_path / "landing", ["+int_board__register_trusts"])
    assert result.returncode != 0
    assert "board_register_org_code_is_an_ods_trust" in result.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        failing = con.execute("select _source_file, _row_number, org_code from "
                              "dbt_test__audit.board_register_org_code_is_an_ods_trust order by 1, 2").fetchall()
    assert failing[0] == ("board/2023-03-31/BOARD_RZZ_2023-03-31.csv", 2, "RZZ")
    assert len(failing) == len(QUARTERS) * len(POSTS)

