"""A small, fast XLSX writer for tables: one sheet per table, a bold frozen header row, typed cells.

A profile build writes a workbook for every organisation, and a general-purpose writer spends most of its time
on per-cell bookkeeping. Plain tables need little of the format: rows come as ready XML (tabular.py), and the
workbook is a zip of a few XML parts. Each part is deflated once into a `Part`; parts that every workbook of a
build shares (styles, the workbook's sheet list, the shared strings) are compressed once and copied into each
file, so only an organisation's own rows are compressed per workbook. Numbers are numeric cells, booleans
boolean cells, everything else (dates included, as ISO text) strings; nulls and infinities are empty cells.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from .tabular import row_xml

LEVEL = 1  # deflate level: the rows are very repetitive, level 1 already gets most of the saving
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_STYLES = (  # style 1: bold, for the header row
    f'{_HEAD}<styleSheet {_NS}>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
_SHEET_TAIL = b"</sheetData></worksheet>"
_DOS_TIME, _DOS_DATE = 0, (2000 - 1980) << 9 | 1 << 5 | 1  # fixed, so equal workbooks are equal bytes


@dataclass(frozen=True)
class Part:
    """One file inside the zip, already deflated."""
    name: str
    data: bytes
    crc: int
    size: int


@dataclass(frozen=True)
class Deflated:
    """Bytes many parts repeat (a sheet's head, README definitions), deflated once on their own: a deflate stream
    may be spliced from such pieces, each starting from a reset compressor and ending on a byte boundary."""
    raw: bytes
    data: bytes

    @classmethod
    def of(cls, raw: bytes) -> Deflated:
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
        return cls(raw, compressor.compress(raw) + compressor.flush(zlib.Z_FULL_FLUSH))


def deflate(name: str, *chunks: bytes | memoryview | Deflated) -> Part:
    """Compress the concatenation of `chunks` (zlib releases the GIL here, so threads compress in parallel).
    A Deflated chunk is copied as it is, after a full flush (so nothing after it refers to bytes before it)."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    crc, size, out = 0, 0, []
    for chunk in chunks:
        raw = chunk.raw if isinstance(chunk, Deflated) else chunk
        crc = zlib.crc32(raw, crc)
        size += len(raw)
        if isinstance(chunk, Deflated):
            out.append(compressor.flush(zlib.Z_FULL_FLUSH))
            out.append(chunk.data)
        else:
            out.append(compressor.compress(chunk))
    out.append(compressor.flush())
    return Part(name, b"".join(out), crc, size)


def zip_bytes(parts: Iterable[Part]) -> bytes:
    """A zip archive of deflated parts (no zip64: a sheet is far below 4 GB)."""
    body, directory = bytearray(), bytearray()
    count = 0
    for part in parts:
        name = part.name.encode()
        fields = (20, 0, 8, _DOS_TIME, _DOS_DATE, part.crc, len(part.data), part.size, len(name))
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name + part.data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + name
        count += 1
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), len(body), 0)
    return bytes(body + directory + end)


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique within the workbook."""
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in name)[:31]
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate = f"{base[:28]}~{n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def sheet_head(columns: list[str]) -> bytes:
    """A worksheet up to its first data row: frozen bold header row, column widths from the names."""
    header = "".join(f'<c s="1" t="inlineStr"><is><t>{escape(c)}</t></is></c>' for c in columns)
    widths = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{min(60, max(10, len(c) + 2))}" customWidth="1"/>'
                     for i, c in enumerate(columns))
    return (f'{_HEAD}<worksheet {_NS}><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            f'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f'{f"<cols>{widths}</cols>" if widths else ""}<sheetData><row>{header}</row>').encode()


class Layout:
    """The parts of a workbook fixed by its sheets' names (and whether it has shared strings): compressed once,
    copied into every workbook of the same layout."""

    def __init__(self, names: list[str], shared_strings: bytes | None = None):
        taken: set[str] = set()
        self.names = [sheet_name(n, taken) for n in names]
        count = len(self.names)
        types = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{_SHEET_TYPE}"/>'
                        for i in range(count))
        rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{_RELATIONSHIPS}/worksheet" '
                       f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(count))
        rels += f'<Relationship Id="rId{count + 1}" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
        if shared_strings is not None:
            types += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                      'officedocument.spreadsheetml.sharedStrings+xml"/>')
            rels += (f'<Relationship Id="rId{count + 2}" Type="{_RELATIONSHIPS}/sharedStrings" '
                     'Target="sharedStrings.xml"/>')
        entries = "".join(f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                          for i, n in enumerate(self.names))
        package = "http://schemas.openxmlformats.org/package/2006"
        self.head = [
            _part("[Content_Types].xml",
                  f'{_HEAD}<Types xmlns="{package}/content-types">'
                  f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  '<Override PartName="/xl/styles.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                  f'{types}</Types>'),
            _part("_rels/.rels", f'{_HEAD}<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
                                 f'Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
            _part("xl/workbook.xml", f"{_HEAD}<workbook {_NS} {_REL_NS}><sheets>{entries}</sheets></workbook>"),
            _part("xl/_rels/workbook.xml.rels",
                  f'{_HEAD}<Relationships xmlns="{package}/relationships">{rels}</Relationships>'),
            _part("xl/styles.xml", _STYLES),
        ]
        if shared_strings is not None:
            self.head.append(deflate("xl/sharedStrings.xml", shared_strings))

    def sheet(self, index: int, head: bytes | Deflated, rows: Iterable[bytes | memoryview | Deflated] = ()) -> Part:
        """Sheet `index` (0-based) of this layout: its head (sheet_head), its rows' XML and the closing tags."""
        return deflate(f"xl/worksheets/sheet{index + 1}.xml", head, *rows, _SHEET_TAIL)

    def write(self, path: Path, sheets: list[Part]) -> None:
        path.write_bytes(zip_bytes([*self.head, *sheets]))


def _part(name: str, text: str) -> Part:
    return deflate(name, text.encode())


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An XLSX file with one sheet per frame, in the given order (inline strings: for a single workbook)."""
    layout = Layout(list(sheets))
    parts = [layout.sheet(i, sheet_head([str(c) for c in frame.columns]), ["".join(row_xml(frame)).encode()])
             for i, frame in enumerate(sheets.values())]
    return zip_bytes([*layout.head, *parts])


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    path.write_bytes(workbook_bytes(sheets))
