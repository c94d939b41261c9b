"""Peak memory and time of reading a CQC "Latest ratings" file of the real size (about 1 GB expanded).

Writes a synthetic release shaped like the real one (a Locations sheet of 323,673 rows x 28 columns first, then
a Providers sheet with NHS trusts among other providers), lands it, and in separate child processes reads it:

- wellled: `load_source("cqc_ratings", ...)`, the ingest's own path (an .ods streamed row by row);
- calamine: python-calamine opening the same .ods and iterating the Providers sheet (for comparison: calamine
  parses every sheet of an .ods when the workbook is opened);
- with --xlsx, the same release as an .xlsx copy, which wellled reads with calamine (only the Providers sheet
  and the shared strings are loaded).

Each child reports its own peak resident set (getrusage). Target: wellled under 1 GB.

    python bench/cqc_ratings_memory.py [--work DIR] [--locations 323673] [--providers 60000] [--xlsx]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.sample_data.cqc_ratings import LOCATION_HEADER, PROVIDER_HEADER  # noqa: E402
from pipelines.sample_data.opendocument import write_ods  # noqa: E402

TARGET_MB = 1024
RELEASE = "2026-09-01"
NAME = "01_September_2026_Latest_ratings"
DOMAINS = ("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led")


def locations(n: int):
    yield LOCATION_HEADER
    for i in range(n):
        day = dt.date(2016, 1, 1) + dt.timedelta(days=i % 3500)
        yield (f"1-{100000000 + i}", f"V{i % 99999:05d}", f"Sample Care Home Number {i}", "Y", "Social Care Org",
               "Residential social care", f"{i % 500} Long Example Road", "Sample Quarter", "Sampletown", "AB1 2CD",
               "Sample District Council", "London", "NHS England London", "E38000001", "NHS Sample CCG", "E38000001",
               "NHS Sample CCG", "Overall", DOMAINS[i % 6], "Good", day, "Location", "N",
               f"https://www.cqc.org.uk/location/1-{100000000 + i}", f"1-{200000000 + i % 40000}",
               "Sample Care Provider Limited", "BD001", "Sample Brand")


def providers(n: int):
    yield PROVIDER_HEADER
    for i in range(n):
        trust = i < 220 * 6  # the first rows: 220 NHS trusts' own ratings, then everyone else
        code = f"R{i // 6 % 34:02d}{'ABCDEFG'[i // 6 // 34]}" if trust else f"1-{200000000 + i // 6}"
        yield (code, code if trust else "", f"Sample Provider {i // 6}",
               "NHS Healthcare Organisation" if trust else "Social Care Org", "Acute hospital - NHS non-specialist",
               f"{i % 900} Station Road", "", "Sampletown", "AB1 2CD", "Sample District Council", "London",
               "NHS England London", "Overall", DOMAINS[i % 6], "Good",
               dt.date(2019, 5, 1) + dt.timedelta(days=i % 900), "Provider", "N",
               f"https://www.cqc.org.uk/provider/{code}", "-", "-")


CHILD = {
    "wellled": """
from pathlib import Path
from pipelines.sources.ingest import load_source
table = load_source("cqc_ratings", Path(LANDING)).tables["cqc_ratings"]
rows = len(table)
""",
    "calamine": """
from python_calamine import CalamineWorkbook
import glob
sheet = CalamineWorkbook.from_path(glob.glob(LANDING + "/cqc_ratings/*/*")[0]).get_sheet_by_name("Providers")
rows = sum(1 for _ in sheet.iter_rows())
""",
}


def measure(kind: str, landing: Path) -> dict:
    code = (f"import json, resource, sys, time\nsys.path.insert(0, {str(ROOT)!r})\nLANDING = {str(landing)!r}\n"
            f"started = time.perf_counter()\n{CHILD[kind]}\n"
            "print(json.dumps({'rows': rows, 'seconds': time.perf_counter() - started, "
            "'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_xlsx(path: Path, args) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, rows in (("Locations", locations(args.locations)), ("Providers", providers(args.providers))):
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    wb.save(path)


def report(label: str, result: dict, expanded_mb: float) -> None:
    if "error" in result:
        print(f"  {label:44s} failed: {result['error']}")
        return
    verdict = "MET" if result["peak_mb"] < TARGET_MB else "NOT MET"
    print(f"  {label:44s} {result['seconds']:7.1f}s {result['peak_mb']:9.0f} MB  {result['rows']:,} rows "
          f"({expanded_mb:,.0f} MB expanded; under {TARGET_MB} MB: {verdict})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "wellled-bench-cqc")
    parser.add_argument("--locations", type=int, default=323_673)
    parser.add_argument("--providers", type=int, default=60_000)
    parser.add_argument("--xlsx", action="store_true", help="also write and read an .xlsx copy (slow to write)")
    args = parser.parse_args()

    import zipfile

    ods_landing = args.work / "ods"
    ods = ods_landing / "cqc_ratings" / RELEASE / f"{NAME}.ods"
    if not ods.exists():
        started = time.perf_counter()
        write_ods(ods, [("Locations", locations(args.locations)), ("Providers", providers(args.providers))])
        print(f"wrote {ods} in {time.perf_counter() - started:.0f}s")
    with zipfile.ZipFile(ods) as archive:
        expanded = sum(i.file_size for i in archive.infolist()) / 2**20
    print(f"CQC ratings read, {args.locations:,} locations and {args.providers:,} provider rows, "
          f"{ods.stat().st_size / 2**20:.0f} MB file")
    report("wellled ingest (.ods, streamed)", measure("wellled", ods_landing), expanded)
    report("python-calamine (.ods, for comparison)", measure("calamine", ods_landing), expanded)
    if args.xlsx:
        xlsx_landing = args.work / "xlsx"
        xlsx = xlsx_landing / "cqc_ratings" / RELEASE / f"{NAME}.xlsx"
        if not xlsx.exists():
            xlsx.parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            write_xlsx(xlsx, args)
            print(f"wrote {xlsx} in {time.perf_counter() - started:.0f}s")
        with zipfile.ZipFile(xlsx) as archive:
            expanded = sum(i.file_size for i in archive.infolist()) / 2**20
        report("wellled ingest (.xlsx copy, calamine)", measure("wellled", xlsx_landing), expanded)
    return 0


if __name__ == "__main__":
    sys.exit(main())
