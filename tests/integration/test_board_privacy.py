"""Privacy gate on a real publication: no published table holds member-level rows or member attributes.

Board registers carry a pseudonym, the post and each member's gender and ethnic category; the publication
may hold aggregates only (docs/architecture.md, Privacy). Checked on the sample refresh's published file against the
raw registers of its build warehouse, so any table any issue adds is covered.
"""

from __future__ import annotations

import duckdb
import pytest

pytestmark = pytest.mark.integration

# Columns that would make a table member-level or carry a member's attributes or lineage back to a register row.
FORBIDDEN_COLUMNS = {"member_id", "gender", "ethnic_category", "ethnic_group", "ethnicity", "post_id", "role_title",
                     "_source_file", "_row_number", "start_date", "end_date"}


@pytest.fixture
def registers(sample_refresh):
    root, status = sample_refresh
    assert status == 0, "the sample refresh did not publish"
    with duckdb.connect(str(root / "warehouse" / "build" / "wellled.duckdb"), read_only=True) as con:
        yield con.execute("select org_code, as_at_date, post_id, member_id from raw.board_registers").fetchall()


def published_columns(published) -> list[tuple[str, str, str]]:
    return published.execute("select table_name, column_name, data_type from duckdb_columns() "
                             "where not internal and database_name <> 'temp' "
                             "order by table_name, column_index").fetchall()


def test_registers_were_published_from(registers):
    assert len(registers) > 100 and any(member for *_, member in registers)


def test_no_published_table_has_a_member_column(published):
    offending = [(t, c) for t, c, _ in published_columns(published) if c.lower() in FORBIDDEN_COLUMNS]
    assert not offending


def test_no_published_column_counts_register_members_by_ethnicity_or_gender(published):
    """Register counts by group bypass the board tables' suppression: a count of two on a board identifies."""
    groups = ("white", "bme", "unknown", "women", "men")
    offending = [(t, c) for t, c, _ in published_columns(published)
                 if "register" in c.lower() and any(g in c.lower() for g in groups)]
    assert not offending


def test_no_published_value_is_a_member_or_post_identifier(published, registers):
    """No text value of any published table is a member pseudonym or a post id of any register."""
    identifiers = {member for *_, member in registers if member} | {post for _, _, post, _ in registers}
    published.execute("create temp table identifiers (value varchar)")
    published.executemany("insert into identifiers values (?)", [(i,) for i in sorted(identifiers)])
    leaks = []
    for table, column, data_type in published_columns(published):
        if data_type != "VARCHAR":
            continue
        hits = published.execute(f'select count(*) from "{table}" where "{column}" in (select value from identifiers)')
        if hits.fetchone()[0]:
            leaks.append((table, column))
    assert not leaks


def test_board_tables_have_one_row_per_register_or_geography(published, registers):
    """fct_board_composition is one row per trust register, never one per member or post."""
    expected = {(org, as_at) for org, as_at, _, _ in registers}
    got = published.execute("select org_code, as_at_date from fct_board_composition").fetchall()
    assert len(got) == len(set(got)) == len(expected) and set(got) == expected
    assert len(registers) > len(expected)  # a member-level table would have as many rows as register rows
    columns = {c for t, c, _ in published_columns(published) if t == "fct_board_benchmarks"}
    assert columns and "org_code" not in columns


def test_national_women_pct_and_ceo_tenure_are_published(published):
    rows = published.execute(
        "select measure_code, value, trusts_count from fct_board_benchmarks where geography_level = 'national' "
        "and measure_code in ('board_women_pct', 'board_ceo_tenure_days') and value is not null").fetchall()
    assert {m for m, _, _ in rows} == {"board_women_pct", "board_ceo_tenure_days"}
    for measure, value, trusts in rows:
        assert trusts >= 3
        assert (0 < value < 100) if measure == "board_women_pct" else value > 0
