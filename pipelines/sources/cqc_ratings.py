"""CQC "Latest ratings" spreadsheet (monthly, .ods or an .xlsx copy) -> raw.cqc_ratings.

Only the `Providers` sheet is read, and only NHS trusts' own ratings are kept: rows whose Provider Type is
`NHS Healthcare Organisation` and whose Service / Population Group is `Overall` (the trust-level Overall and
five key-question ratings; the other groups are core services). The header row is recognised by column
name (docs/sources.md, "CQC ratings"); `Key Question` is the 2015-16 name of `Domain`.

The file is about 1 GB expanded, most of it the Locations sheet: an .ods is streamed row by row
(`opendocument.iter_rows`, flat memory); an .xlsx is read by python-calamine, which loads the Providers
sheet only. Allowed domains and ratings, and a rating published no later than its release, are the raw
suite's rules (`expectations/raw_cqc_ratings.json`). A provider rated twice on one date stays twice here, as
CQC publishes it; staging decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from python_calamine import CalamineError, CalamineWorkbook

from . import opendocument
from .landing import LandedFile, SourceError, check_xlsx_container, refuse_duplicate_keys
from .months import folder_month, named_month

SHEET = "Providers"
NHS_TRUST = "NHS Healthcare Organisation"
TRUST_LEVEL = "Overall"
REQUIRED = ("Provider ID", "Provider Name", "Provider Type", "Service / Population Group", "Domain",
            "Latest Rating", "Publication Date", "Report Type")
OPTIONAL = ("Provider ODS Code", "Provider Primary Inspection Category", "Provider NHS Region",
            "Inherited Rating (Y/N)")
ALIASES = {"Key Question": "Domain"}
# Streaming keeps memory flat, but parsing still takes time: a file expanding past this is not the published one.
MAX_EXPANDED_BYTES = 4 * 1024**3
_HINT = "See docs/sources.md (CQC ratings) for the layout wellled reads."


def parse(file: LandedFile, keyed: dict[tuple, str]) -> list[tuple]:
    release = dt.date.fromisoformat(file.period)
    named = named_month(file.path.stem)
    if named is not None and named != folder_month(file.period):
        raise SourceError(file.relpath, f"is named for {named:%B %Y} but sits in folder cqc_ratings/{file.period}/.",
                          hint=f"Move it to the folder of its release date (e.g. cqc_ratings/{named:%Y-%m}-01/).")
    rows = _rows(file)
    columns = _header(file, rows)
    out = []
    for number, cells in rows:
        value = {name: _cell(cells, i) for name, i in columns.items()}
        if _text(value["Provider Type"]) != NHS_TRUST or _text(value["Service / Population Group"]) != TRUST_LEVEL:
            continue
        provider = (_text(value["Provider ID"]) or "").upper()
        if not provider:
            raise SourceError(file.relpath, "has an NHS trust rating without a Provider ID.", sheet=SHEET, row=number,
                              hint=_HINT)
        domain = _text(value["Domain"])
        refuse_duplicate_keys(keyed, ("cqc_ratings", release, provider, domain), file.relpath,
                              f"the {release} {domain} rating of {provider}")
        out.append((release, provider, _text(value.get("Provider ODS Code")), _text(value["Provider Name"]), NHS_TRUST,
                    _text(value.get("Provider Primary Inspection Category")), _text(value.get("Provider NHS Region")),
                    TRUST_LEVEL, domain, _text(value["Latest Rating"]),
                    _date(file, number, value["Publication Date"]), _text(value["Report Type"]),
                    _yes_no(file, number, value.get("Inherited Rating (Y/N)")), SHEET, number))
    if not out:
        raise SourceError(file.relpath, f"has no ratings of NHS trusts (Provider Type '{NHS_TRUST}', Service / "
                                        f"Population Group '{TRUST_LEVEL}') in its {SHEET} sheet.", sheet=SHEET,
                          hint="Land the complete Latest ratings file as CQC publishes it.")
    return out


def _rows(file: LandedFile) -> Iterator[tuple[int, list]]:
    """(row number, cells) of the Providers sheet's non-empty rows, read lazily."""
    if file.path.suffix.lower() == ".ods":
        return _ods_rows(file)
    check_xlsx_container(file, MAX_EXPANDED_BYTES)
    try:
        workbook = CalamineWorkbook.from_path(str(file.path))
        sheet = _sheet_name(file, workbook.sheet_names)
        data = workbook.get_sheet_by_name(sheet)
    except (CalamineError, ValueError, OSError) as exc:
        if isinstance(exc, SourceError):
            raise
        raise SourceError(file.relpath, f"cannot be read as an XLSX workbook ({exc}).",
                          hint="Download the file again from CQC.") from None
    first = (data.start or (0, 0))[0] + 1
    return ((number, cells) for number, cells in enumerate(data.iter_rows(), start=first)
            if any(c not in ("", None) for c in cells))


def _ods_rows(file: LandedFile) -> Iterator[tuple[int, list]]:
    try:
        if opendocument.expanded_size(file.path) > MAX_EXPANDED_BYTES:
            raise SourceError(file.relpath, f"decompresses to more than {MAX_EXPANDED_BYTES / 1e9:.0f} GB, beyond any "
                                            "published ratings file.", hint="Check the file is the one CQC publishes.")
        yield from opendocument.iter_rows(file.path, SHEET)
    except KeyError:
        names = opendocument.sheet_names(file.path)
        _sheet_name(file, names)  # refuses, naming the sheets found
        yield from opendocument.iter_rows(file.path, next(n for n in names if _same(n, SHEET)))
    except (opendocument.OdsError, ValueError) as exc:
        if isinstance(exc, SourceError):
            raise
        raise SourceError(file.relpath, f"cannot be read: {exc}.", sheet=SHEET,
                          hint="Download the file again from CQC.") from None


def _same(name: str, wanted: str) -> bool:
    return name.strip().casefold() == wanted.casefold()


def _sheet_name(file: LandedFile, names: list[str]) -> str:
    found = next((n for n in names if _same(n, SHEET)), None)
    if found is None:
        raise SourceError(file.relpath, f"has no '{SHEET}' sheet (sheets: {', '.join(names) or 'none'}): not a CQC "
                                        "Latest ratings file wellled recognises.", hint=_HINT)
    return found


def _header(file: LandedFile, rows: Iterator[tuple[int, list]]) -> dict[str, int]:
    """Column positions from the sheet's first row, checked against the layout."""
    number, header = next(rows, (1, []))
    positions: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = " ".join(str(cell or "").split())
        positions.setdefault(ALIASES.get(name, name), i)
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        found = ", ".join(n for n in positions if n) or "an empty row"
        raise SourceError(file.relpath, f"header is not the Latest ratings Providers layout: missing {missing}; "
                                        f"found {found}.", sheet=SHEET, row=number, hint=_HINT)
    return {name: positions[name] for name in (*REQUIRED, *OPTIONAL) if name in positions}


def _cell(cells: list, index: int):
    return cells[index] if index < len(cells) else None


def _text(value) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _date(file: LandedFile, row: int, value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value) or ""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise SourceError(file.relpath, f"Publication Date '{text}' is not a date (a date cell, dd/mm/yyyy or yyyy-mm-dd).",
                      sheet=SHEET, row=row, hint=_HINT)


def _yes_no(file: LandedFile, row: int, value) -> bool | None:
    text = (_text(value) or "").upper()
    if text in ("Y", "N"):
        return text == "Y"
    if not text:
        return None
    raise SourceError(file.relpath, f"Inherited Rating (Y/N) '{text}' is not Y or N.", sheet=SHEET, row=row, hint=_HINT)
