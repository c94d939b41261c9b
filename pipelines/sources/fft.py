"""Friends and Family Test (NHS England, monthly macro-enabled workbook) -> raw.fft_responses.

Only the `Trusts` sheet's cells are read (python-calamine reads values; the workbook's macros are never
run or even opened). The setting is recognised from the layout (docs/sources.md, "Friends and Family Test"):

- inpatient: header rows 10-11, England rows 12-13 (including / excluding the independent sector), the
  "Selection (excluding suppressed data)" row 14, trusts from row 15; a `Wards` sheet; mode columns include
  `Mode Electronic Home`;
- A&E: header rows 3-4, England row 5, Selection row 6, trusts from row 7; no `Wards` sheet and no
  `Mode Electronic Home`.

Percentages are stored as 0-1 fractions and become 0-100. `*` is the publisher's suppression (fewer than 5
responses, and cells suppressed so that those cannot be worked out): null with `is_suppressed`. `-` is a
percentage that could not be calculated: null, not suppressed. The England and Selection rows are the
publisher's own totals, checked for position and skipped. Independent-sector providers are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from python_calamine import CalamineError, CalamineWorkbook

from .landing import LandedFile, SourceError, check_xlsx_container, refuse_duplicate_keys
from .months import folder_month, named_month

SHEET = "Trusts"
SUPPRESSED, NOT_CALCULABLE = "*", "-"
RESPONSES = ("Very Good", "Good", "Neither Good nor Poor", "Poor", "Very Poor", "Don't Know")
_MODES = ("Mode SMS", "Mode Electronic Discharge", "Mode Electronic Home", "Mode Paper Discharge", "Mode Paper Home",
          "Mode Telephone", "Mode Online", "Mode Other")
_IDS = ("ICB Code", "Trust Code", "Trust Name", "Total Responses", "Total Eligible", "Percentage Positive",
        "Percentage Negative")
_HINT = "See docs/sources.md (Friends and Family Test) for the layouts wellled reads."


@dataclass(frozen=True)
class Layout:
    setting: str
    header_row: int  # 1-based: the header row; the sub-header row follows it
    england_rows: tuple[int, int]
    selection_row: int
    columns: tuple[str, ...]
    has_wards: bool


LAYOUTS = (
    Layout("inpatient", 10, (12, 13), 14, (*_IDS, *RESPONSES, *_MODES), True),
    Layout("ae", 3, (5,), 6, (*_IDS, *RESPONSES, *(m for m in _MODES if m != "Mode Electronic Home")), False),
)


def _key(text: object) -> str:
    """Header text compared without case, extra spaces or curly apostrophes."""
    return " ".join(str(text).replace("\u2019", "'").split()).casefold()


def parse(file: LandedFile, keyed: dict[tuple, str]) -> list[tuple]:
    sheets, rows = _read(file)
    layout, columns = _recognise(file, sheets, rows)
    month = _check_month(file)
    out = []
    seen: dict[str, int] = {}
    first = layout.selection_row + 1
    for number in range(first, len(rows) + 1):
        row = rows[number - 1]
        code = str(_cell(row, columns["trust code"])).strip().upper()
        if not code:
            if any(str(c).strip() for c in row):
                raise SourceError(file.relpath, "has values but no Trust Code.", sheet=SHEET, row=number, hint=_HINT)
            continue
        if code in seen:
            raise SourceError(file.relpath, f"Trust Code {code} appears twice (rows {seen[code]} and {number}).",
                              sheet=SHEET, row=number, hint="Remove the duplicate row.")
        seen[code] = number
        refuse_duplicate_keys(keyed, ("fft", layout.setting, month, code), file.relpath,
                              f"the {month:%Y-%m} {layout.setting} FFT results of {code}")
        values = {name: _value(file, number, name, _cell(row, columns[_key(name)]))
                  for name in ("Total Responses", "Total Eligible", "Percentage Positive", "Percentage Negative",
                               *RESPONSES)}
        suppressed = any(v == SUPPRESSED for v in values.values())
        number_of = {name: (None if v in (SUPPRESSED, NOT_CALCULABLE) else v) for name, v in values.items()}
        out.append((month, layout.setting, code, _text(_cell(row, columns["trust name"])),
                    _text(_cell(row, columns["icb code"])), _count(file, number, "Total Responses", number_of),
                    _count(file, number, "Total Eligible", number_of),
                    _percentage(file, number, "Percentage Positive", number_of),
                    _percentage(file, number, "Percentage Negative", number_of),
                    *(_count(file, number, name, number_of) for name in RESPONSES), suppressed, SHEET, number))
    if not out:
        raise SourceError(file.relpath, f"has no trust rows below row {layout.selection_row}.", sheet=SHEET,
                          hint="Land the complete workbook as published.")
    return out


def _read(file: LandedFile) -> tuple[list[str], list[list]]:
    check_xlsx_container(file)
    try:
        workbook = CalamineWorkbook.from_path(str(file.path))
        names = list(workbook.sheet_names)
        sheet = next((n for n in names if n.strip().casefold() == SHEET.casefold()), None)
        if sheet is None:
            raise SourceError(file.relpath, f"has no '{SHEET}' sheet (sheets: {', '.join(names)}): not a Friends and "
                                            "Family Test workbook wellled recognises.", hint=_HINT)
        return names, workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as exc:
        if isinstance(exc, SourceError):
            raise
        raise SourceError(file.relpath, f"cannot be read as a workbook ({exc}).",
                          hint="Download the file again from the publisher.") from None


def _recognise(file: LandedFile, sheets: list[str], rows: list[list]) -> tuple[Layout, dict[str, int]]:
    has_wards = any(s.strip().casefold() == "wards" for s in sheets)
    header_at = next((i + 1 for i, row in enumerate(rows[:30]) if any(_key(c) == "trust code" for c in row)), None)
    layout = next((lay for lay in LAYOUTS if lay.header_row == header_at), None)
    if layout is None:
        where = f"row {header_at}" if header_at else "none of the first 30 rows"
        raise SourceError(file.relpath, f"is not a Friends and Family Test layout wellled recognises: the 'Trust Code' "
                                        f"header is in {where}; the inpatient layout has it in row 10, A&E in row 3.",
                          sheet=SHEET, row=header_at, hint=_HINT)
    if layout.has_wards != has_wards:
        which = "no" if layout.has_wards else "a"
        raise SourceError(file.relpath, f"has the {layout.setting} Trusts layout but {which} 'Wards' sheet, which "
                                        "does not fit it.", hint=_HINT)
    header, sub = rows[header_at - 1], _row(rows, header_at + 1)
    columns: dict[str, int] = {}
    for i in range(max(len(header), len(sub))):
        name = _key(_cell(sub, i)) or _key(_cell(header, i))
        if name:
            columns.setdefault(name, i)
    wanted = [_key(c) for c in layout.columns]
    missing = [c for c, k in zip(layout.columns, wanted, strict=True) if k not in columns]
    extra = [name for name in columns if name not in wanted]
    if missing or extra:
        raise SourceError(file.relpath, f"header rows {header_at}-{header_at + 1} are not the {layout.setting} layout: "
                                        + (f"missing {missing}" if missing else "")
                                        + ("; " if missing and extra else "")
                                        + (f"unexpected {extra}" if extra else "") + ".",
                          sheet=SHEET, row=header_at, hint=_HINT)
    for number, label in ((n, "England") for n in layout.england_rows):
        _check_label(file, rows, number, label)
    _check_label(file, rows, layout.selection_row, "Selection")
    return layout, columns


def _check_label(file: LandedFile, rows: list[list], number: int, label: str) -> None:
    if not any(label.casefold() in str(c).casefold() for c in _row(rows, number)[:4]):
        raise SourceError(file.relpath, f"row {number} should be the publisher's '{label}' row; found "
                                        f"{[c for c in _row(rows, number)[:4] if str(c).strip()] or 'an empty row'}.",
                          sheet=SHEET, row=number, hint="Restore the published layout (no inserted or deleted rows).")


def _check_month(file: LandedFile) -> dt.date:
    """The folder's month; a month the file's name gives (as the publisher names them) must agree with it."""
    folder = folder_month(file.period)
    named = named_month(file.path.stem)
    if named is not None and named != folder:
        raise SourceError(file.relpath, f"is named for {named:%B %Y} but sits in folder fft/{file.period}/.",
                          hint=f"Move it to fft/{named:%Y-%m}/ or land the {folder:%B %Y} file.")
    return folder


def _row(rows: list[list], number: int) -> list:
    return rows[number - 1] if 0 < number <= len(rows) else []


def _cell(row: list, index: int):
    return row[index] if index < len(row) else ""


def _value(file: LandedFile, row: int, column: str, value) -> float | str | None:
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if text in (SUPPRESSED, NOT_CALCULABLE):
        return SUPPRESSED if text == SUPPRESSED else NOT_CALCULABLE
    if not text:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise SourceError(file.relpath, f"{column} holds '{text}', which is neither a number, '*' (suppressed) nor "
                                        "'-' (not calculable).", sheet=SHEET, row=row, hint=_HINT) from None


def _count(file: LandedFile, row: int, column: str, values: dict) -> int | None:
    value = values[column]
    if value is None:
        return None
    if value != int(value) or value < 0:
        raise SourceError(file.relpath, f"{column} {value:g} is not a count (a whole number, 0 or more).",
                          sheet=SHEET, row=row, hint=_HINT)
    return int(value)


def _percentage(file: LandedFile, row: int, column: str, values: dict) -> float | None:
    value = values[column]
    if value is None:
        return None
    if not 0 <= value <= 1:
        raise SourceError(file.relpath, f"{column} {value:g} is not a fraction 0-1, as the publisher stores "
                                        "percentages.", sheet=SHEET, row=row, hint=_HINT)
    return value * 100


def _text(value) -> str | None:
    text = str(value).strip()
    return text or None
