"""Workbooks of published rows, each with a README sheet of definitions (what the workbook holds, then each
sheet's table description and each column's)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from .published import Publication
from .tabular import row_xml
from .xlsx import Deflated, Layout, sheet_head

WITHHELD = ("Values withheld to protect people (survey results from fewer than 10 responses, board percentages "
            "for groups of fewer than 5) are empty cells, as in the warehouse.")
NOTES = {
    "trust": "Every sheet holds this organisation's rows of one published wellled table, exactly as published "
             "(benchmark tables: England's, its region's and its benchmarking group's rows; dim_indicator: the "
             "indicators those rows name; publication_manifest: the publication's sources, tables and gates and "
             "this organisation's landed files). " + WITHHELD,
    "site": "Every sheet holds this organisation's rows of one published wellled table keyed by organisation "
            "(org_code), exactly as published. The other published tables (benchmarks for England, each region "
            "and each benchmarking group, the indicator catalogue dim_indicator and the publication manifest) are "
            "the same for every organisation: they are in the profile site's reference downloads "
            "(downloads/reference/wellled_reference.xlsx and one CSV per table). " + WITHHELD,
    "reference": "Every sheet holds one published wellled table not keyed by organisation, whole and exactly as "
                 "published: benchmarks by geography (geography_level and geography_code: England, each region, "
                 "each benchmarking group), the indicator catalogue and the publication manifest. "
                 "Each organisation's own rows are in its own workbook. " + WITHHELD,
}
README_COLUMNS = ["sheet", "table", "column", "definition"]


def readme_rows(publication: Publication, org_code: str | None, counts: dict[str, int], sheets: dict[str, str],
                note: str) -> list[tuple[str, str, str, str]]:
    rows = [_org_row(org_code)] if org_code else []
    rows += _about_rows(publication, note)
    for name, count in counts.items():
        rows.append(_count_row(publication, name, sheets[name], count))
        rows += _column_rows(publication, name, sheets[name])
    return rows


def _org_row(org_code: str) -> tuple[str, str, str, str]:
    return ("", "organisation", "", org_code)


def _about_rows(publication: Publication, note: str) -> list[tuple[str, str, str, str]]:
    return [("", "publication version", "", publication.version), ("", "run", "", publication.run_id),
            ("", "published (UTC)", "", publication.published_at), ("", "about this workbook", "", NOTES[note])]


def _count_row(publication: Publication, name: str, sheet: str, count: int) -> tuple[str, str, str, str]:
    return (sheet, name, "", publication.table_docs.get(name, "") + f" ({count} rows here)")


def _column_rows(publication: Publication, name: str, sheet: str) -> list[tuple[str, str, str, str]]:
    docs = publication.column_docs.get(name, {})
    return [(sheet, name, column, docs.get(column, "")) for column in publication.columns(name)]


def readme_xml(publication: Publication, org_code: str | None, counts: dict[str, int], sheets: dict[str, str],
               note: str) -> bytes:
    """The README sheet's XML up to its closing tags (xlsx.Layout.sheet adds them)."""
    return sheet_head(README_COLUMNS) + _rows_xml(readme_rows(publication, org_code, counts, sheets, note))


class SiteReadmes:
    """The README sheets of a site's organisation workbooks (readme_xml's bytes), in pieces: what every workbook
    repeats (the head, the publication's rows, each table's column definitions) deflated once, so only the
    organisation's row and its row counts are compressed per workbook."""

    def __init__(self, publication: Publication, sheets: dict[str, str], note: str):
        self.publication, self.sheets = publication, sheets
        self.head = Deflated.of(sheet_head(README_COLUMNS))
        self.about = Deflated.of(_rows_xml(_about_rows(publication, note)))
        self.columns = {name: Deflated.of(_rows_xml(_column_rows(publication, name, sheet)))
                        for name, sheet in sheets.items()}

    def pieces(self, org_code: str, counts: dict[str, int]) -> list[bytes | Deflated]:
        out: list[bytes | Deflated] = [self.head, _rows_xml([_org_row(org_code)]), self.about]
        for name, count in counts.items():
            out += [_rows_xml([_count_row(self.publication, name, self.sheets[name], count)]), self.columns[name]]
        return out


def _rows_xml(rows: list[tuple]) -> bytes:
    return "".join(_readme_row(row) for row in rows).encode()


@lru_cache(maxsize=8192)
def _readme_row(row: tuple) -> str:
    """One README row's XML; the column definitions are the same in every organisation's workbook of a site,
    so each is escaped once."""
    return "<row>" + "".join(f'<c t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>'
                             if v else "<c/>" for v in row) + "</row>"


def trust_workbook(publication: Publication, org_code: str, tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """One organisation's rows of every published table (`wellled trust --xlsx`); sheet names are Excel's
    (31 characters at most) and the README names each sheet's full table name."""
    layout = Layout(["README", *tables])
    sheets = dict(zip(tables, layout.names[1:], strict=True))
    readme = readme_xml(publication, org_code, {name: len(frame) for name, frame in tables.items()}, sheets, "trust")
    parts = [layout.sheet(0, readme)]
    parts += [layout.sheet(i + 1, sheet_head([str(c) for c in frame.columns]), ["".join(row_xml(frame)).encode()])
              for i, frame in enumerate(tables.values())]
    layout.write(path, parts)
    return path
