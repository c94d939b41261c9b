"""The scorecard's catalogue on the real files: the base of % positive it states for Q15."""

from __future__ import annotations

import csv
import re

import openpyxl

from tests.conftest import real_file


def test_q15_dont_know_stays_in_the_base_on_the_real_2024_files():
    """The organisational % Yes of Q15 (Don't know in the base) lies between the White and BME rates of the 2024
    WRES benchmark data for nearly every trust; with Don't know taken out it lies above both."""
    workbook = openpyxl.load_workbook(real_file("NSS24_detailed_spreadsheets_organisational_results.xlsx"),
                                      read_only=True, data_only=True)
    sheet = next(ws for ws in workbook.worksheets if "Q15" in ws.title)
    rows = sheet.iter_rows(values_only=True)
    labels = next(rows)
    for _ in range(4):
        next(rows)
    start = next(i for i, v in enumerate(labels) if isinstance(v, str) and re.match(r"Q15 - ", v))
    answers = {r[0]: r[start:start + 3] for r in rows if r[0]
               and not any(isinstance(v, str) or v is None for v in r[start:start + 3])}
    with real_file("NSS2024_benchmark_WRES_indicators_5to8_White_vs_BME_per_trust.csv").open(encoding="utf-8") as f:
        rates = {r["Trust"]: (100 * float(r["White Rate"]), 100 * float(r["BME Rate"]))
                 for r in csv.DictReader(f) if r["Indicator"].startswith("Q15")}
    kept = dropped = compared = 0
    for trust, (white, bme) in rates.items():
        if trust not in answers:
            continue
        yes, no, _dont_know = answers[trust]
        low, high = min(white, bme) - 1, max(white, bme) + 1
        kept += low <= yes <= high
        dropped += low <= 100 * yes / (yes + no) <= high
        compared += 1
    assert compared > 150
    assert kept >= 0.95 * compared and dropped <= 0.05 * compared
