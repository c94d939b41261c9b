"""The trust profile site, `wellled trust` and its workbook, on the shared sample refresh's publication.

The refresh itself builds the site (the profile asset runs after the publication in national_refresh); these
tests read what it wrote, and rebuild it where a test needs a second version.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest

from pipelines import cli, settings
from pipelines.profiles import swap
from pipelines.profiles.published import load_duckdb
from pipelines.warehouse import duckdb_engine


@pytest.fixture
def published_dir(sample_refresh) -> Path:
    root, status = sample_refresh
    assert status == 0, "the sample refresh did not publish"
    return root / "warehouse" / "published"


def test_refresh_builds_the_site_of_the_current_publication(published_dir):
    link = published_dir / "profiles"
    version = duckdb_engine.current_version(published_dir)
    assert link.is_symlink() and os.readlink(link) == f"versions/profiles_{version}"
    publication = load_duckdb(published_dir / "wellled.duckdb")
    codes = publication.table("dim_organisation")["org_code"].tolist()
    pages = sorted(p.stem for p in (link / "trusts").glob("*.html"))
    assert pages == sorted(codes), "one page per organisation"
    index = (link / "index.html").read_text()
    for code in codes:
        assert f'href="trusts/{code}.html"' in index
    page = (link / "trusts" / f"{codes[0]}.html").read_text()
    assert f"publication <strong>{version}</strong>" in page and publication.run_id in page
    assert not list((published_dir / "versions").glob(".profiles_*")), "no partial build left behind"


def test_pages_load_nothing_from_outside_the_site(published_dir):
    site = published_dir / "profiles"
    for page in [site / "index.html", *sorted((site / "trusts").glob("*.html"))[:3]]:
        html = page.read_text()
        assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html.replace(
            "https://vega.github.io/schema", ""), page
        for ref in ("assets/vega-bundle.js", "assets/profile.js", "assets/profile.css"):
            assert ref in html
            target = (page.parent / html.split(ref)[0].rsplit('"', 1)[-1] / ref).resolve()
            assert target.exists(), target


def test_trust_page_downloads_hold_the_published_rows(published_dir):
    site = published_dir / "profiles"
    publication = load_duckdb(published_dir / "wellled.duckdb")
    code = _trust_with_board(publication)
    folder = site / "downloads" / code
    for table in ("fct_well_led_indicators", "fct_board_composition", "fct_staff_survey_scores"):
        expected = publication.table(table)
        expected = expected[expected["org_code"] == code]
        got = pd.read_csv(folder / f"{table}.csv")
        assert len(got) == len(expected) > 0, table
    workbook = openpyxl.load_workbook(folder / f"{code}_wellled.xlsx", read_only=True)
    assert workbook.sheetnames[0] == "README"
    assert "fct_well_led_indicators" in workbook.sheetnames


def test_trust_command_prints_headlines_and_sources_and_writes_the_workbook(published_dir, tmp_path, capsys):
    publication = load_duckdb(published_dir / "wellled.duckdb")
    code = _trust_with_board(publication)
    target = tmp_path / "trust.xlsx"
    assert cli.main(["trust", code.lower(), "--xlsx", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"({code})" in out and publication.version in out
    assert "Headline figures" in out and "source: fct_" in out and "Flags:" in out
    sheets = pd.read_excel(target, sheet_name=None, engine="calamine")
    readme = sheets.pop("README")
    assert set(readme["sheet"].unique()) >= set(sheets)
    assert readme["definition"].str.contains("Evidence for a conversation").any()
    board = publication.table("fct_board_composition")
    board = board[board["org_code"] == code].sort_values("as_at_date").reset_index(drop=True)
    got = sheets["fct_board_composition"].sort_values("as_at_date").reset_index(drop=True)
    assert got["as_at_date"].astype(str).str[:10].tolist() == board["as_at_date"].astype(str).str[:10].tolist()
    assert np.allclose(got["board_size"], board["board_size"])
    assert got["women_pct"].isna().tolist() == board["women_pct"].isna().tolist()


def test_trust_command_refuses_an_unknown_code(sample_refresh, capsys):
    assert cli.main(["trust", "ZZZ"]) == 1
    assert "ZZZ is not an organisation" in capsys.readouterr().err


def test_programme_cohort_view_on_the_page(published_dir):
    publication = load_duckdb(published_dir / "wellled.duckdb")
    changes = publication.table("fct_programme_cohort_changes")
    assert len(changes) and set(changes["org_code"]) == {"G9Z8S"}, "the sample's cohort trust"
    # The sample's survey years (2023-2024) start after the cohort's start: nothing before it to compare with
    # (the formula itself is the dbt unit test programme_cohort_difference_in_differences).
    assert set(changes["relative_change"]) <= {"not_estimable", "better_than_peers", "worse_than_peers",
                                               "no_significant_difference"}
    assert changes.loc[changes["relative_change"] == "not_estimable", "not_estimable_reason"].notna().all()
    for r in changes[changes["difference_in_differences"].notna()].itertuples():
        assert math.isclose(r.difference_in_differences, r.trust_change - r.comparator_change, abs_tol=1e-9)
        assert r.ci_lower <= r.difference_in_differences <= r.ci_upper and r.comparator_org_count >= 5
    page = (published_dir / "profiles" / "trusts" / "G9Z8S.html").read_text()
    assert "Before and after the programme, against peers" in page


def test_profiles_out_folder_and_rebuild_swap(sample_copy, tmp_path):
    published_dir = settings.published_dir()  # the copy's: this test rebuilds its site
    out = tmp_path / "site"
    assert cli.main(["profiles", "--out", str(out)]) == 0
    assert (out / "index.html").exists() and not out.is_symlink()
    assert cli.main(["profiles", "--out", str(out)]) == 0, "a second build replaces the folder"
    assert not list(tmp_path.glob(".site*")), "no staged or old folder left behind"
    version = duckdb_engine.current_version(published_dir)
    (published_dir / "versions" / "profiles_19990101T000000Z_gone").mkdir()
    assert cli.main(["profiles"]) == 0
    assert swap.current_version(published_dir) == version
    assert not (published_dir / "versions" / "profiles_19990101T000000Z_gone").exists(), \
        "sites of versions the publication no longer keeps are pruned"


def _trust_with_board(publication) -> str:
    """A trust with board registers and staff survey scores."""
    board = set(publication.table("fct_board_composition")["org_code"])
    scores = publication.table("fct_staff_survey_scores")
    return str(scores[scores["org_code"].isin(board)]["org_code"].value_counts().index[0])


def suppressed_board_value(root: Path) -> tuple[str, str, float]:
    """(org, as-at date, true women %) of a published board row whose women_pct is withheld, recomputed from the
    member-level register in the build warehouse (what an attacker would want to learn)."""
    with duckdb.connect(str(root / "warehouse" / "published" / "wellled.duckdb"), read_only=True) as con:
        withheld = con.execute("select org_code, as_at_date from fct_board_composition where women_pct is null "
                               "and is_gender_suppressed order by org_code, as_at_date").fetchall()
        published = con.execute("select * from fct_board_composition").df()
    with duckdb.connect(str(root / "warehouse" / "build" / "wellled.duckdb"), read_only=True) as con:
        for org, day in withheld:
            women, members = con.execute(
                "select count(*) filter (where lower(gender) in ('female', 'f', 'woman')), count(*) "
                "from raw.board_registers where org_code = ? and cast(as_at_date as date) = ? "
                "and member_id is not null", [org, day]).fetchone()
            value = 100 * women / members if members else 0
            row = published[(published["org_code"] == org) & (published["as_at_date"].astype(str).str[:10]
                                                              == str(day)[:10])].select_dtypes("number")
            coincides = bool((abs(row.astype("float64") - value) < 1e-3).any().any())  # equals a published figure
            if 0 < women < members and round(value, 1) != round(value, 4) and not coincides:
                return org, str(day)[:10], value
    raise AssertionError("the sample has no withheld board percentage to test")


def _specs(page: str) -> dict[str, dict]:
    """The page's chart specifications by figure key."""
    import json
    import re

    return {key: json.loads(body.replace("<\\/", "</")) for key, body in
            re.findall(r'<script type="application/json" id="spec-([^"]+)">(.*?)</script>', page, re.S)}


def test_every_published_scorecard_code_has_a_label_and_a_meaning(published_dir):
    from pipelines.profiles import vocabulary

    with duckdb.connect(str(published_dir / "wellled.duckdb"), read_only=True) as con:
        for column, words in (("assessment", vocabulary.ASSESSMENTS), ("comparator_position", vocabulary.POSITIONS),
                              ("trend", vocabulary.TRENDS)):
            codes = {c for (c,) in con.execute(f"select distinct {column} from fct_well_led_indicators "
                                               f"where {column} is not null").fetchall()}
            assert codes and codes <= set(words), (column, codes - set(words))
    assert all(meaning for _, entries in vocabulary.glossary() for _, meaning in entries)


def test_well_led_section_keeps_verdicts_and_positions_apart(published_dir):
    from pipelines.profiles import charts, vocabulary

    publication = load_duckdb(published_dir / "wellled.duckdb")
    summary = publication.table("fct_well_led_summary")
    code = str(summary["org_code"].iloc[0])
    page = (published_dir / "profiles" / "trusts" / f"{code}.html").read_text()
    specs = _specs(page)
    verdicts, positions = specs["well-led"], specs["well-led-positions"]
    position_labels = set(vocabulary.POSITION_LABELS.values())
    verdict_domain = set(verdicts["encoding"]["color"]["scale"]["domain"])
    assert verdict_domain <= {label for label, _ in vocabulary.VERDICTS.values()}
    assert not verdict_domain & position_labels
    assert set(positions["encoding"]["color"]["scale"]["domain"]) <= position_labels
    assert not {charts.GREEN, charts.RED} & set(positions["encoding"]["color"]["scale"]["range"]), \
        "a position is never coloured as a good or bad verdict"
    assert "flags expected by chance" in page and "changes expected by chance" in page
    assert "What each label means" in page
    latest = summary[(summary["org_code"] == code) & (summary["period"] == summary.loc[summary["org_code"] == code,
                                                                                       "period"].max())]
    worse = {d["statement"]: d["count"] for d in verdicts["data"]["values"] if d["category"] == "Worse than expected"}
    for r in latest.itertuples():
        assert worse.get(r.statement_name, 0) == r.worse_count, "the chart counts what the summary counts"


def test_outcome_sections_beside_culture_honour_suppression(published_dir):
    publication = load_duckdb(published_dir / "wellled.duckdb")
    sickness = publication.table("fct_sickness_absence")
    assert len(sickness), "the sample publishes sickness absence"
    withheld = sickness[sickness["rate_pct"].isna()]
    code = str((withheld if len(withheld) else sickness)["org_code"].iloc[0])
    page = (published_dir / "profiles" / "trusts" / f"{code}.html").read_text()
    assert 'id="sickness-absence"' in page
    chart = _specs(page)["sickness-absence"]
    monthly = [d for d in chart["data"]["values"] if d["panel"] == "Monthly rate"]
    own = sickness[sickness["org_code"] == code]
    assert len(monthly) == len(own)
    for row in own.itertuples():
        point = next(d for d in monthly if d["x"] == str(row.month)[:10])
        assert (point["value"] is None) == pd.isna(row.rate_pct), "a withheld month stays absent"
    for table, key in (("fct_cqc_ratings", "cqc-ratings"), ("fct_fft", "fft")):
        rows = publication.table(table)
        if len(rows):
            org = str(rows["org_code"].iloc[0])
            if org in set(publication.table("dim_organisation")["org_code"]):
                assert f'id="spec-{key}"' in (published_dir / "profiles" / "trusts" / f"{org}.html").read_text()
