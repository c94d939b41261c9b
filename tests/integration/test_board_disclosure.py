"""The board disclosure rule, played by an attacker (docs/board_disclosure.md).

For every published board figure by gender or ethnicity (fct_board_composition, fct_board_benchmarks and the
board indicators of fct_well_led_indicators), the test works out from the raw registers which members the
figure describes, and then every group a reader can derive by subtracting one published figure from another
that contains it (a region minus its published trusts, all members minus voting members, England minus the
regions, and so on, repeated). Each such group and its complement must hold at least 5 people, unless the
group is empty or a reader already knows its split from WRES indicator 9 (the precedent: published for every
trust; the published cross-check says where the register agrees with it). WRES 9 itself must be published at
the return's grain and nothing finer.

Members are placed in four classes per register (voting or not, executive or not); a published figure is a
set of (trust, date, class) cells. The counts are recomputed here from raw.board_registers, independently of
the dbt models, and every published value is checked against them, so the test cannot pass on figures that
describe something else.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import duckdb
import numpy as np
import pytest

pytestmark = pytest.mark.integration

MIN_GROUP = 5
WHITE, BME = set("ABC"), set("DEFGHJKLMNPRS")
CLASSES = ("voting_executive", "voting_non_executive", "non_voting_executive", "non_voting_non_executive")
# measure -> (family, classes of members it describes)
MEASURES = {
    "women_pct": ("gender", CLASSES),
    "women_pct_voting": ("gender", CLASSES[:2]),
    "bme_pct_voting": ("ethnicity", CLASSES[:2]),
    "bme_pct_executive": ("ethnicity", (CLASSES[0], CLASSES[2])),
    "bme_pct_non_executive": ("ethnicity", (CLASSES[1], CLASSES[3])),
}
WRES9_GROUPS = {"voting": CLASSES[:2], "executive": (CLASSES[0], CLASSES[2]),
                "non_executive": (CLASSES[1], CLASSES[3])}

Cell = tuple[str, dt.date, str]


def member_cells(build: duckdb.DuckDBPyConnection) -> dict[Cell, dict[str, int]]:
    """Per cell: women, members of known gender, BME, members of known ethnicity (a person counts once)."""
    members: dict[tuple, dict] = {}
    rows = build.execute("select org_code, as_at_date, member_id, is_voting, is_executive, gender, ethnic_category "
                         "from raw.board_registers where member_id is not null").fetchall()
    for org, as_at, member, voting, executive, gender, ethnic in rows:
        m = members.setdefault((org, as_at, member), {"voting": False, "executive": False, "gender": gender,
                                                      "ethnic": ethnic})
        m["voting"] |= voting
        m["executive"] |= executive
    cells: dict[Cell, dict[str, int]] = defaultdict(lambda: {"women": 0, "gender_known": 0, "bme": 0,
                                                             "ethnicity_known": 0})
    for (org, as_at, _), m in members.items():
        kind = ("voting" if m["voting"] else "non_voting") + ("_executive" if m["executive"] else "_non_executive")
        cell = cells[(org, as_at, kind)]
        if m["gender"] in ("female", "male", "other"):
            cell["gender_known"] += 1
            cell["women"] += m["gender"] == "female"
        group = (m["ethnic"] or "").strip()
        if group in WHITE or group in BME:
            cell["ethnicity_known"] += 1
            cell["bme"] += group in BME
    return cells


def split(cells: dict[Cell, dict[str, int]], family: str, chosen: Iterable[Cell]) -> tuple[int, int]:
    """(group, population) of a set of cells: women of known gender, or BME of known ethnicity."""
    group, population = ("women", "gender_known") if family == "gender" else ("bme", "ethnicity_known")
    chosen = list(chosen)
    return sum(cells[c][group] for c in chosen if c in cells), sum(cells[c][population] for c in chosen if c in cells)


def pct(group: int, population: int) -> float | None:
    return 100 * group / population if population else None


def published_sets(published: duckdb.DuckDBPyConnection, cells) -> dict[tuple[str, dt.date], set[frozenset]]:
    """Every published figure as a set of cells (those holding members), by (family, date), after checking its
    value."""
    facts: dict[tuple[str, dt.date], set[frozenset]] = defaultdict(set)

    def add(family: str, as_at: dt.date, chosen: frozenset, value: float, where: str) -> None:
        group, population = split(cells, family, chosen)
        assert population and value == pytest.approx(pct(group, population)), f"{where}: {value} describes " \
                                                                               f"something else"
        facts[(family, as_at)].add(chosen)

    compositions = published.execute(f"select org_code, as_at_date, {', '.join(MEASURES)} "
                                     "from fct_board_composition").fetchall()
    for org, as_at, *values in compositions:
        for (measure, (family, classes)), value in zip(MEASURES.items(), values, strict=True):
            if value is not None:
                chosen = frozenset((org, as_at, c) for c in classes if (org, as_at, c) in cells)
                add(family, as_at, chosen, value, f"{org} {as_at} {measure}")

    organisations = published.execute("select org_code, nation, region_code, benchmarking_group_code "
                                      "from dim_organisation").fetchall()
    members_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for org, nation, region, group in organisations:
        if nation == "England":
            members_of[("national", "ENG")].add(org)
        if region:
            members_of[("region", region)].add(org)
        if group:
            members_of[("benchmark_group", group)].add(org)
    benchmarks = published.execute("select geography_level, geography_code, as_at_date, measure_code, value "
                                   "from fct_board_benchmarks where value is not null").fetchall()
    for level, code, as_at, measure, value in benchmarks:
        measure = measure.removeprefix("board_")
        if measure in MEASURES:
            family, classes = MEASURES[measure]
            chosen = frozenset((org, as_at, c) for org in members_of[(level, code)] for c in classes
                               if (org, as_at, c) in cells)
            add(family, as_at, chosen, value, f"{level} {code} {as_at} {measure}")
    return facts


def wres9_public_sets(published: duckdb.DuckDBPyConnection, cells) -> dict[tuple[str, dt.date], set[frozenset]]:
    """The register groups whose ethnicity split a reader knows from WRES indicator 9: where the published
    cross-check says the register as at 31 March holds the counts of the trust's (published) return."""
    public: dict[tuple[str, dt.date], set[frozenset]] = defaultdict(set)
    for org, year, board_group in published.execute(
            "select org_code, reporting_year, board_group from fct_wres_board_cross_check "
            "where is_consistent_with_register").fetchall():
        as_at = dt.date(year, 3, 31)
        public[("ethnicity", as_at)].add(frozenset((org, as_at, c) for c in WRES9_GROUPS[board_group]
                                                   if (org, as_at, c) in cells))
    return public


def derivable(sets: set[frozenset], rounds: int = 6) -> set[frozenset]:
    """The sets and every difference of one from another containing it, repeated."""
    known = {s for s in sets if s}
    for _ in range(rounds):
        new = {a - b for a in known for b in known if b < a} - known
        if not new:
            break
        known |= new
    return known


def publicly_known(public: set[frozenset]):
    """Whether a set of cells has a split a reader knows from the public sets alone: its indicator vector is a
    combination of theirs (sums and differences of WRES 9 figures)."""
    cells = sorted({c for s in public for c in s})
    index = {c: i for i, c in enumerate(cells)}
    basis = np.array([[1.0 if c in s else 0.0 for c in cells] for s in public]) if public else np.zeros((0, 0))
    rank = np.linalg.matrix_rank(basis) if public else 0

    def known(chosen: frozenset) -> bool:
        if not public or any(c not in index for c in chosen):
            return False
        vector = np.zeros(len(cells))
        vector[[index[c] for c in chosen]] = 1.0
        return np.linalg.matrix_rank(np.vstack([basis, vector])) == rank

    return known


def leaks(published: duckdb.DuckDBPyConnection, build: duckdb.DuckDBPyConnection) -> list[str]:
    cells = member_cells(build)
    facts, public = published_sets(published, cells), wres9_public_sets(published, cells)
    found = []
    for key, sets in facts.items():
        family, as_at = key
        known = publicly_known(public.get(key, set()))
        for chosen in derivable(sets | public.get(key, set())):
            group, population = split(cells, family, chosen)
            if population and (group < MIN_GROUP or population - group < MIN_GROUP) and not known(chosen):
                trusts = sorted({org for org, _, _ in chosen})
                found.append(f"{family} {as_at}: {group} of {population} among {len(chosen)} cells of {trusts}")
    return sorted(found)


@pytest.fixture
def connections(sample_refresh):
    root, status = sample_refresh
    assert status == 0, "the sample refresh did not publish"
    with duckdb.connect(str(root / "warehouse" / "published" / "wellled.duckdb"), read_only=True) as published, \
            duckdb.connect(str(root / "warehouse" / "build" / "wellled.duckdb"), read_only=True) as build:
        yield published, build


def test_no_published_board_figure_implies_a_group_the_rule_forbids(connections):
    published, build = connections
    assert published.execute("select count(*) from fct_board_composition where women_pct is not null "
                             "or women_pct_voting is not null").fetchone()[0] > 0, "nothing to check"
    assert leaks(published, build) == []


def test_board_indicators_of_the_scorecard_repeat_published_figures_only(connections):
    published, _ = connections
    extra = published.execute("""
        select w.org_code, w.indicator_code, w.source_as_at_date from fct_well_led_indicators w
        left join fct_board_composition c on c.org_code = w.org_code and c.as_at_date = w.source_as_at_date
        where w.indicator_code in ('board_women_pct', 'board_women_pct_voting', 'board_bme_pct_voting',
                                   'board_bme_pct_executive', 'board_bme_pct_non_executive')
          and w.value is not null and not w.is_merger_history
          and w.value is distinct from case w.indicator_code
              when 'board_women_pct' then c.women_pct when 'board_women_pct_voting' then c.women_pct_voting
              when 'board_bme_pct_voting' then c.bme_pct_voting when 'board_bme_pct_executive' then c.bme_pct_executive
              else c.bme_pct_non_executive end
    """).fetchall()
    assert extra == []


def test_wres_indicator_9_is_published_at_the_returns_grain_and_no_finer(connections):
    published, build = connections
    returned = {(org, year, group): (white, bme) for org, year, group, white, bme in build.execute("""
        select org_code, reporting_year, board_group, sum(case when ethnicity = 'white' then count else 0 end),
               sum(case when ethnicity = 'bme' then count else 0 end)
        from (select *, unnest(['voting', 'executive', 'non_executive']) as board_group from raw.wres_returns
              where indicator = 9) where board_group in (staff_group, band) group by all""").fetchall()}
    rows = published.execute("select org_code, reporting_year, indicator_code, white_numerator, bme_numerator "
                             "from fct_wres_indicators where indicator_number = 9").fetchall()
    assert rows
    for org, year, code, white, bme in rows:
        assert code.removeprefix("wres_9_") in WRES9_GROUPS
        assert (white, bme) == returned[(org, year, code.removeprefix("wres_9_"))], (org, year, code)
