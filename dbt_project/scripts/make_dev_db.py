"""Create a small DuckDB build file whose `raw` schema holds every table of the raw contract.

    python dbt_project/scripts/make_dev_db.py /tmp/wellled_dev.duckdb           # a few hand-made rows
    python dbt_project/scripts/make_dev_db.py /tmp/wellled_empty.duckdb --empty  # every source absent

Then, from dbt_project/: WELLLED_BUILD_DB=/tmp/wellled_dev.duckdb dbt build --profiles-dir .

The tables are created from pipelines/sources/schemas.py, so they follow the contract the ingest writes.
The rows cover the awkward cases: a split survey unit (R1F1/R1F2 under R1F), an ICB, a CSU, a social
enterprise, a trust unknown to ODS, a closed trust, a Welsh trust, a zero disciplinary cell, a group with
no staff, a vacant board post, an interim post and a chief executive change. dbt does not parse this folder.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pipelines.sources.schemas import RAW_TABLES, columns  # noqa: E402

LOADED_AT = datetime(2026, 11, 1, 9, 0, 0)

ODS = [
    # org_code, org_name, region_code, icb_code, postcode, open_date, close_date, gor_code
    ("R0A", "MANCHESTER UNIVERSITY NHS FOUNDATION TRUST", "Y62", "QOP", "M13 9WL", date(2017, 10, 1), None, "B"),
    ("R1F", "ISLE OF WIGHT NHS TRUST", "Y59", "QRL", "PO30 5TG", date(2012, 4, 1), None, "J"),
    ("R1C", "SOLENT NHS TRUST", "Y59", "QRL", "SO19 8BR", date(2011, 4, 1), date(2024, 9, 30), "J"),
    ("RT4", "VELINDRE UNIVERSITY NHS TRUST", None, None, "CF15 7QZ", date(1994, 4, 1), None, "W"),
    ("G6V2S", "NORTH LONDON NHS FOUNDATION TRUST", "Y56", "Z9B2Z", "NW1 0PE", date(2024, 11, 1), None, "H"),
]

ACUTE = "Acute and Acute & Community Trusts"
MH = "Mental Health & Learning Disability and Mental Health, Learning Disability & Community Trusts"
SURVEY_ORGS = [
    # survey_year, org_code, org_name, benchmarking_group, region, ics, weighting
    (
        2023,
        "R0A",
        "Manchester University NHS Foundation Trust",
        ACUTE,
        "North West",
        "Greater Manchester",
        "Occupation Group",
    ),
    (
        2024,
        "R0A",
        "Manchester University NHS Foundation Trust",
        ACUTE,
        "North West",
        "Greater Manchester",
        "Occupation Group",
    ),
    (
        2023,
        "R1C",
        "Solent NHS Trust",
        "Community Trusts",
        "South East",
        "Hampshire and Isle of Wight",
        "Occupation Group",
    ),
    (2023, "R1F", "Isle of Wight NHS Trust", ACUTE, "South East", "Hampshire and Isle of Wight", "Occupation Group"),
    (
        2024,
        "R1F1",
        "Isle of Wight NHS Trust (acute sector)",
        ACUTE,
        "South East",
        "Hampshire and Isle of Wight",
        "Occupation Group",
    ),
    (2024, "R1F2", "Isle of Wight NHS Trust (ambulance sector)", "Ambulance Trusts", None, None, "Occupation Group"),
    (2024, "QOP", "NHS Greater Manchester ICB", "ICBs", None, None, "Unweighted"),
    (2024, "0AR", "NHS North of England CSU", "CSUs", None, None, "Unweighted"),
    (
        2024,
        "NAX",
        "East Coast Community Healthcare CIC",
        "Social Enterprises - Community",
        None,
        None,
        "Occupation Group",
    ),
    (
        2024,
        "TAD",
        "Bradford District Care NHS Foundation Trust",
        MH,
        "North East and Yorkshire",
        "West Yorkshire",
        "Occupation Group",
    ),
]

SCORES = [
    # survey_year, org_code, measure_code, measure_name, score, base_n, is_suppressed, sheet
    (2024, "R0A", "PP4_2", "Burnout", 4.71, 9876, False, "PEOPLE PROMISE ELEMENTS"),
    (2024, "R0A", "PP4", "We are safe and healthy", 5.92, 9876, False, "PEOPLE PROMISE ELEMENTS"),
    (2024, "R0A", "ENGAGEMENT", "Staff Engagement", 6.80, 9870, False, "THEMES"),
    (2024, "R0A", "E_1", "Motivation", 7.01, 9870, False, "THEMES"),
    (2023, "R0A", "PP4_2", "Burnout", 4.60, 9500, False, "PEOPLE PROMISE ELEMENTS"),
    (2024, "R1F1", "PP4_2", "Burnout", 4.90, 1500, False, "PEOPLE PROMISE ELEMENTS"),
    (2024, "R1F2", "PP4_2", "Burnout", 4.40, 150, False, "PEOPLE PROMISE ELEMENTS"),
    (2024, "QOP", "MORALE", "Morale", 6.10, 420, False, "THEMES"),
    (2024, "NAX", "M_2", "Work pressure", None, None, True, "THEMES"),
]

OPTIONS = [
    # survey_year, org_code, question_code, question_text, option_order, option_label, pct, base_n, suppressed, sheet
    (
        2024,
        "R0A",
        "Q26a",
        "I often think about leaving this organisation.",
        1,
        "Strongly disagree",
        20.5,
        9800,
        False,
        "YOUR ORGANISATION Q25-26",
    ),
    (
        2024,
        "R0A",
        "Q26a",
        "I often think about leaving this organisation.",
        2,
        "Disagree",
        30.0,
        9800,
        False,
        "YOUR ORGANISATION Q25-26",
    ),
    (
        2024,
        "NAX",
        "Q13d",
        "The last time you experienced ... did you report it?",
        1,
        "Yes",
        None,
        None,
        True,
        "HEALTH WELLBEING SAFETY Q13-14",
    ),
]

WRES_SURVEY = [
    # survey_year, org_code, benchmarking_group, stem, ethnicity, pct, base_n, sheet
    *[
        (2023, "R0A", "Acute&Acute Community Trusts", stem, eth, pct, n, "Acute&Acute Community Trusts")
        for stem, eth, pct, n in [
            ("har_from_pat", "white", 23.5, 6000),
            ("har_from_pat", "bme", 28.6, 2500),
            ("har_from_staff", "white", 20.1, 6000),
            ("har_from_staff", "bme", 24.9, 2500),
            ("equal", "white", 58.85, 5900),
            ("equal", "bme", 49.51, 2400),
            ("q16b", "white", 6.77, 6000),
            ("q16b", "bme", 15.20, 2500),
        ]
    ],
    (2023, "R1F1", "Acute&Acute Community Trusts", "har_from_pat", "white", 30.0, 1000, "Acute&Acute Community Trusts"),
    (2023, "R1F1", "Acute&Acute Community Trusts", "har_from_pat", "bme", 40.0, 200, "Acute&Acute Community Trusts"),
    (2023, "R1F2", "Ambulance Trusts", "har_from_pat", "white", 50.0, 300, "Ambulance Trusts"),
    (2023, "R1F2", "Ambulance Trusts", "har_from_pat", "bme", 60.0, 20, "Ambulance Trusts"),
]


def _wres_rows() -> list[tuple]:
    rows: list[tuple] = []

    def add(org, year, indicator, group, band, measure, white, bme, unknown):
        for eth, n in (("white", white), ("bme", bme), ("unknown", unknown)):
            rows.append((org, year, indicator, group, band, eth, measure, n))

    # R0A 2024: a full return, with a zero cell (no BME staff entered a disciplinary process).
    add("R0A", 2024, 1, "clinical", "band_5", "headcount", 3000, 2000, 200)
    add("R0A", 2024, 1, "clinical", "band_8a", "headcount", 800, 200, 20)
    add("R0A", 2024, 1, "non_clinical", "band_2", "headcount", 1500, 500, 400)
    add("R0A", 2024, 1, "medical", "consultant", "headcount", 600, 400, 10)
    add("R0A", 2024, 2, None, None, "shortlisted", 10000, 10000, 500)
    add("R0A", 2024, 2, None, None, "appointed", 4699, 1465, 100)
    add("R0A", 2024, 3, None, None, "headcount", 5900, 3100, 630)
    add("R0A", 2024, 3, None, None, "entered_disciplinary", 41, 0, 2)
    add("R0A", 2024, 4, None, None, "headcount", 5900, 3100, 630)
    add("R0A", 2024, 4, None, None, "accessed_cpd", 3000, 1400, 100)
    add("R0A", 2024, 9, "voting", "executive", "board_members", 4, 1, 0)
    add("R0A", 2024, 9, "voting", "non_executive", "board_members", 5, 2, 1)
    add("R0A", 2024, 9, "non_voting", "executive", "board_members", 2, 0, 0)
    # R1F 2024: a small return where nobody BME is employed in the indicator 3 base (a group with no staff).
    add("R1F", 2024, 1, "clinical", "band_5", "headcount", 900, 100, 0)
    add("R1F", 2024, 3, None, None, "headcount", 1000, 0, 0)
    add("R1F", 2024, 3, None, None, "entered_disciplinary", 5, 0, 0)
    return rows


def _board_rows() -> list[tuple]:
    rows: list[tuple] = []
    registers = {
        date(2023, 3, 31): "M001",
        date(2023, 6, 30): "M001",
        date(2024, 3, 31): None,  # chief executive post vacant this quarter
        date(2024, 6, 30): "M050",
    }
    for as_at, ceo in registers.items():
        posts = [
            (
                "P01",
                ceo,
                "Chief Executive",
                "chief_executive",
                True,
                True,
                ceo == "M050",
                "female",
                "H",
                date(2019, 1, 1) if ceo == "M001" else date(2024, 5, 1),
            ),
            ("P02", "M002", "Chair", "chair", False, True, False, "male", "A", date(2020, 4, 1)),
            (
                "P03",
                "M003",
                "Director of Finance",
                "executive_director",
                True,
                True,
                False,
                "female",
                "A",
                date(2023, 9, 1),
            ),
            ("P04", "M004", "Chief Nurse", "executive_director", True, True, False, "female", "N", date(2018, 2, 1)),
            (
                "P05",
                "M005",
                "Director of Strategy",
                "other_director",
                True,
                False,
                False,
                "male",
                "Z",
                date(2021, 6, 1),
            ),
            (
                "P06",
                "M006",
                "Non-Executive Director",
                "non_executive_director",
                False,
                True,
                False,
                "male",
                "B",
                date(2022, 1, 1),
            ),
            (
                "P07",
                "M007",
                "Non-Executive Director",
                "non_executive_director",
                False,
                True,
                False,
                "not_stated",
                "99",
                date(2022, 7, 1),
            ),
            ("P08", None, "Non-Executive Director", "non_executive_director", False, True, False, None, None, None),
            (
                "P09",
                "M009",
                "Associate Non-Executive Director",
                "associate_non_executive_director",
                False,
                False,
                False,
                "female",
                "R",
                date(2023, 1, 1),
            ),
        ]
        for post_id, member, title, role, is_exec, is_voting, interim, gender, eth, start in posts:
            if member is None:
                gender = eth = start = None
            rows.append(
                ("R0A", as_at, post_id, member, title, role, is_exec, is_voting, interim, gender, eth, start, None)
            )
    return rows


def sample_rows() -> dict[str, list[tuple]]:
    return {
        "ods_trusts": ODS,
        "staff_survey_organisations": SURVEY_ORGS,
        "staff_survey_scores": SCORES,
        "staff_survey_question_options": OPTIONS,
        "staff_survey_wres": WRES_SURVEY,
        "wres_returns": _wres_rows(),
        "board_registers": _board_rows(),
        "landing_files": [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--empty", action="store_true", help="create the raw tables with no rows")
    args = parser.parse_args()
    args.path.unlink(missing_ok=True)
    con = duckdb.connect(str(args.path), config={"storage_compatibility_version": "v1.4.0"})
    con.execute("create schema raw")
    rows = sample_rows()
    for table in RAW_TABLES:
        cols = columns(table)
        con.execute(f"create table raw.{table} ({', '.join(f'{c.name} {c.type}' for c in cols)})")
        if args.empty:
            continue
        own = len(RAW_TABLES[table])
        lineage = len(cols) - own
        for i, row in enumerate(rows[table], start=2):
            values = row + ((f"{table}.csv", "0" * 64, LOADED_AT, i) if lineage else ())
            con.execute(f"insert into raw.{table} values ({', '.join('?' * len(cols))})", list(values))
    con.close()
    print(f"wrote {args.path} ({'empty' if args.empty else 'sample rows'})")


if __name__ == "__main__":
    main()
