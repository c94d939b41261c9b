"""WRES through whole refreshes: every indicator for every trust, national context from summed counts, the
board register cross-check as a visible warning, and a bad return refused with the last publication kept."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines import cli, settings

pytestmark = pytest.mark.integration

ALL_NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_returning_trust_has_all_nine_indicators_every_year(published):
    returns = published.execute("select distinct org_code, reporting_year from fct_wres_indicators "
                                "where indicator_number = 1").fetchall()
    assert len({org for org, _ in returns}) >= 5 and {year for _, year in returns} == {2024, 2025}
    for org, year in returns:
        numbers = {n for (n,) in published.execute(
            "select distinct indicator_number from fct_wres_indicators where org_code = ? and reporting_year = ?",
            [org, year]).fetchall()}
        assert numbers == ALL_NINE, (org, year)
    # Indicators with a value carry a 95% interval containing it (9 included: Wilson minus the workforce share).
    rows = published.execute("select count(*), count(ci_lower), count(ci_upper), "
                             "count(*) filter (where ci_lower <= value and value <= ci_upper) "
                             "from fct_wres_indicators where value is not null").fetchone()
    assert rows[0] > 0 and rows[0] == rows[1] == rows[2] == rows[3]
    # Relative likelihoods say whether they are in the non-adverse band (on the value rounded to 2 decimals, as
    # WRES publishes it), and whether the interval spans it.
    flags = published.execute("select count(*) from fct_wres_indicators where indicator_number in (2, 3, 4) and "
                              "value is not null and (is_non_adverse is null or spans_non_adverse_band is null "
                              "or is_non_adverse != (round(cast(value as decimal(38, 10)), 2) between 0.8 and 1.25))"
                              ).fetchone()[0]
    assert flags == 0
    # 5-8 come from the survey of the year before.
    assert published.execute("select count(*) from fct_wres_indicators where indicator_number between 5 and 8 "
                             "and survey_year != reporting_year - 1").fetchone()[0] == 0


def test_split_survey_units_roll_up_to_their_legal_trust(published):
    (legal,) = {code for (code,) in published.execute(
        "select legal_org_code from dim_organisation where org_kind = 'split_unit'").fetchall()}
    units = published.execute("select count(*) from fct_wres_indicators where org_code in "
                              "(select org_code from dim_organisation where org_kind = 'split_unit')").fetchone()[0]
    assert units == 0
    rolled = published.execute("select count(*) from fct_wres_indicators where org_code = ? and indicator_number "
                               "between 5 and 8 and value is not null", [legal]).fetchone()[0]
    assert rolled == 8  # four indicators, two reporting years


def test_national_figures_come_from_summed_counts(published):
    trusts = published.execute(
        "select i.reporting_year, i.indicator_number, i.white_numerator, i.white_denominator, i.bme_numerator, "
        "i.bme_denominator, i.value from fct_wres_indicators i join dim_organisation o using (org_code) "
        "where o.nation = 'England' and o.org_kind = 'trust' and i.indicator_number in (2, 3, 4)").df()
    national = published.execute("select reporting_year, indicator_number, value, ci_lower, ci_upper, "
                                 "trusts_tested, trusts_non_adverse_pct from fct_wres_benchmarks where "
                                 "geography_level = 'national' and indicator_number in (2, 3, 4)").df()
    assert len(national) == 6
    for row in national.itertuples():
        same = (trusts.reporting_year == row.reporting_year) & (trusts.indicator_number == row.indicator_number)
        group = trusts[same]
        white = group.white_numerator.sum() / group.white_denominator.sum()
        bme = group.bme_numerator.sum() / group.bme_denominator.sum()
        expected = bme / white if row.indicator_number == 3 else white / bme
        assert row.value == pytest.approx(expected, rel=1e-12)
        assert row.ci_lower < row.value < row.ci_upper
        inside = group.value.dropna().between(0.8, 1.25)
        assert row.trusts_tested == len(inside)
        assert row.trusts_non_adverse_pct == pytest.approx(100 * inside.mean())
    levels = dict(published.execute("select geography_level, count(distinct indicator_code) from "
                                    "fct_wres_benchmarks group by 1").fetchall())
    assert set(levels) == {"national", "region", "benchmark_group"}
    codes = published.execute("select count(distinct indicator_code) from fct_wres_indicators").fetchone()[0]
    assert levels["national"] == codes


def test_board_cross_check_agrees_in_the_small_sample(published):
    # The generator makes one mismatching trust only when trusts >= 20: here every return matches its register.
    counts = published.execute("select count(*), count(*) filter (where is_consistent_with_register) "
                               "from fct_wres_board_cross_check").fetchone()
    assert counts[0] > 0 and counts[0] == counts[1]
    gates = dict(published.execute("select item_name, status from publication_manifest "
                                   "where item_kind = 'check'").fetchall())
    assert gates["fct_wres_board_cross_check"] == "passed" and gates["fct_wres_benchmarks"] == "passed"


def _raise_appointed_above_shortlisted(landing: Path) -> tuple[str, int]:
    """Edit the first WRES return so that BME appointed exceeds BME shortlisted; returns (relpath, row)."""
    path = sorted((landing / "wres").rglob("*.csv"))[0]
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header = rows[0]
    find = {name: header.index(name) for name in ("indicator", "ethnicity", "measure", "count")}
    by_measure = {(r[find["indicator"]], r[find["ethnicity"]], r[find["measure"]]): i for i, r in enumerate(rows)}
    shortlisted = int(rows[by_measure[("2", "bme", "shortlisted")]][find["count"]])
    appointed_at = by_measure[("2", "bme", "appointed")]
    rows[appointed_at][find["count"]] = str(shortlisted + 1)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path.relative_to(landing).as_posix(), appointed_at + 1


def test_appointed_above_shortlisted_is_refused_and_the_previous_publication_stays_live(sample_copy, capfd):
    landing = sample_copy / "landing"
    before = _sha(settings.published_db_path())
    version = (settings.published_dir() / "CURRENT").read_text()
    relpath, row = _raise_appointed_above_shortlisted(landing)
    capfd.readouterr()

    assert cli.main(["refresh"]) == 1

    output = "".join(capfd.readouterr())
    assert f"{relpath}, row {row}: appointed" in output
    assert "cannot outnumber those shortlisted" in output
    assert _sha(settings.published_db_path()) == before
    assert (settings.published_dir() / "CURRENT").read_text() == version


def _swap_one_voting_executive_to_bme(landing: Path) -> str:
    """Edit the first WRES return of 2024 so that its indicator 9 disagrees with the board register."""
    path = sorted((landing / "wres" / "2024").glob("*.csv"))[0]
    frame = pd.read_csv(path, dtype={"count": "int64"})
    rows = (frame["indicator"] == 9) & (frame["staff_group"] == "voting") & (frame["band"] == "executive")
    white, bme = rows & (frame["ethnicity"] == "white"), rows & (frame["ethnicity"] == "bme")
    assert frame.loc[white, "count"].iloc[0] > 0
    frame.loc[white, "count"] -= 1
    frame.loc[bme, "count"] += 1
    frame.to_csv(path, index=False, lineterminator="\n")
    return str(frame["org_code"].iloc[0])


def test_a_board_mismatch_in_a_whole_refresh_publishes_with_warnings_naming_the_trust(
        sample_refresh, tmp_path, monkeypatch, capfd):
    """A warning (GX `warning`, dbt `severity: warn`) is shown in the summary, never counted as a failure."""
    root, status = sample_refresh
    assert status == 0
    landing = tmp_path / "landing"
    shutil.copytree(root / "landing", landing)
    for key, folder in {"WELLLED_LANDING_DIR": "landing", "WELLLED_WAREHOUSE_DIR": "warehouse",
                        "DAGSTER_HOME": "dagster_home"}.items():
        monkeypatch.setenv(key, str(tmp_path / folder))
    org = _swap_one_voting_executive_to_bme(landing)
    capfd.readouterr()

    assert cli.main(["refresh"]) == 0

    output = capfd.readouterr().out
    assert "warning  fct_wres_board_cross_check" in output
    dbt_line = next(line for line in output.splitlines() if line.startswith("dbt tests:"))
    assert dbt_line.endswith(" 0 failed") and " 0 warnings" not in dbt_line
    assert any(line.startswith("  warning") and "is_consistent_with_register" in line
               for line in output.splitlines())
    with duckdb.connect(str(settings.published_db_path()), read_only=True) as con:
        flagged = con.execute("select distinct org_code from fct_wres_board_cross_check "
                              "where reporting_year = 2024 and not is_consistent_with_register").fetchall()
        gate = con.execute("select status from publication_manifest where item_kind = 'check' "
                           "and item_name = 'fct_wres_board_cross_check'").fetchone()
    assert flagged == [(org,)] and gate == ("warning",)
