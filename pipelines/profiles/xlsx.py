"""A small, fast XLSX writer for tables: one sheet per frame, a header row, typed cells.

A profile build writes a workbook for every organisation (hundreds of them, thousands of rows each), and a
general-purpose writer spends most of that time on per-cell bookkeeping. The format needs little for plain
tables: each column of a whole table is rendered to cell XML in one vectorised pass, and cells and rows carry no
reference (they are placed in order), so each organisation's sheet is a selection of the table's row XML.
Numbers are numeric cells, booleans boolean cells, everything else (dates included, as ISO text) inline
strings; nulls and infinities are empty cells (tabular.render writes the cells).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from .tabular import render

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '{sheets}</Types>')
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_STYLES = (  # style 1: bold, for the header row
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def row_xml(frame: pd.DataFrame) -> np.ndarray:
    """Each row of the frame as sheet XML (`<row>...</row>`); compute once for a table, then select rows."""
    return render(frame)[0]


@dataclass(frozen=True)
class Sheet:
    """A sheet's column names and its rows' XML (from row_xml, possibly a selection of a table's rows)."""
    columns: list[str]
    rows: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Sheet:
        return cls([str(c) for c in frame.columns], row_xml(frame))


def _sheet(sheet: Sheet) -> str:
    header = "".join(f'<c s="1" t="inlineStr"><is><t>{escape(c)}</t></is></c>' for c in sheet.columns)
    widths = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{min(60, max(10, len(c) + 2))}" '
                     'customWidth="1"/>' for i, c in enumerate(sheet.columns))
    cols = f"<cols>{widths}</cols>" if widths else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS}>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            f'state="frozen"/></sheetView></sheetViews>{cols}<sheetData><row>{header}</row>'
            f'{"".join(sheet.rows)}</sheetData></worksheet>')


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique within the workbook."""
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in name)[:31]
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate = f"{base[:28]}~{n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def workbook_bytes(sheets: dict[str, pd.DataFrame | Sheet]) -> bytes:
    """An XLSX file with one sheet per frame (or prepared Sheet), in the given order."""
    taken: set[str] = set()
    names = [sheet_name(n, taken) for n in sheets]
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml",
                         _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=i + 1) for i in range(len(names)))))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        entries = "".join(f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                          for i, n in enumerate(names))
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                            f"<workbook {_NS} {_REL_NS}><sheets>{entries}</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(names)))
        styles_id = len(names) + 1
        rels += (f'<Relationship Id="rId{styles_id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships/styles" Target="styles.xml"/>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f"{rels}</Relationships>")
        archive.writestr("xl/styles.xml", _STYLES)
        for i, frame in enumerate(sheets.values()):
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml",
                             _sheet(frame if isinstance(frame, Sheet) else Sheet.of(frame)))
    return buffer.getvalue()


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame | Sheet]) -> None:
    path.write_bytes(workbook_bytes(sheets))
