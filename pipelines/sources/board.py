"""Board register CSVs -> raw.board_registers (docs/sources.md: the project's own contract).

Rules one register can break on its own are checked here, each refusal naming the file, the row and the
rule: the role, executive and voting flags fit together; at most one chair and one chief executive are in
post; a member in post started on or before the as-at date and any planned end falls after it; a vacant
post names no member, dates or characteristics; one member holds at most one voting post; a post is listed
once. Rules that need another source ("a known trust" needs ODS) are dbt tests on the staging view.
Messages never quote a member's gender or ethnic category (special-category data).
"""

from __future__ import annotations

import datetime as dt

from ..safe_text import shown
from .csv_files import blank_to_none, parse_bool, parse_date, records
from .landing import LandedFile, SourceError, refuse_duplicate_keys

HEADER = ["org_code", "as_at_date", "post_id", "member_id", "role_title", "role_category", "is_executive",
          "is_voting", "is_interim", "gender", "ethnic_category", "start_date", "end_date"]

# role_category -> the (is_executive, is_voting) pairs it may take (docs/sources.md, Board registers).
ROLE_FLAGS: dict[str, frozenset[tuple[bool, bool]]] = {
    "chair": frozenset({(False, True)}),
    "chief_executive": frozenset({(True, True)}),
    "executive_director": frozenset({(True, True), (True, False)}),
    "non_executive_director": frozenset({(False, True)}),
    "associate_non_executive_director": frozenset({(False, False)}),
    "other_director": frozenset({(True, False)}),
}
SINGLE_HOLDER_ROLES = ("chair", "chief_executive")
# NHS trust boards have 10 to 25 posts (voting, non-voting and associate); no real register comes near this.
MAX_POSTS = 60
_FIX = "Correct the register (see docs/sources.md, Board registers) and land it again."


def _flags(executive: bool, voting: bool) -> str:
    return f"is_executive {str(executive).lower()}, is_voting {str(voting).lower()}"


def check_row(file: LandedFile, number: int, row: tuple, as_at: dt.date) -> None:
    """The rules a single register row must meet on its own."""
    post, member, category, executive, voting = row[2], row[3], row[5], row[6], row[7]
    gender, ethnic, start, end = row[9], row[10], row[11], row[12]
    if not post:
        raise SourceError(file.relpath, "post_id is blank: every post needs a stable identifier.", row=number,
                          hint=_FIX)
    if category not in ROLE_FLAGS:
        raise SourceError(file.relpath, f"role_category '{shown(category)}' is not one of {', '.join(ROLE_FLAGS)}.",
                          row=number, hint=_FIX)
    if (executive, voting) not in ROLE_FLAGS[category]:
        allowed = " or ".join(_flags(*pair) for pair in sorted(ROLE_FLAGS[category]))
        raise SourceError(file.relpath, f"role {category} cannot be {_flags(executive, voting)}; the rule is "
                                        f"{allowed}.", row=number, hint=_FIX)
    if member is None:
        if gender is not None or ethnic is not None or start is not None or end is not None:
            raise SourceError(file.relpath, f"post {shown(post)} is vacant (blank member_id) but gives a gender, "
                                            "ethnic category or dates: a vacant post records none.", row=number,
                              hint=_FIX)
        return
    if start is not None and start > as_at:
        raise SourceError(file.relpath, f"member {shown(member)} starts in post {shown(post)} on {start}, after the "
                                        f"register's as-at date {as_at}: a register lists people in post on its date.",
                          row=number, hint=_FIX)
    if end is not None and end <= as_at:
        raise SourceError(file.relpath, f"member {shown(member)} has end_date {end} in post {shown(post)}, on or "
                                        f"before the as-at date {as_at}: end_date is blank or a planned end after it "
                                        "(people who have left are not listed).", row=number, hint=_FIX)


def check_register(file: LandedFile, numbered: list[tuple[int, tuple]]) -> None:
    """The rules a whole register must meet: one chair and one chief executive, one voting post each, one set
    of protected characteristics per member (the message names the rows, never the values)."""
    posts: dict[str, int] = {}
    holders: dict[str, int] = {}
    voting_posts: dict[str, int] = {}
    characteristics: dict[str, tuple[int, tuple]] = {}
    for number, row in numbered:
        post, member, category, voting = row[2], row[3], row[5], row[7]
        if post in posts:
            raise SourceError(file.relpath, f"post {shown(post)} is listed twice (rows {posts[post]} and {number}).",
                              row=number, hint="List each post once, with its current holder or as vacant.")
        posts[post] = number
        if member is None:
            continue
        if category in SINGLE_HOLDER_ROLES:
            if category in holders:
                raise SourceError(file.relpath, f"a second {category} is in post at {row[1]} (the first is on row "
                                                f"{holders[category]}): a board has at most one.", row=number,
                                  hint=_FIX)
            holders[category] = number
        if voting:
            if member in voting_posts:
                raise SourceError(file.relpath, f"member {shown(member)} holds two voting posts at once (rows "
                                                f"{voting_posts[member]} and {number}): a member has one vote.",
                                  row=number, hint=_FIX)
            voting_posts[member] = number
        first = characteristics.setdefault(member, (number, (row[9], row[10])))
        if first[1] != (row[9], row[10]):
            raise SourceError(file.relpath, f"member {shown(member)} holds posts on rows {first[0]} and {number} with "
                                            "a different gender or ethnic category on each: one person has one of "
                                            "each in a register.", row=number,
                              hint="Give the member the same gender and ethnic category on every row.")


def parse(file: LandedFile, keyed: dict[tuple, str]) -> list[tuple]:
    out = []
    numbered: list[tuple[int, tuple]] = []
    for number, f in records(file, HEADER):
        if len(out) == MAX_POSTS:
            raise SourceError(file.relpath, f"lists more than {MAX_POSTS} posts: no NHS trust board is that large.",
                              row=number, hint="Check the file is one trust's register as at one date.")
        org = f[0].strip()
        as_at = parse_date(file, number, "as_at_date", f[1])
        if as_at is None or as_at.isoformat() != file.period:
            raise SourceError(file.relpath, f"as_at_date {shown(f[1].strip()) or '(blank)'} disagrees with its folder "
                                            f"board/{file.period}/.", row=number,
                              hint="Move the file to the folder of its as-at date or correct the date.")
        refuse_duplicate_keys(keyed, ("board", as_at, org), file.relpath, f"the {as_at} register of {shown(org)}")
        row = (org, as_at, f[2].strip(), blank_to_none(f[3]), f[4].strip(), f[5].strip().lower(),
               parse_bool(file, number, "is_executive", f[6]), parse_bool(file, number, "is_voting", f[7]),
               parse_bool(file, number, "is_interim", f[8]), blank_to_none(f[9]), blank_to_none(f[10]),
               parse_date(file, number, "start_date", f[11]), parse_date(file, number, "end_date", f[12]),
               number)
        check_row(file, number, row, as_at)
        numbered.append((number, row))
        out.append(row)
    check_register(file, numbered)
    return out
