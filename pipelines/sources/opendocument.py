"""Reading one sheet of an OpenDocument spreadsheet (.ods) row by row, in bounded memory.

python-calamine reads ODS, but it parses every sheet of `content.xml` into memory when the workbook is
opened (its `iter_rows` walks a sheet already held whole); the CQC ratings file is about 1 GB expanded, most
of it a Locations sheet wellled does not use. This reader streams `content.xml` out of the zip with the
standard library's incremental XML parser and keeps only the current row: memory stays flat however large
the file (bench/cqc_ratings_memory.py measures both).

Rows come as (spreadsheet row number, cells); empty rows are skipped but counted, so numbers match what a
spreadsheet shows. Repeated cells and rows (`number-columns-repeated`, `number-rows-repeated`, how ODS
stores runs of equal or empty cells) are expanded, except trailing empty ones.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, iterparse

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_SHEET, _ROW = _TABLE + "table", _TABLE + "table-row"
_CELLS = (_TABLE + "table-cell", _TABLE + "covered-table-cell")
# A run of equal non-empty cells or rows longer than this is not a published table: refuse rather than expand.
MAX_REPEAT = 100_000

Value = str | float | bool | dt.date | dt.datetime | None


class OdsError(ValueError):
    """The file is not a readable OpenDocument spreadsheet (the caller names the file)."""


def _open_content(path: Path):
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise OdsError(f"not an OpenDocument spreadsheet (not a zip container: {exc})") from None
    try:
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
    except KeyError:
        mimetype = ""
    if mimetype != MIMETYPE:
        archive.close()
        raise OdsError(f"not an OpenDocument spreadsheet (mimetype '{mimetype or 'missing'}')")
    try:
        return archive, archive.open("content.xml")
    except KeyError:
        archive.close()
        raise OdsError("not an OpenDocument spreadsheet (no content.xml)") from None


def expanded_size(path: Path) -> int:
    """Bytes the zip's members decompress to (what a reader would have to parse)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise OdsError(f"not an OpenDocument spreadsheet (not a zip container: {exc})") from None


def _events(path: Path) -> Iterator[tuple[str, Element]]:
    archive, content = _open_content(path)
    try:
        yield from iterparse(content, events=("start", "end"))
    except ParseError as exc:
        raise OdsError(f"content.xml is not well-formed XML ({exc})") from None
    finally:
        content.close()
        archive.close()


def sheet_names(path: Path) -> list[str]:
    """Every sheet's name, in workbook order (reads the whole file: call it only to explain a refusal)."""
    return [element.get(_TABLE + "name", "") for event, element in _events(path)
            if event == "start" and element.tag == _SHEET]


def iter_rows(path: Path, sheet: str) -> Iterator[tuple[int, list[Value]]]:
    """(row number, cells) of every non-empty row of `sheet`. Raises KeyError when there is no such sheet."""
    found = False
    inside = False
    row_number = 0
    stack: list[Element] = []
    for event, element in _events(path):
        if event == "start":
            stack.append(element)
            if element.tag == _SHEET:
                inside = element.get(_TABLE + "name", "") == sheet
                found = found or inside
                row_number = 0
            continue
        stack.pop()
        if element.tag == _ROW:
            if inside:
                repeat = int(element.get(_TABLE + "number-rows-repeated", "1"))
                cells = _row_cells(element)
                if cells:
                    if repeat > MAX_REPEAT:
                        raise OdsError(f"sheet '{sheet}' repeats row {row_number + 1} {repeat:,} times")
                    for _ in range(repeat):
                        row_number += 1
                        yield row_number, list(cells)
                else:
                    row_number += repeat
            # The row is done with: drop it (and its finished siblings) so the tree never grows.
            if stack:
                stack[-1].clear()
        elif element.tag == _SHEET:
            if inside:
                return
            element.clear()
    if not found:
        raise KeyError(sheet)


def _row_cells(row: Element) -> list[Value]:
    cells: list[Value] = []
    pending_blanks = 0
    for cell in row:
        if cell.tag not in _CELLS:
            continue
        repeat = int(cell.get(_TABLE + "number-columns-repeated", "1"))
        value = _cell_value(cell)
        if value is None:
            pending_blanks += repeat  # kept only if a value follows: trailing blanks are dropped
            continue
        if repeat > MAX_REPEAT:
            raise OdsError(f"a cell is repeated {repeat:,} times in one row")
        cells.extend([None] * pending_blanks)
        pending_blanks = 0
        cells.extend([value] * repeat)
    return cells


def _cell_value(cell: Element) -> Value:
    kind = cell.get(_OFFICE + "value-type")
    if kind in ("float", "percentage", "currency"):
        return float(cell.get(_OFFICE + "value", "nan"))
    if kind == "date":
        text = cell.get(_OFFICE + "date-value", "")
        return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
    if kind == "boolean":
        return cell.get(_OFFICE + "boolean-value") == "true"
    if kind == "string" and cell.get(_OFFICE + "string-value") is not None:
        return cell.get(_OFFICE + "string-value")
    paragraphs = [_text(p) for p in cell if p.tag == _TEXT + "p"]
    text = "\n".join(paragraphs)
    return text if text else None


def _text(element: Element) -> str:
    """A paragraph's text: spans and links flattened, `text:s` runs of spaces, tabs and line breaks kept."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _TEXT + "s":
            parts.append(" " * int(child.get(_TEXT + "c", "1")))
        elif child.tag == _TEXT + "tab":
            parts.append("\t")
        elif child.tag == _TEXT + "line-break":
            parts.append("\n")
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
