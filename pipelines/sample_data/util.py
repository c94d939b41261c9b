"""Small helpers shared by the writers: keyed random streams, rounding, deterministic file output."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import random
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

# Every XLSX part gets this timestamp, and the document properties too: same seed, same bytes.
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)


def rng(seed: int, *keys: object) -> random.Random:
    """An independent random stream per (seed, keys): results do not depend on the order of generation."""
    digest = hashlib.sha256(repr((seed, *keys)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def short_hash(*keys: object, length: int = 8) -> str:
    return hashlib.sha256(repr(keys).encode()).hexdigest()[:length].upper()


def binomial(r: random.Random, n: int, p: float) -> int:
    """Binomial draw (normal approximation above 30 trials), always within 0..n."""
    p = min(max(p, 0.0), 1.0)
    if n <= 0 or p == 0.0:
        return 0
    if n <= 30:
        return sum(1 for _ in range(n) if r.random() < p)
    return min(n, max(0, round(r.gauss(n * p, math.sqrt(n * p * (1 - p))))))


def largest_remainder(total: int, shares: Sequence[float]) -> list[int]:
    """Integers proportional to shares that add up to total."""
    weight = sum(shares)
    if total <= 0 or weight <= 0:
        return [0] * len(shares)
    raw = [total * s / weight for s in shares]
    out = [math.floor(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def shifted(mean: Sequence[float], delta: float) -> list[float]:
    """Shift an ordered distribution on the cumulative-logit scale (delta > 0 moves mass to later options).

    Returns proportions summing to 1.
    """
    total = sum(mean)
    cum, out, prev = 0.0, [], 0.0
    for p in mean[:-1]:
        cum += p / total
        c = min(max(cum, 1e-9), 1 - 1e-9)
        nxt = 1 / (1 + math.exp(-(math.log(c / (1 - c)) - delta)))
        out.append(max(nxt - prev, 0.0))
        prev = max(nxt, prev)
    out.append(max(1 - prev, 0.0))
    return out


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile that stamps every member with FIXED_TIME instead of the clock or a temp file's mtime."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME.timetuple()[:6])
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        data = Path(filename).read_bytes()
        if arcname and arcname.startswith("xl/worksheets/sheet"):
            data = _with_dimension(data)
        self.writestr(arcname or Path(filename).name, data)


def _with_dimension(xml: bytes) -> bytes:
    """Add the `<dimension ref="A1:..."/>` that write-only sheets lack (readers size sheets from it)."""
    rows = re.findall(rb'<row r="(\d+)"', xml)
    cols = re.findall(rb'<c r="([A-Z]+)\d+"', xml)
    if not rows or not cols or b"<dimension " in xml:
        return xml
    last_col = max(cols, key=lambda c: (len(c), c)).decode()
    ref = f'<dimension ref="A1:{last_col}{int(rows[-1])}" />'.encode()
    return xml.replace(b"<sheetViews>", ref + b"<sheetViews>", 1)


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save an openpyxl workbook byte-for-byte reproducibly (fixed document and zip timestamps)."""
    wb.properties.creator = "wellled sample generator"
    wb.properties.lastModifiedBy = "wellled sample generator"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def write_csv(path: Path, header: Sequence[str] | None, rows: Iterable[Sequence[object]], *,
              quote_all: bool = False, line_end: str = "\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator=line_end, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
