"""A trust's workbook: one sheet per published table holding its rows, and a README sheet of definitions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .published import Publication
from .xlsx import Sheet, sheet_name, write_workbook

README_NOTE = ("Every sheet holds this organisation's rows of one published wellled table, exactly as published "
               "(benchmark tables: England's, its region's and its benchmarking group's rows; dim_indicator: the "
               "indicators those rows name; publication_manifest: the publication's sources, tables and gates and "
               "this organisation's landed files). Values withheld to protect people (survey results from fewer "
               "than 10 responses, board percentages for groups of fewer than 5) are empty cells, as in the "
               "warehouse.")


def readme(publication: Publication, org_code: str, tables: dict[str, pd.DataFrame | Sheet],
           sheets: dict[str, str]) -> pd.DataFrame:
    """Definitions: what the workbook is, then each sheet's table description and each column's."""
    rows = [("", "organisation", "", org_code), ("", "publication version", "", publication.version),
            ("", "run", "", publication.run_id), ("", "published (UTC)", "", publication.published_at),
            ("", "about this workbook", "", README_NOTE)]
    for name, frame in tables.items():
        count = len(frame.rows) if isinstance(frame, Sheet) else len(frame)
        rows.append((sheets[name], name, "", publication.table_docs.get(name, "") + f" ({count} rows here)"))
        docs = publication.column_docs.get(name, {})
        rows += [(sheets[name], name, str(column), docs.get(str(column), "")) for column in frame.columns]
    return pd.DataFrame(rows, columns=["sheet", "table", "column", "definition"])


def trust_workbook(publication: Publication, org_code: str, tables: dict[str, pd.DataFrame | Sheet],
                   path: Path) -> Path:
    """Sheet names are Excel's (31 characters at most); the README names each sheet's full table name."""
    taken = {"readme"}
    sheets = {name: sheet_name(name, taken) for name in tables}
    write_workbook(path, {"README": readme(publication, org_code, tables, sheets),
                          **{sheets[name]: frame for name, frame in tables.items()}})
    return path
