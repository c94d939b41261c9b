"""A small, fast XLSX writer for tables: one sheet per frame, a header row, typed cells.

A profile build writes a workbook for every organisation (hundreds of them, thousands of rows each), and a
general-purpose writer spends most of that time on per-cell bookkeeping. The format needs little for plain
tables: each column is rendered to cell XML in one vectorised pass, rows are joined, the parts are zipped.
Numbers are numeric cells, booleans boolean cells, everything else (dates included, as ISO text) inline
strings; nulls are empty cells.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

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
_FORBIDDEN = "[\x00-\x08\x0b\x0c\x0e-\x1f]"  # control characters XML 1.0 cannot hold


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cells(series: pd.Series, refs: np.ndarray) -> np.ndarray:
    """The XML of one column's cells (refs: each row's cell reference), in one vectorised pass."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        missing = series.isna().to_numpy()
        truth = series.fillna(False).to_numpy(dtype=bool)
        body = np.where(truth, '" t="b"><v>1</v></c>', '" t="b"><v>0</v></c>').astype(object)
    elif pd.api.types.is_numeric_dtype(dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        missing = ~np.isfinite(values)
        body = '"><v>' + values.astype(str).astype(object) + "</v></c>"
    else:
        values = series.to_numpy(dtype=object)
        missing = pd.isna(values)
        memo: dict = {}
        text = np.array([memo.get(v) or memo.setdefault(v, _text(v)) if not m else "" for v, m in
                         zip(values, missing, strict=True)], dtype=object)
        body = '" t="inlineStr"><is><t xml:space="preserve">' + text + "</t></is></c>"
    return np.where(missing, "", '<c r="' + refs + body)


def _text(value) -> str:
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return escape(str(value))


def _sheet(frame: pd.DataFrame) -> str:
    header = "".join(f'<c r="{column_letters(i)}1" s="1" t="inlineStr"><is><t>{escape(str(c))}</t></is></c>'
                     for i, c in enumerate(frame.columns))
    rows = ['<row r="1">' + header + "</row>"]
    if len(frame) and frame.shape[1]:
        numbers = np.arange(2, len(frame) + 2).astype(str).astype(object)
        columns = [_cells(frame.iloc[:, i], column_letters(i) + numbers) for i in range(frame.shape[1])]
        joined = columns[0]
        for column in columns[1:]:
            joined = joined + column
        rows.extend(('<row r="' + numbers + '">' + joined + "</row>").tolist())
    widths = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{min(60, max(10, len(str(c)) + 2))}" '
                     'customWidth="1"/>' for i, c in enumerate(frame.columns))
    cols = f"<cols>{widths}</cols>" if widths else ""
    data = re.sub(_FORBIDDEN, "", "".join(rows))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS}>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            f'state="frozen"/></sheetView></sheetViews>{cols}<sheetData>{data}</sheetData></worksheet>')


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique within the workbook."""
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in name)[:31]
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate = f"{base[:28]}~{n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An XLSX file with one sheet per frame, in the given order."""
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
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml", _sheet(frame))
    return buffer.getvalue()


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    path.write_bytes(workbook_bytes(sheets))
