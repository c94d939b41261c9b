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
from operator import itemgetter

import numpy as np
import pyarrow as pa
from python_calamine import CalamineError, CalamineWorkbook

from ..safe_text import shown
from . import columns
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
    """What one workbook contributed: rows per raw table (without lineage) and how it was recognised. The long
    tables (one row per cell) come as Arrow tables built column by column; the others as row tuples."""

    kind: str
    year: int | None
    tables: dict[str, list[tuple] | pa.Table] = field(default_factory=dict)


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
    data_sheets = [name for name in sheets if name.strip().lower() != "notes"]
    if not data_sheets:
        raise SourceError(file.relpath, "has no result sheets besides Notes.")
    organisations: dict[str, tuple] = {}
    scores: set[str] = set()
    score_tables, option_tables = [], []
    for name in data_sheets:
        rows = sheets[name]
        _check_header(file, name, rows)
        blocks = list(_blocks(file, name, rows))
        scores.update(block.code for block in blocks if block.is_score)
        data = _Cells(file, name, _data_rows(file, name, rows), blocks)
        for index, row in data.rows:
            org = str(row[0]).strip()
            organisations.setdefault(org, (year, org, *(_text(_cell(row, i)) for i in range(1, 6)), index + 1))
        orgs = [str(row[0]).strip() for _, row in data.rows]
        cells = data.long([b for b in blocks if b.is_score])
        score_tables.append(_table({
            "survey_year": cells.constant(year), "org_code": cells.per_row(orgs), "measure_code": cells.code,
            "measure_name": cells.text, "score": cells.value, "base_n": cells.base_n(when_value_suppressed=False),
            "is_suppressed": cells.suppressed, "_sheet": cells.constant(name), "_row_number": cells.row_number}))
        cells = data.long([b for b in blocks if not b.is_score])
        option_tables.append(_table({
            "survey_year": cells.constant(year), "org_code": cells.per_row(orgs), "question_code": cells.code,
            "question_text": cells.text, "option_order": cells.order, "option_label": cells.label,
            "pct": cells.value, "base_n": cells.base_n(when_value_suppressed=True),
            "is_suppressed": cells.suppressed, "_sheet": cells.constant(name), "_row_number": cells.row_number}))
        data.raise_deferred()
    _require_scores(file, sheets, scores)
    return Parsed("organisational_results", year, {
        "staff_survey_organisations": list(organisations.values()),
        "staff_survey_scores": pa.concat_tables(score_tables),
        "staff_survey_question_options": pa.concat_tables(option_tables)})


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


class _Cells:
    """The numeric cells a sheet's blocks read, from its data rows, parsed once for the whole sheet.

    Cells are read in the order a person reads the sheet (row by row; in a row, each block's base then its
    values), so the first bad cell found is the one reported. Most cells are plain numbers and taken as they
    are; the others (text, '-', blanks) go through _number one by one, with its rules and messages.
    A bad row found while listing the rows (a duplicate) is reported after the cells of the rows above it.
    """

    def __init__(self, file: LandedFile, sheet: str, rows: Iterator[tuple[int, list]], blocks: list[_Block]):
        self.rows: list[tuple[int, list]] = []
        self.deferred: SourceError | None = None
        try:
            for index, row in rows:
                self.rows.append((index, row))
        except SourceError as error:
            self.deferred = error
        self.columns = [c for block in blocks for c in (block.base_column, *(i for i, _ in block.value_columns))]
        self.position = {c: p for p, c in enumerate(self.columns)}
        self.row_numbers = np.array([index + 1 for index, _ in self.rows], dtype=np.int64)
        width = len(self.columns)
        flat = _cells_in_order(self.rows, self.columns)
        values = np.fromiter((v if type(v) is float else math.nan for v in flat), np.float64, len(flat))
        suppressed = np.zeros(len(flat), dtype=bool)
        for i in np.flatnonzero(~np.isfinite(values)).tolist():  # not a finite float: the general rules
            number, suppressed[i] = _number(file, sheet, int(self.row_numbers[i // width]),
                                            self.columns[i % width], flat[i])
            values[i] = math.nan if number is None else number
        self.values = values.reshape(len(self.rows), width)
        self.suppressed = suppressed.reshape(len(self.rows), width)
        self.file, self.sheet = file, sheet

    def raise_deferred(self) -> None:
        if self.deferred is not None:
            raise self.deferred

    def long(self, blocks: list[_Block]) -> _Long:
        """One row per (data row, block, value column), in reading order."""
        slots = [(block, order, column, label) for block in blocks
                 for order, (column, label) in enumerate(block.value_columns, start=1)]
        return _Long(self, slots)


def _cells_in_order(rows: list[tuple[int, list]], columns: list[int]) -> list:
    if not columns or not rows:
        return []
    pick = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    width = max(columns) + 1
    return [v for _, row in rows for v in pick(row if len(row) >= width else [*row, *[""] * (width - len(row))])]


class _Long:
    """Columns of the long table of some blocks: each data row repeated once per value column (slot)."""

    def __init__(self, cells: _Cells, slots: list[tuple[_Block, int, int, str]]):
        self.cells, self.slots = cells, slots
        rows, width = len(cells.rows), len(slots)
        self.size = rows * width
        self.slot = np.tile(np.arange(width), rows)  # each long row's slot
        value_at = [cells.position[column] for _, _, column, _ in slots]
        base_at = [cells.position[block.base_column] for block, _, _, _ in slots]
        self._base_suppressed = cells.suppressed[:, base_at].ravel()
        self._suppressed = cells.suppressed[:, value_at].ravel() | self._base_suppressed
        self._base = cells.values[:, base_at].ravel()
        self.orders = np.array([order for _, order, _, _ in slots], dtype=np.int64)[self.slot]
        self.row_number = pa.array(np.repeat(cells.row_numbers, width))
        self.code = self.per_slot([block.code for block, _, _, _ in slots])
        self.text = self.per_slot([block.text for block, _, _, _ in slots])
        self.label = self.per_slot([label for _, _, _, label in slots])
        self.order = pa.array(self.orders)
        self.value = pa.array(np.where(self._suppressed, math.nan, cells.values[:, value_at].ravel()), from_pandas=True)
        self.suppressed = pa.array(self._suppressed)

    def per_slot(self, values: list[str | None]) -> pa.Array:
        """One value per slot (block and value column), repeated for every data row."""
        return columns.tiled(values, len(self.cells.rows))

    def per_row(self, values: list[str | None]) -> pa.Array:
        """One value per data row, repeated for every slot."""
        return columns.repeated(values, len(self.slots))

    def constant(self, value) -> pa.Array:
        return columns.constant(value, self.size)

    def base_n(self, *, when_value_suppressed: bool) -> pa.Array:
        """The base as a whole number: null when blank or suppressed ('-' in the base; with
        `when_value_suppressed` False, also when the value is)."""
        hidden = self._base_suppressed if when_value_suppressed else self._suppressed
        base = np.where(hidden, math.nan, self._base)
        shown = ~np.isnan(base)
        too_large = shown & (np.abs(base) >= 2.0 ** 63)
        if too_large.any():
            at = int(np.flatnonzero(too_large)[0])
            block = self.slots[at % len(self.slots)][0]
            raise SourceError(self.cells.file.relpath, f"column {_column_letter(block.base_column)} holds "
                                                       f"{base[at]:.0f} responses, more than any survey has.",
                              sheet=self.cells.sheet, row=int(self.cells.row_numbers[at // len(self.slots)]),
                              hint="Correct the cell or download the file again.")
        whole = np.zeros(len(base), dtype=np.int64)
        whole[shown] = np.rint(base[shown])
        return pa.array(whole, mask=~shown)


def _table(columns: dict[str, pa.Array]) -> pa.Table:
    return pa.table(columns)


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
    out: list[pa.Table] = []
    scores: set[str] = set()
    data_sheets = [name for name in sheets if name.strip().lower() != "notes"]
    if not data_sheets:
        raise SourceError(file.relpath, "has no result sheets besides Notes.")
    for name in data_sheets:
        rows = sheets[name]
        _check_header(file, name, rows, NATIONAL_ID_COLUMNS)
        blocks = list(_blocks(file, name, rows, len(NATIONAL_ID_COLUMNS)))
        scores.update(block.code for block in blocks if block.is_score)
        data = _Cells(file, name, _breakdown_rows(file, name, rows), blocks)
        cells = data.long(blocks)
        ids = {column: cells.per_row([_text(_cell(row, i)) for _, row in data.rows])
               for i, column in enumerate(("base_label", "breakdown", "breakdown_subgroup", "weighting"))}
        kinds = ["score" if block.is_score else "question" for block, _, _, _ in cells.slots]
        is_score = np.array([block.is_score for block, _, _, _ in cells.slots], dtype=bool)[cells.slot]
        out.append(_table({
            "survey_year": cells.constant(year), **ids,
            "result_kind": cells.per_slot(kinds), "code": cells.code, "label_text": cells.text,
            "option_order": pa.array(cells.orders, mask=is_score), "option_label": cells.label,
            "value": cells.value, "base_n": cells.base_n(when_value_suppressed=False),
            "is_suppressed": cells.suppressed, "_sheet": cells.constant(name), "_row_number": cells.row_number}))
        data.raise_deferred()
    _require_scores(file, sheets, scores)
    return Parsed("national_results", year, {"staff_survey_national": pa.concat_tables(out)})


def _breakdown_rows(file: LandedFile, sheet: str, rows: list[list]) -> Iterator[tuple[int, list]]:
    seen: dict[tuple, int] = {}
    for index in range(HEADER_ROW + 1, len(rows)):
        row = rows[index]
        if _text(_cell(row, 0)) is None:
            continue  # each sheet ends with a blank row
        key = (_text(_cell(row, 1)), _text(_cell(row, 2)))
        if key in seen:
            raise SourceError(file.relpath, f"breakdown {key[0] or '(national)'} / {key[1] or '-'} appears "
                                            f"twice (rows {seen[key]} and {index + 1}).", sheet=sheet, row=index + 1,
                              hint="Remove the duplicate row.")
        seen[key] = index + 1
        yield index, row


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
