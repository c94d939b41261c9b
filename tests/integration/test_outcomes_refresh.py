"""The outcome sources through a whole refresh: hand-made files in the published layouts are published with the
12-month sickness rate as sum over sum and the CQC well-led history over releases; a bad file is refused by name
and the last publication stays live; the sample's culture-outcome associations match an independent computation."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path

import duckdb
import pytest

from pipelines import cli, settings
from pipelines.sample_data.cqc_ratings import LOCATION_HEADER, PROVIDER_HEADER
from pipelines.sample_data.opendocument import write_ods

MONTHLY = ("DATE,NHSE_REGION_CODE,NHSE_REGION_NAME,ICS_CODE,ICS_NAME,ORG_CODE,ORG_NAME,ORG_TYPE,FTE_DAYS_LOST,"
           "FTE_DAYS_AVAILABLE,SICKNESS_ABSENCE_RATE_PERCENT")
TRUSTS = {"RAL": ("ROYAL FREE LONDON NHS FOUNDATION TRUST", "Y56", "QMJ", "H"),
          "RXF": ("MID YORKSHIRE TEACHING NHS TRUST", "Y63", "QWO", "D")}
SUPPRESSED_MONTH = 5


def etr_line(code: str) -> str:
    name, region, icb, gor = TRUSTS[code]
    fields = [code, name, region, icb] + [""] * 5 + ["AB1 2CD", "20010401", ""] + [""] * 11 + [gor, "", "", ""]
    return ",".join(f'"{f}"' for f in fields)


def sickness(month: int, code: str) -> tuple[str, str, str]:
    """(days lost, days available, rate) as the publisher writes them; blanks for RAL's suppressed month."""
    if code == "RAL" and month == SUPPRESSED_MONTH:
        return "", "", ""
    lost, available = 1000 + 37 * month + (5 if code == "RXF" else 0), 21000 + 250 * month
    return f"{lost:.2f}", f"{available:.2f}", f"{100 * lost / available:.2f}"


def cqc_release(landing: Path, release: dt.date, well_led: str, published: dt.date) -> None:
    def row(code: str, domain: str, rating: str, day: dt.date) -> tuple:
        values = dict.fromkeys(PROVIDER_HEADER, "")
        values.update({"Provider ID": code, "Provider Name": TRUSTS[code][0].title(),
                       "Provider Type": "NHS Healthcare Organisation", "Service / Population Group": "Overall",
                       "Domain": domain, "Latest Rating": rating, "Publication Date": day, "Report Type": "Provider",
                       "Inherited Rating (Y/N)": "N"})
        return tuple(values.values())

    rows = [row("RAL", "Well-led", well_led, published), row("RAL", "Overall", "Good", dt.date(2021, 3, 1)),
            row("RXF", "Well-led", "Good", dt.date(2020, 1, 15))]
    path = landing / "cqc_ratings" / release.isoformat() / f"01_September_{release.year}_Latest_ratings.ods"
    write_ods(path, [("Locations", [LOCATION_HEADER]), ("Providers", [PROVIDER_HEADER, *rows])])


def land_outcomes(landing: Path) -> None:
    (landing / "ods").mkdir(parents=True)
    (landing / "ods" / "etr.csv").write_text("\r\n".join(etr_line(c) for c in TRUSTS) + "\r\n")
    for month in range(1, 13):
        end = dt.date(2024, month, 1).replace(day=28) + dt.timedelta(days=4)
        end -= dt.timedelta(days=end.day)
        lines = [MONTHLY] + [f"{end:%d/%m/%Y},{TRUSTS[c][1]},Region,{TRUSTS[c][2]},ICS,{c},{TRUSTS[c][0]},Acute,"
                             + ",".join(sickness(month, c)) for c in TRUSTS]
        folder = landing / "sickness_absence" / f"2024-{month:02d}"
        folder.mkdir(parents=True)
        (folder / "sickness.csv").write_text("\n".join(lines) + "\n")
    cqc_release(landing, dt.date(2023, 9, 1), "Requires improvement", dt.date(2021, 3, 1))
    cqc_release(landing, dt.date(2024, 9, 1), "Good", dt.date(2024, 2, 1))


def query(sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.published_db_path()), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_hand_made_outcome_files_are_published_and_a_bad_one_is_refused(isolated, capfd):
    landing = isolated / "landing"
    land_outcomes(landing)
    assert cli.main(["refresh"]) == 0

    # The 12-month rate of the trust with a suppressed month is sum(lost) / sum(available) over the 11 months
    # the publisher reported, computed here from the landed files.
    reported = [sickness(m, "RAL") for m in range(1, 13) if m != SUPPRESSED_MONTH]
    expected = 100 * sum(float(r[0]) for r in reported) / sum(float(r[1]) for r in reported)
    [(rate_12m, months, suppressed_may)] = query(
        "select rate_12m_pct, months_reported_12m, (select is_suppressed from fct_sickness_absence where "
        "org_code = 'RAL' and month = date '2024-05-01') from fct_sickness_absence "
        "where org_code = 'RAL' and month = date '2024-12-01'")
    assert rate_12m == pytest.approx(expected, rel=1e-12) and months == 11 and suppressed_may
    assert query("select count(*) from fct_sickness_absence where rate_12m_pct is not null") == [(2,)]

    # Both releases' well-led ratings are published, dated; the later one supersedes the earlier.
    history = query("select release_date, rating, rating_publication_date, is_latest_release, "
                    "is_changed_since_previous_release from fct_cqc_ratings where org_code = 'RAL' and "
                    "domain = 'well_led' order by release_date")
    assert history == [(dt.date(2023, 9, 1), "Requires improvement", dt.date(2021, 3, 1), False, None),
                       (dt.date(2024, 9, 1), "Good", dt.date(2024, 2, 1), True, True)]
    # In the scorecard the rating carries its own date: RXF's 2020 rating shown for 2024 says it is older.
    assert query("select value, source_as_at_date from fct_well_led_indicators where org_code = 'RXF' and "
                 "indicator_code = 'cqc_well_led' and period = 2024") == [(3.0, dt.date(2020, 1, 15))]
    sources = dict(query("select item_name, status from publication_manifest where item_kind = 'source'"))
    assert sources["sickness_absence"] == sources["cqc_ratings"] == "present" and sources["fft"] == "absent"
    gates = dict(query("select item_name, status from publication_manifest where item_kind = 'check'"))
    assert gates["raw_fft_responses"] == "skipped" and gates["raw_sickness_absence_rates"] == "passed"
    assert query("select count(*) from fct_fft") == [(0,)]

    # A file in a layout wellled does not recognise is refused by name; the publication stays byte for byte.
    before = hashlib.sha256(settings.published_db_path().read_bytes()).hexdigest()
    bad = landing / "sickness_absence" / "2024-12" / "sickness.csv"
    bad.write_text(bad.read_text().replace("FTE_DAYS_LOST", "FTE_DAYS_SICK", 1))
    capfd.readouterr()
    assert cli.main(["refresh"]) == 1
    output = "".join(capfd.readouterr())
    assert "sickness_absence/2024-12/sickness.csv, row 1: header is not a sickness absence layout" in output
    assert hashlib.sha256(settings.published_db_path().read_bytes()).hexdigest() == before


def test_associations_have_intervals_and_match_an_independent_spearman(published):
    from scipy import stats

    rows = published.execute(
        "select period, culture_indicator_code, outcome_indicator_code, n, correlation, ci_lower, ci_upper "
        "from fct_culture_outcome_associations where comparator_level = 'national' and ci_lower is not null"
    ).fetchall()
    assert rows, "no association with an interval in the sample"
    for period, culture, outcome, n, rho, lower, upper in rows[:20]:
        pairs = published.execute(
            "select c.value, o.value from fct_well_led_indicators c join fct_well_led_indicators o "
            "on o.org_code = c.org_code and o.period = c.period join dim_organisation d on d.org_code = c.org_code "
            "where d.org_kind = 'trust' and d.nation = 'England' and c.period = ? and c.indicator_code = ? "
            "and o.indicator_code = ? and c.value is not null and o.value is not null",
            [period, culture, outcome]).fetchall()
        assert len(pairs) == n
        expected = stats.spearmanr([p[0] for p in pairs], [p[1] for p in pairs]).statistic
        assert rho == pytest.approx(expected, abs=1e-9)
        se = math.sqrt((1 + rho**2 / 2) / (n - 3))
        assert (lower, upper) == pytest.approx((math.tanh(math.atanh(rho) - 1.959963985 * se),
                                                math.tanh(math.atanh(rho) + 1.959963985 * se)), abs=1e-9)
        assert lower <= rho <= upper
