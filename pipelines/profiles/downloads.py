"""Every organisation's downloads, written for all organisations at once.

    downloads/<ORG>/<table>.csv                 the organisation's rows of each table keyed by organisation
    downloads/<ORG>/<ORG>_wellled.xlsx          the same rows, one sheet per such table, and a README sheet
    downloads/reference/<table>.csv             every other published table, whole, once for the whole site:
    downloads/reference/wellled_reference.xlsx  benchmarks (England, regions, benchmarking groups), the
                                                indicator catalogue and the publication manifest are the same
                                                for every organisation, so no organisation's files repeat them

Set-based and table by table: one DuckDB query per table renders every row as a CSV line and as workbook XML
(an organisation's rows are runs of that result, sliced from its buffers, not copied). Each organisation's
CSV of the table is written and its sheet of the table deflated right away, in two threads, while the next
table's query runs; a table's result is dropped as soon as its sheets are done. Compressed sheets are many
times smaller than the raw text, so the build holds at most two tables' raw text at a time, not every
table's. When all tables are done, each workbook is assembled from its compressed sheets and its README.
Only an organisation's own bytes (its rows, and the README's organisation row and row counts) are compressed
per workbook: the parts, sheet heads and README definitions every workbook repeats are deflated once
(xlsx.Layout, xlsx.Deflated, workbook.SiteReadmes).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..warehouse.base import ident
from .published import Publication
from .tabular import csv_header, quoted_columns, rendering, shared_string_xml
from .workbook import SiteReadmes, readme_xml
from .xlsx import Deflated, Layout, Part, sheet_head

ORG = "org_code"
REFERENCE = "reference"
REFERENCE_WORKBOOK = "wellled_reference.xlsx"
SHARED_STRINGS = "memory.main.wellled_shared_string"
WORKERS = 2  # zlib and file writes release the GIL: two threads use both of the machine's cores

Pieces = list[memoryview]


@dataclass
class Downloads:
    """What the pages link to: each organisation's files, and the reference files every page shares."""
    org_tables: list[str]
    codes: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # org -> table -> rows
    reference: list[tuple[str, int]] = field(default_factory=list)  # (table, rows)

    def links(self, org: str) -> dict:
        counts = self.counts.get(org, {})
        return {"xlsx": f"../downloads/{org}/{workbook_name(org)}",
                "csv": [(t, f"../downloads/{org}/{t}.csv", f"{counts[t]:,}") for t in self.org_tables
                        if counts.get(t)],
                "reference": [(t, f"../downloads/{REFERENCE}/{t}.csv", f"{n:,}") for t, n in self.reference],
                "reference_xlsx": f"../downloads/{REFERENCE}/{REFERENCE_WORKBOOK}"}


def workbook_name(org: str) -> str:
    return f"{org}_wellled.xlsx"


def org_tables(publication: Publication) -> list[str]:
    """Tables keyed by organisation: an organisation's download holds its rows of each."""
    return [t for t in publication.names if ORG in publication.columns(t)]


def plan_downloads(publication: Publication, codes: list[str]) -> Downloads:
    """What will be written (row counts per organisation and table), cheaply, so pages can link to the files
    while they are being written."""
    tables = org_tables(publication)
    result = Downloads(tables, codes=codes)
    cursor = publication.cursor()
    for table in tables:
        for org, count in cursor.execute(f"select org_code, count(*) from {ident(table)} where org_code in "
                                         "(select unnest(?::varchar[])) group by org_code", [codes]).fetchall():
            result.counts.setdefault(org, {})[table] = count
    for table in publication.names:
        if table not in tables:
            result.reference.append((table, cursor.execute(f"select count(*) from {ident(table)}").fetchall()[0][0]))
    cursor.close()
    return result


def write_downloads(publication: Publication, out: Path, plan: Downloads) -> None:
    """Every file of the plan: the reference files, then table by table each organisation's CSV and sheet,
    then each organisation's workbook from its sheets."""
    folder = out / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    tables, codes = plan.org_tables, plan.codes
    for org in codes:
        (folder / org).mkdir(exist_ok=True)
    cursor = publication.cursor()
    with ThreadPoolExecutor(WORKERS) as pool:
        try:
            _write_reference(publication, cursor, folder / REFERENCE, [t for t, _ in plan.reference])
            layout = Layout(["README", *tables], _shared_strings(publication, cursor, tables))
            sheets = _write_tables(publication, cursor, pool, folder, layout, tables, codes)
        finally:
            cursor.close()
        readmes = SiteReadmes(publication, dict(zip(tables, layout.names[1:], strict=True)), "site")

        def workbook(n: int, org: str) -> None:
            counts = {t: plan.counts.get(org, {}).get(t, 0) for t in tables}
            readme = layout.sheet(0, b"", readmes.pieces(org, counts))
            layout.write(folder / org / workbook_name(org), [readme, *(table[n] for table in sheets)])

        list(pool.map(workbook, range(len(codes)), codes))


def _write_tables(publication: Publication, cursor, pool: ThreadPoolExecutor, folder: Path, layout: Layout,
                  tables: list[str], codes: list[str]) -> list[list[Part]]:
    """Each table's CSVs, written, and its sheets, deflated (one per organisation, in `codes` order). While the
    workers compress one table, this thread runs the next table's query: a query's binding and the splitting
    of its result by organisation are single-threaded, and overlapping them with the compression keeps both
    cores busy. A table's rendered rows die when its sheets are done, so at most two tables' raw text is
    alive at a time, never all of them."""
    sheets: list[list[Part]] = []
    rows = _rows_by_org(publication, cursor, tables[0], set(codes)) if tables else {}
    for i, table in enumerate(tables):
        started = _start_table(publication, pool, folder, layout, i + 1, table, codes, rows)
        rows = _rows_by_org(publication, cursor, tables[i + 1], set(codes)) if i + 1 < len(tables) else {}
        sheets.append([future.result() for future in started])
    return sheets


def _start_table(publication: Publication, pool: ThreadPoolExecutor, folder: Path, layout: Layout, index: int,
                 table: str, codes: list[str], rows: dict[str, tuple[int, Pieces, Pieces]]) -> list[Future]:
    """Per organisation, in `codes` order: write its CSV of `table` (if it has rows) and deflate its sheet."""
    columns = publication.columns(table)
    csv_head, head = csv_header(columns), Deflated.of(sheet_head(columns))

    def one(org: str) -> Part:
        count, lines, xml = rows.get(org, (0, [], []))
        if count:
            with (folder / org / f"{table}.csv").open("wb") as sink:
                sink.write(csv_head)
                sink.writelines(lines)
        return layout.sheet(index, head, xml)

    return [pool.submit(one, org) for org in codes]


def _shared_strings(publication: Publication, cursor, tables: list[str]) -> bytes:
    """Every distinct text value of the organisation tables, as an ENUM type and as the shared-strings part."""
    sources = [f"select {ident(c)} as v from {ident(t)} where {ident(c)} is not null" for t in tables
               for c, kind in publication.column_types[t] if kind == "VARCHAR"]
    union = " union ".join(sources) if sources else "select 'none' as v"
    cursor.execute(f"drop type if exists {SHARED_STRINGS}")
    cursor.execute(f"create type {SHARED_STRINGS} as enum (select distinct v from ({union}) order by v)")
    return shared_string_xml([v for (v,) in cursor.execute(
        f"select unnest(enum_range(null::{SHARED_STRINGS}))").fetchall()])


def _rows_by_org(publication: Publication, cursor, table: str, orgs: set[str]) -> dict[str, tuple[int, Pieces, Pieces]]:
    """Per organisation of `orgs`: its row count, and its rows as CSV lines and as workbook XML (buffer slices,
    in table order: a result without ORDER BY keeps the table's insertion order, so nothing is sorted)."""
    columns = publication.column_types[table]
    sql = rendering(columns, shared=SHARED_STRINGS, quoted=quoted_columns(cursor, table, columns))
    result = cursor.sql(f"select org_code, {sql.csv} as line, {sql.xml} as xml from ("
                        f"select org_code, {sql.inner} from {ident(table)})").to_arrow_table()
    out: dict[str, tuple[int, Pieces, Pieces]] = {}
    for batch in result.to_batches():
        lines, xml = _slicer(batch.column(1)), _slicer(batch.column(2))
        runs = pc.run_end_encode(batch.column(0))
        start = 0
        for org, end in zip(runs.values.to_pylist(), runs.run_ends.to_pylist(), strict=True):
            if org in orgs:
                count, csv_pieces, xml_pieces = out.setdefault(org, (0, [], []))
                csv_pieces.append(lines(start, end))
                xml_pieces.append(xml(start, end))
                out[org] = (count + end - start, csv_pieces, xml_pieces)
            start = end
    return out


def _slicer(strings: pa.Array):
    """A function giving the bytes of rows [start, end) of a string array, without copying them."""
    if strings.type not in (pa.string(), pa.large_string()):
        strings = strings.cast(pa.large_string())
    offsets = memoryview(strings.buffers()[1]).cast("q" if strings.type == pa.large_string() else "i")
    data = memoryview(strings.buffers()[2] or b"")
    base = strings.offset
    return lambda start, end: data[offsets[base + start]:offsets[base + end]]


def _write_reference(publication: Publication, cursor, folder: Path, tables: list[str]) -> None:
    """The tables not keyed by organisation, whole: one CSV each and one workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    layout = Layout(["README", *tables])
    counts, parts = {}, []
    for i, table in enumerate(tables):
        columns = publication.column_types[table]
        sql = rendering(columns, quoted=quoted_columns(cursor, table, columns))
        count, lines, xml = cursor.execute(
            f"select count(*), coalesce(string_agg({sql.csv}, '' order by r), ''), "
            f"coalesce(string_agg({sql.xml}, '' order by r), '') from (select rowid as r, {sql.inner} "
            f"from {ident(table)})").fetchall()[0]
        (folder / f"{table}.csv").write_bytes(csv_header(publication.columns(table)) + lines.encode())
        parts.append(layout.sheet(i + 1, sheet_head(publication.columns(table)), [xml.encode()]))
        counts[table] = count
    readme = readme_xml(publication, None, counts, dict(zip(tables, layout.names[1:], strict=True)), "reference")
    layout.write(folder / REFERENCE_WORKBOOK, [layout.sheet(0, readme), *parts])
