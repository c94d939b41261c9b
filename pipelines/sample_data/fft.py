"""Friends and Family Test: one macro-enabled workbook per setting and data month, in NHS England's layout.

`fft/<YYYY-MM>/friends-and-family-test-<inpatient|ae>-data-<month>-<year>.xlsm`, for every month of the last
two survey years. Inpatient: sheets Notes, Summary, ICB, Trusts, Sites, Wards, BS; the
Trusts sheet has title rows 1-9, headers in rows 10-11, England (including / excluding the independent sector)
in rows 12-13, the Selection row (excluding suppressed data) in row 14 and providers from row 15. A&E: no
Wards sheet, headers in rows 3-4, England row 5, Selection row 6, providers from row 7, and no
`Mode Electronic Home` column. Percentages are 0-1 fractions; `*` marks a provider with fewer than 5
responses and, as secondary suppression, the smallest other provider of its ICB; `-` a percentage that cannot
be calculated (a community trust with no eligible patients one month).

Inpatient: acute, specialist and community trusts and independent-sector providers (codes outside ODS and
the staff survey, like real ones); A&E: acute trusts. The share of positive answers rises with the trust's
latent culture. The workbooks carry the macro-enabled content type but no macros (none are ever read).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import zipfile
from pathlib import Path

from openpyxl import Workbook

from .orgs import Universe
from .util import largest_remainder, rng, save_workbook

RESPONSES = ("Very Good", "Good", "Neither Good nor Poor", "Poor", "Very Poor", "Don't Know")
MODES = ("Mode SMS", "Mode Electronic Discharge", "Mode Electronic Home", "Mode Paper Discharge", "Mode Paper Home",
         "Mode Telephone", "Mode Online", "Mode Other")
IDS = ("ICB Code", "Trust Code", "Trust Name", "Total Responses", "Total Eligible", "Percentage Positive",
       "Percentage Negative")
# setting -> (kinds of trust, header row, title, eligible patients per staff member a month, response rate,
#             share positive at average culture)
SETTINGS = {
    "inpatient": (("acute", "specialist", "community"), 10, "Inpatient", 0.45, 0.22, 0.935),
    "ae": (("acute",), 3, "A&E", 1.4, 0.12, 0.80),
}
INDEPENDENT = (("NV7", "{p} Independent Hospital Ltd", 900), ("NT9", "{p} Clinic Group Ltd", 60),
               ("NQ4", "{p} Surgical Centre Ltd", 14))
XLSM_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def months(universe: Universe) -> list[dt.date]:
    """The last two survey years' months: enough for a 12-month value and a trend, and the demo refresh stays
    quick (each month is two workbooks)."""
    first = max(universe.years[0], universe.years[-1] - 1)
    return [dt.date(y, m, 1) for y in range(first, universe.years[-1] + 1) for m in range(1, 13)]


def _providers(universe: Universe, month: dt.date, setting: str) -> list[tuple]:
    """(icb code, code, name, eligible patients, response rate, positive share) of each provider in the month."""
    kinds, _, _, per_staff, response_rate, positive = SETTINGS[setting]
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    seasonal = 1 + 0.06 * math.cos((month.month - 1) * math.pi / 6)
    out = []
    for t in universe.trusts_on(end):
        if t.kind not in kinds:
            continue
        r = rng(universe.seed, t.code, "fft", setting, month)
        scale = 0.08 if t.kind == "community" else 1.0
        eligible = round(universe.workforce(t, month.year) * per_staff * scale * seasonal * math.exp(r.gauss(0, 0.05)))
        if t.kind == "community" and month.month == 8:
            eligible = 0  # a month without inpatients: percentages '-'
        culture = universe.culture(t.code, month.year, t.culture0)
        logit = math.log(positive / (1 - positive)) + 0.22 * culture + r.gauss(0, 0.08)
        out.append((t.icb.code, t.code, t.name, eligible, response_rate * math.exp(r.gauss(0, 0.1)),
                    1 / (1 + math.exp(-logit))))
    if setting == "inpatient":
        for k, (code, template, eligible) in enumerate(independent_providers(universe)):
            r = rng(universe.seed, code, "fft", month)
            place = universe.icbs[k % len(universe.icbs)].ics.split(" and ")[0]
            out.append((universe.icbs[k % len(universe.icbs)].code, code, template.format(p=place),
                        round(eligible * math.exp(r.gauss(0, 0.2))), 0.25, 0.97))
    return sorted(out, key=lambda p: (p[0], p[1]))


def independent_providers(universe: Universe) -> list[tuple[str, str, int]]:
    """INDEPENDENT, each code moved off any code the universe already uses (its social enterprises are N codes)."""
    used = {t.code for t in universe.trusts} | {o[0] for o in universe.others}
    out = []
    for code, template, eligible in INDEPENDENT:
        free = next(c for c in (code, *(code[:2] + d for d in "0123456789")) if c not in used)
        out.append((free, template, eligible))
    return out


def _counts(universe: Universe, month: dt.date, setting: str, provider: tuple) -> tuple[int, list[int], list[int]]:
    """(eligible, the six response counts, mode counts) of one provider-month."""
    _, code, _, eligible, response_rate, positive = provider
    r = rng(universe.seed, code, "fft-counts", setting, month)
    total = min(eligible, max(0, round(eligible * response_rate * math.exp(r.gauss(0, 0.05)))))
    negative = 1 - positive
    shares = (positive * 0.78, positive * 0.22, negative * 0.32, negative * 0.25, negative * 0.33, negative * 0.10)
    responses = largest_remainder(total, shares)
    modes = [m for m in MODES if setting == "inpatient" or m != "Mode Electronic Home"]
    return eligible, responses, largest_remainder(total, [r.uniform(0.2, 1.0) for _ in modes])


def _suppressed(rows: list[tuple]) -> set[str]:
    """Providers shown as '*': fewer than 5 responses, plus the smallest other provider of the same ICB."""
    primary = {code for icb, code, _, _, responses, _ in rows if 0 < sum(responses) < 5}
    out = set(primary)
    for icb in {icb for icb, code, *_ in rows if code in primary}:
        others = sorted((sum(responses), code) for i, code, _, _, responses, _ in rows
                        if i == icb and code not in primary and sum(responses) > 0)
        if others:
            out.add(others[0][1])
    return out


def _fractions(responses: list[int]) -> tuple[float | str, float | str]:
    total = sum(responses)
    if total == 0:
        return "-", "-"
    return (responses[0] + responses[1]) / total, (responses[3] + responses[4]) / total


def _sheet_rows(universe: Universe, month: dt.date, setting: str) -> list[list]:
    header_row = SETTINGS[setting][1]
    rows = []
    for provider in _providers(universe, month, setting):
        eligible, responses, modes = _counts(universe, month, setting, provider)
        rows.append((provider[0], provider[1], provider[2], eligible, responses, modes))
    hidden = _suppressed(rows)
    mode_names = [m for m in MODES if setting == "inpatient" or m != "Mode Electronic Home"]

    def total_row(label: str, selected: list[tuple]) -> list:
        responses = [sum(r[4][i] for r in selected) for i in range(len(RESPONSES))]
        modes = [sum(r[5][i] for r in selected) for i in range(len(mode_names))]
        return ["", "", label, sum(responses), sum(r[3] for r in selected), *_fractions(responses), *responses,
                *modes]

    title = f"Friends and Family Test: {SETTINGS[setting][2]} - {month:%B %Y}"
    out: list[list] = [[title], ["SYNTHETIC SAMPLE DATA generated by wellled: values are fictional."]]
    if setting == "inpatient":
        out += [[], ["Data are submitted by providers; percentages are stored as fractions."], [],
                ["* = fewer than 5 responses, or suppressed so that such a value cannot be worked out."],
                ["- = a percentage that cannot be calculated."], [], []]
    out += [[*IDS, "Responses", "", "", "", "", "", "Mode of collection"],
            [""] * len(IDS) + [*RESPONSES, *mode_names]]
    assert len(out) == header_row + 1
    if setting == "inpatient":
        out.append(total_row("England (including Independent Sector Providers)", rows))
        independent = {code for code, _, _ in independent_providers(universe)}
        out.append(total_row("England (excluding Independent Sector Providers)",
                             [r for r in rows if r[1] not in independent]))
    else:
        out.append(total_row("England", rows))
    out.append(total_row("Selection (excluding suppressed data)", [r for r in rows if r[1] not in hidden]))
    for icb, code, name, eligible, responses, modes in rows:
        if code in hidden:
            total = sum(responses)
            out.append([icb, code, name, total if total >= 5 else "*", eligible, "*", "*", *["*"] * len(responses),
                        *["*"] * len(modes)])
        else:
            out.append([icb, code, name, sum(responses), eligible, *_fractions(responses), *responses, *modes])
    return out


def _workbook(universe: Universe, month: dt.date, setting: str) -> Workbook:
    wb = Workbook(write_only=True)
    label = SETTINGS[setting][2]
    sheets = ("Notes", "Summary", "ICB", "Trusts", "Sites", "Wards", "BS") if setting == "inpatient" else \
        ("Notes", "Summary", "ICB", "Trusts", "Sites", "BS")
    for name in sheets:
        ws = wb.create_sheet(name)
        if name == "Trusts":
            for row in _sheet_rows(universe, month, setting):
                ws.append(row)
        else:
            ws.append([f"Friends and Family Test: {label} - {month:%B %Y}: {name}"])
            ws.append(["SYNTHETIC SAMPLE DATA generated by wellled: see the Trusts sheet."])
    return wb


def save_macro_enabled(wb: Workbook, path: Path) -> None:
    """Save as a macro-enabled workbook (.xlsm content type) without any macro part."""
    save_workbook(wb, path)
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == "[Content_Types].xml":
                data = data.replace(XLSX_WORKBOOK.encode(), XLSM_WORKBOOK.encode())
            target.writestr(info, data)


def write(out: Path, universe: Universe) -> int:
    files = 0
    for month in months(universe):
        for setting in SETTINGS:
            name = f"friends-and-family-test-{setting}-data-{month:%B}-{month.year}.xlsm".lower()
            save_macro_enabled(_workbook(universe, month, setting), out / "fft" / f"{month:%Y-%m}" / name)
            files += 1
    return files
