"""NHS Staff Survey workbooks -> tidy tables.

The layout is read from each file, never from a per-year map: the year from A1, question blocks from the
row-1 labels (`Q26a - <text>`), response options and bases from the row-5 header (docs/sources.md).
A workbook is recognised by its content: organisational results (row-5 header starts with `ODS code`),
national results (`Base`/`Breakdown` identifiers) or the benchmark workbook (an `org_id` column).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from python_calamine import CalamineError, CalamineWorkbook

from ..safe_text import shown
from .landing import LandedFile, SourceError, check_xlsx_container

TITLE = re.compile(r"^NHS Staff Survey (\d{4}) - (WEIGHTED|UNWEIGHTED) Results", re.IGNORECASE)
HEADER_ROW = 4  # row 5 in the spreadsheet
ID_COLUMNS = ("ODS code", "Organisation name", "Benchmarking group", "Region", "ICS", "Weighting")
NATIONAL_ID_COLUMNS = ("Base", "Breakdown", "Breakdown subgroup", "Weighting")
BASE_HEADER = "Base (number of responses)"
SUPPRESSED = "-"
THEME_CODES = {"Staff Engagement": "ENGAGEMENT", "Morale": "MORALE"}
# Every results workbook since 2021 scores these (sheets PEOPLE PROMISE ELEMENTS and THEMES). Sheet names change
# between years, so completeness is judged by content: a workbook missing one lost a sheet or had it emptied.
REQUIRED_SCORES = ("PP1", "PP2", "PP3", "PP4", "PP5", "PP6", "PP7", "ENGAGEMENT", "MORALE")
WRES_STEMS = ("har_from_pat", "har_from_staff", "equal", "q16b")
WRES_COLUMN = re.compile(r"^(?P<stem>" + "|".join(WRES_STEMS)
                         + r")_eth_summary_(?P<n>n_)?(?P<group>[12])_(?P<year>\d{4})$")
ETHNICITY_GROUPS = {"1": "white", "2": "bme"}
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,3})?", re.ASCII)


@dataclass
class Parsed:
    """What one workbook contributed: rows per raw table (without lineage) and how it was recognised."""

    kind: str
    year: int | None
    tables: dict[str, list[tuple]] = field(default_factory=dict)


def parse_workbook(file: LandedFile) -> Parsed:
    sheets = _read_sheets(file)
    kind = _recognise(file, sheets)
    if kind == "organisational_results":
        return _parse_organisational(file, sheets)
    if kind == "benchmark_workbook":
        return _parse_benchmark(file, sheets)
    return _parse_national(file, sheets)


def _read_sheets(file: LandedFile) -> dict[str, list[list]]:
    check_xlsx_container(file)
    try:
        workbook = CalamineWorkbook.from_path(str(file.path))
        return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}
    except (CalamineError, ValueError, OSError) as exc:
        raise SourceError(file.relpath, f"cannot be read as an XLSX workbook ({exc}).",
                          hint="Download the file again from the publisher.") from None


def _recognise(file: LandedFile, sheets: dict[str, list[list]]) -> str:
    headers = [rows[HEADER_ROW] if len(rows) > HEADER_ROW else [] for rows in sheets.values()]
    if any("Breakdown" in header[:4] for header in headers):
        return "national_results"
    if any(header[:1] == ["ODS code"] for header in headers) or _title_year(file, sheets) is not None:
        return "organisational_results"  # a titled workbook with a damaged header gets the header's error
    if any(row[:1] == ["org_id"] for rows in sheets.values() for row in rows[:10]):
        return "benchmark_workbook"
    raise SourceError(file.relpath, "is not a staff survey file wellled recognises: no sheet has the "
                                    "organisational results header ('ODS code' in A5), the national results "
                                    "breakdown header, or the benchmark workbook's 'org_id' column.",
                      hint="Check the sheets and header rows are as published (see docs/sources.md).")


def _cell(row: list, index: int):
    return row[index] if index < len(row) else ""


def _title_year(file: LandedFile, sheets: dict[str, list[list]]) -> int | None:
    years = {}
    for name, rows in sheets.items():
        match = TITLE.match(str(_cell(rows[0], 0))) if rows else None
        if match:
            years.setdefault(int(match.group(1)), name)
    if len(years) > 1:
        raise SourceError(file.relpath, f"sheets disagree on the survey year: {sorted(years)}.")
    return next(iter(years), None)


def check_year(file: LandedFile, year: int | None, where: str) -> int:
    if year is None:
        raise SourceError(file.relpath, f"{where} does not say which survey year it holds.",
                          hint="Check A1 reads 'NHS Staff Survey <YYYY> - WEIGHTED Results'.")
    if file.period is not None and str(year) != file.period:
        raise SourceError(file.relpath, f"holds survey year {year} but sits in folder {file.period}.",
                          hint=f"Move it to staff_survey/{year}/ or replace it with the {file.period} file.")
    return year


# --- organisational results -------------------------------------------------------------------------------


def _parse_organisational(file: LandedFile, sheets: dict[str, list[list]]) -> Parsed:
    year = check_year(file, _title_year(file, sheets), "A1 of its sheets")
    parsed = Parsed("organisational_results", year, {"staff_survey_organisations": [], "staff_survey_scores": [],
                                                     "staff_survey_question_options": []})
    data_sheets = [name for name in sheets if name.strip().lower() != "notes"]
    if not data_sheets:
        raise SourceError(file.relpath, "has no result sheets besides Notes.")
    organisations: dict[str, tuple] = {}
    scores: set[str] = set()
    for name in data_sheets:
        rows = sheets[name]
        _check_header(file, name, rows)
        blocks = list(_blocks(file, name, rows))
        scores.update(block.code for block in blocks if block.is_score)
        for index, row in _data_rows(file, name, rows):
            org = str(row[0]).strip()
            organisations.setdefault(org, (year, org, *(_text(_cell(row, i)) for i in range(1, 6)), index + 1))
            for block in blocks:
                target = "staff_survey_scores" if block.is_score else "staff_survey_question_options"
                parsed.tables[target].extend(block.rows(file, name, year, org, row, index + 1))
    _require_scores(file, sheets, scores)
    parsed.tables["staff_survey_organisations"] = list(organisations.values())
    return parsed


def _require_scores(file: LandedFile, sheets: dict[str, list[list]], scores: set[str]) -> None:
    missing = [code for code in REQUIRED_SCORES if code not in scores]
    if missing:
        raise SourceError(file.relpath, f"has no score column for {', '.join(missing)} (People Promise elements "
                                        f"and themes); its sheets are {list(sheets)}.",
                          hint="A sheet is missing or was emptied: land the complete workbook as published, with "
                               "its 'PEOPLE PROMISE ELEMENTS' and 'THEMES' sheets.")


def _check_header(file: LandedFile, sheet: str, rows: list[list], ids: tuple[str, ...] = ID_COLUMNS) -> None:
    header = rows[HEADER_ROW] if len(rows) > HEADER_ROW else []
    if tuple(str(h).strip() for h in header[: len(ids)]) != ids:
        raise SourceError(file.relpath, f"the header row 5 should start with {', '.join(ids)}; found "
                                        f"{shown(', '.join(map(str, header[:len(ids)])), 200) or 'an empty row'}.",
                          sheet=sheet, row=HEADER_ROW + 1, hint="Restore the published layout (no inserted rows).")


def _data_rows(file: LandedFile, sheet: str, rows: list[list]) -> Iterator[tuple[int, list]]:
    seen: dict[str, int] = {}
    for index in range(HEADER_ROW + 1, len(rows)):
        row = rows[index]
        code = str(_cell(row, 0)).strip()
        if not code:
            continue  # each sheet ends with a blank row
        if code in seen:
            raise SourceError(file.relpath, f"organisation {shown(code)} appears twice (rows {seen[code]} and "
                                            f"{index + 1}).", sheet=sheet, row=index + 1,
                              hint="Remove the duplicate row.")
        seen[code] = index + 1
        yield index, row


def _text(value) -> str | None:
    text = str(value).strip()
    return None if text in ("", SUPPRESSED) else text


@dataclass
class _Block:
    """One question (or one measure) and the columns that hold it."""

    code: str
    text: str
    is_score: bool
    value_columns: list[tuple[int, str]]  # (column index, option label or "score")
    base_column: int

    def rows(self, file: LandedFile, sheet: str, year: int, org: str, row: list, row_number: int) -> Iterator[tuple]:
        base, base_suppressed = _number(file, sheet, row_number, self.base_column, _cell(row, self.base_column))
        base_n = None if base is None else int(round(base))
        for order, (column, label) in enumerate(self.value_columns, start=1):
            value, suppressed = _number(file, sheet, row_number, column, _cell(row, column))
            suppressed = suppressed or base_suppressed
            value = None if suppressed else value
            if self.is_score:
                yield (year, org, self.code, self.text, value, None if suppressed else base_n, suppressed, sheet,
                       row_number)
            else:
                yield (year, org, self.code, self.text, order, label, value, None if base_suppressed else base_n,
                       suppressed, sheet, row_number)


def _number(file: LandedFile, sheet: str, row_number: int, column: int, value) -> tuple[float | None, bool]:
    """A numeric cell, or a text cell holding a number in ASCII digits (float() would also take `1_5`,
    full-width digits, `inf` and `nan`); '-' is suppressed. Plausible ranges are the raw gates' rules."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        if math.isfinite(value):
            return float(value), False
        value = str(value)
    text = str(value).strip()
    if text == SUPPRESSED:
        return None, True
    if text == "":
        return None, False
    if _DECIMAL.fullmatch(text) and math.isfinite(float(text)):
        return float(text), False
    raise SourceError(file.relpath, f"column {_column_letter(column)} holds '{shown(text)}', which is neither a "
                                    f"number in the digits 0-9 nor '-' (suppressed).", sheet=sheet, row=row_number,
                      hint="Correct the cell or download the file again.")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _blocks(file: LandedFile, sheet: str, rows: list[list], first: int = len(ID_COLUMNS)) -> Iterator[_Block]:
    labels, header = rows[0], rows[HEADER_ROW]
    starts = [i for i in range(first, len(header)) if str(_cell(labels, i)).strip()]
    if not starts:
        raise SourceError(file.relpath, "row 1 has no question labels ('<code> - <text>').", sheet=sheet, row=1)
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(header)
        code, _, text = str(labels[start]).strip().partition(" - ")
        code = THEME_CODES.get(code.strip(), code.strip())
        headers = [(i, str(header[i]).strip()) for i in range(start, end) if str(header[i]).strip()]
        bases = [i for i, h in headers if h == BASE_HEADER]
        values = [(i, h) for i, h in headers if h != BASE_HEADER]
        if len(bases) != 1 or not values:
            raise SourceError(file.relpath, f"the columns of {shown(code)} should be its options or score followed by "
                                            f"one '{BASE_HEADER}' column; found {shown([h for _, h in headers], 200)}.",
                              sheet=sheet, row=HEADER_ROW + 1)
        is_score = all(h.endswith(" - score") for _, h in values)
        if is_score:
            values = [(i, "score") for i, _ in values]
        else:
            values = [(i, h[2:].strip() if h.startswith("% ") else h) for i, h in values]
        yield _Block(code, text.strip(), is_score, values, bases[0])


# --- national results ---------------------------------------------------------------------------------------


def _parse_national(file: LandedFile, sheets: dict[str, list[list]]) -> Parsed:
    """All trusts nationally and each breakdown (region, ethnicity summary, occupation ...) in long form.

    Same sheets and blocks as the organisational results; the identifiers are Base, Breakdown, Breakdown
    subgroup and Weighting (docs/sources.md). The all-trusts row has a blank Breakdown, kept null here.
    """
    year = check_year(file, _title_year(file, sheets), "A1 of its sheets")
    out: list[tuple] = []
    scores: set[str] = set()
    data_sheets = [name for name in sheets if name.strip().lower() != "notes"]
    if not data_sheets:
        raise SourceError(file.relpath, "has no result sheets besides Notes.")
    for name in data_sheets:
        rows = sheets[name]
        _check_header(file, name, rows, NATIONAL_ID_COLUMNS)
        blocks = list(_blocks(file, name, rows, len(NATIONAL_ID_COLUMNS)))
        scores.update(block.code for block in blocks if block.is_score)
        seen: dict[tuple, int] = {}
        for index in range(HEADER_ROW + 1, len(rows)):
            row = rows[index]
            base_label = _text(_cell(row, 0))
            if base_label is None:
                continue  # each sheet ends with a blank row
            breakdown, subgroup, weighting = (_text(_cell(row, i)) for i in (1, 2, 3))
            key = (breakdown, subgroup)
            if key in seen:
                raise SourceError(file.relpath, f"breakdown {breakdown or '(national)'} / {subgroup or '-'} appears "
                                                f"twice (rows {seen[key]} and {index + 1}).", sheet=name, row=index + 1,
                                  hint="Remove the duplicate row.")
            seen[key] = index + 1
            for block in blocks:
                for r in block.rows(file, name, year, base_label, row, index + 1):
                    if block.is_score:
                        _, _, code, text, value, base_n, suppressed, sheet, row_number = r
                        order, label = None, "score"
                    else:
                        _, _, code, text, order, label, value, base_n, suppressed, sheet, row_number = r
                    out.append((year, base_label, breakdown, subgroup, weighting,
                                "score" if block.is_score else "question", code, text, order, label, value, base_n,
                                suppressed, sheet, row_number))
    _require_scores(file, sheets, scores)
    return Parsed("national_results", year, {"staff_survey_national": out})


# --- benchmark workbook (WRES 5-8 ethnicity splits) --------------------------------------------------------


def _parse_benchmark(file: LandedFile, sheets: dict[str, list[list]]) -> Parsed:
    """Only the folder year's columns are taken: each year's workbook repeats the history of earlier ones."""
    wanted_year = int(file.period) if file.period else None
    rows_out: list[tuple] = []
    years_seen: set[int] = set()
    for name, rows in sheets.items():
        header_index = next((i for i, row in enumerate(rows[:10]) if row[:1] == ["org_id"]), None)
        if header_index is None:
            continue
        header = [str(h).strip() for h in rows[header_index]]
        columns: dict[tuple[str, str], dict[str, int]] = {}
        for i, h in enumerate(header):
            match = WRES_COLUMN.match(h)
            if match:
                years_seen.add(int(match.group("year")))
                if wanted_year is None or int(match.group("year")) == wanted_year:
                    key = (match.group("stem"), ETHNICITY_GROUPS[match.group("group")])
                    columns.setdefault(key, {})["n" if match.group("n") else "value"] = i
        seen: dict[str, int] = {}
        for index in range(header_index + 1, len(rows)):
            row = rows[index]
            org = str(_cell(row, 0)).strip()
            if not org:
                continue
            if org in seen:
                raise SourceError(file.relpath, f"organisation {shown(org)} appears twice (rows {seen[org]} and "
                                                f"{index + 1}).", sheet=name, row=index + 1)
            seen[org] = index + 1
            for (stem, ethnicity), where in columns.items():
                value = _fraction(file, name, index + 1, where.get("value"), row)
                base = _number(file, name, index + 1, where["n"], _cell(row, where["n"]))[0] if "n" in where else None
                rows_out.append((wanted_year, org, name, stem, ethnicity, value,
                                 None if base is None else int(round(base)), name, index + 1))
    if wanted_year is not None and wanted_year not in years_seen:
        raise SourceError(file.relpath, f"sits in folder {wanted_year} but has no WRES columns for {wanted_year} "
                                        f"(it has {sorted(years_seen) or 'none'}).",
                          hint="Move it to the folder of its latest year.")
    return Parsed("benchmark_workbook", wanted_year, {"staff_survey_wres": rows_out})


def _fraction(file: LandedFile, sheet: str, row_number: int, column: int | None, row: list) -> float | None:
    if column is None:
        return None
    value, _ = _number(file, sheet, row_number, column, _cell(row, column))
    if value is not None and not 0 <= value <= 1:
        raise SourceError(file.relpath, f"column {_column_letter(column)} holds {value}, but the benchmark workbook "
                                        "publishes rates as fractions 0-1.", sheet=sheet, row=row_number,
                          hint="Check the file is the published benchmark workbook, not a converted copy.")
    return None if value is None else value * 100
