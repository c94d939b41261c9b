"""A streaming OpenDocument spreadsheet (.ods) writer: sheets of rows, written straight into the zip.

Rows are written as they come, so a file of any size (the bench's 1 GB-expanded ratings file) takes little
memory. Cells: text, whole and decimal numbers, dates, and None for an empty cell. The package has what
LibreOffice and python-calamine need: an uncompressed `mimetype` first, `META-INF/manifest.xml`,
`content.xml` and minimal `styles.xml`/`meta.xml`. Member timestamps are fixed, so a seed gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .util import FIXED_TIME

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3"')
_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_STYLES = f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_NS}/>\n'
_META = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_NS}><office:meta>'
         '<meta:generator>wellled sample generator</meta:generator></office:meta></office:document-meta>\n')

Cell = str | int | float | dt.date | None


def cell_xml(value: Cell) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, dt.date):
        day = value.isoformat()
        return (f'<table:table-cell office:value-type="date" office:date-value="{day}">'
                f"<text:p>{value.strftime('%d/%m/%Y')}</text:p></table:table-cell>")
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value!r}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: Iterable[tuple[str, Iterable[Sequence[Cell]]]]) -> None:
    """Write `sheets` (name, rows) to `path`; rows are consumed lazily, one at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = FIXED_TIME.timetuple()[:6]
    with zipfile.ZipFile(path, "w", allowZip64=True) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", date_time=stamp), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name, text in (("META-INF/manifest.xml", _MANIFEST), ("styles.xml", _STYLES), ("meta.xml", _META)):
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), text, compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("content.xml", date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as content:
            content.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}>'
                          "<office:body><office:spreadsheet>".encode())
            for name, rows in sheets:
                content.write(f"<table:table table:name={quoteattr(name)}>".encode())
                chunk: list[str] = []
                for row in rows:
                    chunk.append("<table:table-row>" + "".join(cell_xml(v) for v in row) + "</table:table-row>")
                    if len(chunk) >= 2000:
                        content.write("".join(chunk).encode())
                        chunk.clear()
                content.write(("".join(chunk) + "</table:table>").encode())
            content.write(b"</office:spreadsheet></office:body></office:document-content>\n")
