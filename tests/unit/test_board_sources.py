"""Board register parser: every per-file rule refuses a bad register naming the file, the row and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.sources import board
from pipelines.sources.landing import SourceError, discover

AS_AT = "2024-03-31"
HEADER = ",".join(board.HEADER)
# post, member, title, category, executive, voting, interim, gender, ethnic, start, end
GOOD = [tuple(line.split(",")) for line in (
    "RXK-P01,M00000001,Chair,chair,false,true,false,female,A,2020-04-01,2026-03-31",
    "RXK-P02,M00000002,Chief Executive,chief_executive,true,true,false,male,H,2019-01-01,",
    "RXK-P03,M00000003,Chief Nurse,executive_director,true,true,true,female,A,2024-01-02,2024-07-01",
    "RXK-P04,M00000004,Chief People Officer,executive_director,true,false,false,female,N,2022-05-01,",
    "RXK-P05,M00000005,Director of Strategy,other_director,true,false,false,male,Z,2021-01-01,",
    "RXK-P06,M00000006,Non-Executive Director,non_executive_director,false,true,false,male,99,2023-01-01,2026-01-01",
    "RXK-P07,,Non-Executive Director,non_executive_director,false,true,false,,,,",
    "RXK-P08,M00000008,Associate Non-Executive Director,associate_non_executive_director,false,false,false,"
    "not_stated,,2023-06-01,",
)]


def land(tmp_path: Path, rows: list[tuple]) -> list[tuple]:
    folder = tmp_path / "board" / AS_AT
    folder.mkdir(parents=True, exist_ok=True)
    lines = [HEADER] + [",".join(("RXK", AS_AT) + row) for row in rows]
    (folder / f"BOARD_RXK_{AS_AT}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (file,) = discover(tmp_path, "board")
    return board.parse(file, {})


def refused(tmp_path: Path, rows: list[tuple]) -> SourceError:
    with pytest.raises(SourceError) as caught:
        land(tmp_path, rows)
    error = caught.value
    assert error.file == f"board/{AS_AT}/BOARD_RXK_{AS_AT}.csv"
    return error


def changed(index: int, **values) -> list[tuple]:
    names = ("post", "member", "title", "category", "executive", "voting", "interim", "gender", "ethnic", "start",
             "end")
    rows = [list(r) for r in GOOD]
    for name, value in values.items():
        rows[index][names.index(name)] = value
    return [tuple(r) for r in rows]


def test_a_valid_register_parses_every_row_with_its_row_number(tmp_path):
    rows = land(tmp_path, GOOD)
    assert len(rows) == len(GOOD)
    assert [r[-1] for r in rows] == list(range(2, 2 + len(GOOD)))
    vacant = rows[6]
    assert vacant[3] is None and vacant[9] is None and vacant[10] is None


@pytest.mark.parametrize(("index", "values", "row", "words"), [
    (2, {"category": "chief_nurse"}, 4, "role_category 'chief_nurse' is not one of"),
    (0, {"executive": "true"}, 2, "role chair cannot be is_executive true, is_voting true"),
    (1, {"voting": "false"}, 3, "role chief_executive cannot be is_executive true, is_voting false"),
    (4, {"voting": "true"}, 6, "role other_director cannot be is_executive true, is_voting true"),
    (7, {"voting": "true"}, 9, "role associate_non_executive_director cannot be is_executive false, is_voting true"),
    (5, {"executive": "true"}, 7, "role non_executive_director cannot be is_executive true"),
    (3, {"executive": "false"}, 5, "role executive_director cannot be is_executive false"),
])
def test_role_and_flags_must_fit(tmp_path, index, values, row, words):
    error = refused(tmp_path, changed(index, **values))
    assert error.row == row and words in error.problem


def test_start_after_the_as_at_date_is_refused(tmp_path):
    error = refused(tmp_path, changed(2, start="2024-04-01"))
    assert error.row == 4 and "after the register's as-at date 2024-03-31" in error.problem


@pytest.mark.parametrize("end", ["2024-03-31", "2023-12-31"])
def test_end_on_or_before_the_as_at_date_is_refused(tmp_path, end):
    error = refused(tmp_path, changed(0, end=end))
    assert error.row == 2 and f"end_date {end}" in error.problem and "on or before the as-at date" in error.problem


def test_two_chairs_in_post_are_refused(tmp_path):
    rows = GOOD + [("RXK-P09", "M00000009", "Joint Chair", "chair", "false", "true", "false", "male", "B",
                    "2023-01-01", "")]
    error = refused(tmp_path, rows)
    assert error.row == 10 and "a second chair is in post" in error.problem and "row 2" in error.problem


def test_two_chief_executives_in_post_are_refused_but_a_vacant_second_post_is_not(tmp_path):
    second = ("RXK-P09", "M00000009", "Joint Chief Executive", "chief_executive", "true", "true", "false", "male",
              "B", "2023-01-01", "")
    error = refused(tmp_path, GOOD + [second])
    assert error.row == 10 and "a second chief_executive is in post" in error.problem
    vacant = ("RXK-P09", "", "Joint Chief Executive", "chief_executive", "true", "true", "false", "", "", "", "")
    assert len(land(tmp_path, GOOD + [vacant])) == len(GOOD) + 1


def test_a_member_in_two_voting_posts_is_refused(tmp_path):
    rows = changed(5, member="M00000003")  # the interim chief nurse also listed as a voting non-executive
    error = refused(tmp_path, rows)
    assert error.row == 7 and "member M00000003 holds two voting posts at once (rows 4 and 7)" in error.problem


def test_a_member_may_hold_a_voting_and_a_non_voting_post(tmp_path):
    rows = changed(4, member="M00000002", ethnic="H")  # the chief executive also a non-voting director
    assert len(land(tmp_path, rows)) == len(GOOD)


def test_one_member_with_two_sets_of_characteristics_is_refused_naming_rows_not_values(tmp_path):
    """One person, one gender and one ethnic category per register: a conflict is not settled by picking one."""
    error = refused(tmp_path, changed(4, member="M00000002", gender="female", ethnic="H"))
    assert error.row == 6 and "member M00000002 holds posts on rows 3 and 6" in error.problem
    assert "female" not in str(error) and "male" not in str(error).replace("female", "")


def test_a_vacant_post_with_characteristics_is_refused_without_quoting_them(tmp_path):
    error = refused(tmp_path, changed(6, gender="female", ethnic="R"))
    assert error.row == 8 and "is vacant" in error.problem
    assert "female" not in str(error) and "'R'" not in str(error)


def test_a_post_listed_twice_is_refused(tmp_path):
    rows = GOOD + [("RXK-P07", "", "Non-Executive Director", "non_executive_director", "false", "true", "false",
                    "", "", "", "")]
    error = refused(tmp_path, rows)
    assert error.row == 10 and "post RXK-P07 is listed twice (rows 8 and 10)" in error.problem


def test_errors_never_quote_protected_values(tmp_path):
    """Every refusal above names posts, members and dates, never a gender or ethnic category."""
    for index, values in ((1, {"voting": "false"}), (2, {"start": "2025-01-01"}), (0, {"end": "2020-01-01"})):
        error = refused(tmp_path, changed(index, **values))
        assert "male" not in str(error) and " H" not in str(error)
