"""CQC Latest ratings at parser level: the streamed OpenDocument reader agrees with python-calamine, NHS trusts'
own ratings are picked out of the Providers sheet (.ods and an .xlsx copy alike), and each bad file is refused
by name."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pipelines.quality import validate
from pipelines.sample_data.cqc_ratings import LOCATION_HEADER, PROVIDER_HEADER
from pipelines.sample_data.opendocument import write_ods
from pipelines.sources import opendocument
from pipelines.sources.ingest import load_source
from tests.helpers import refused, write_xlsx

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
# As an office suite writes a sheet: column styles, runs of empty cells and rows stored once with a repeat count,
# spaces as text:s, spans inside paragraphs, merged (covered) cells, and a million empty rows at the end.
CONTENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {NS}><office:body><office:spreadsheet>
<table:table table:name="Notes"><table:table-row><table:table-cell office:value-type="string"><text:p>Read me</text:p>
</table:table-cell></table:table-row></table:table>
<table:table table:name="Providers"><table:table-column table:number-columns-repeated="5"/>
<table:table-row><table:table-cell office:value-type="string"><text:p>A<text:s text:c="2"/>B</text:p></table:table-cell>
<table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="float" office:value="2.5">
<text:p>2.5</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16379"/></table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/>
</table:table-row><table:table-row table:number-rows-repeated="2">
<table:table-cell office:value-type="date" office:date-value="2019-06-05">
<text:p>05/06/2019</text:p></table:table-cell><table:table-cell table:number-columns-spanned="2"
office:value-type="string"><text:p>Well-<text:span>led</text:span></text:p></table:table-cell>
<table:covered-table-cell/><table:table-cell office:value-type="string" table:number-columns-repeated="2">
<text:p>x</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/>
</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"""


def raw_ods(path: Path, content: str = CONTENT, mimetype: str = opendocument.MIMETYPE) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_the_streamed_reader_expands_repeats_and_numbers_rows_as_a_spreadsheet(tmp_path):
    rows = list(opendocument.iter_rows(raw_ods(tmp_path / "x.ods"), "Providers"))
    assert rows == [
        (1, ["A  B", None, None, 2.5]),
        (4, [dt.date(2019, 6, 5), "Well-led", None, "x", "x"]),
        (5, [dt.date(2019, 6, 5), "Well-led", None, "x", "x"]),
    ]
    assert opendocument.sheet_names(tmp_path / "x.ods") == ["Notes", "Providers"]
    with pytest.raises(KeyError):
        list(opendocument.iter_rows(tmp_path / "x.ods", "Locations"))


def test_the_streamed_reader_agrees_with_calamine_on_a_written_file(tmp_path):
    path = tmp_path / "ratings.ods"
    providers = [PROVIDER_HEADER, ("RAL", "RAL", "Royal & Free <London>", "NHS Healthcare Organisation", "", None,
                                   "", "", "", "", "", "", "Overall", "Well-led", "Good", dt.date(2023, 1, 31),
                                   "Provider", "N", "", "", 3.25)]
    write_ods(path, [("Locations", [LOCATION_HEADER]), ("Providers", providers)])
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Providers").to_python()
    streamed = [cells for _, cells in opendocument.iter_rows(path, "Providers")]
    assert len(streamed) == len(calamine) == 2
    for ours, theirs in zip(streamed, calamine, strict=True):
        theirs = [None if c == "" else c for c in theirs]
        assert ours == theirs[: len(ours)] and not any(theirs[len(ours):])


def test_not_an_opendocument_file_is_refused_by_the_reader(tmp_path):
    with pytest.raises(opendocument.OdsError, match="mimetype"):
        list(opendocument.iter_rows(raw_ods(tmp_path / "x.ods", mimetype="text/plain"), "Providers"))
    (tmp_path / "y.ods").write_bytes(b"PK but not really")
    with pytest.raises(opendocument.OdsError, match="not a zip"):
        list(opendocument.iter_rows(tmp_path / "y.ods", "Providers"))


# --- the parser -----------------------------------------------------------------------------------------------
def rating(provider: str, domain: str, value: str, published, *, kind: str = "NHS Healthcare Organisation",
           group: str = "Overall", report: str = "Provider", inherited: str = "N") -> tuple:
    row = dict.fromkeys(PROVIDER_HEADER, "")
    row.update({"Provider ID": provider, "Provider ODS Code": provider, "Provider Name": f"Trust {provider}",
                "Provider Type": kind, "Provider Primary Inspection Category": "Acute hospital - NHS non-specialist",
                "Provider NHS Region": "London", "Service / Population Group": group, "Domain": domain,
                "Latest Rating": value, "Publication Date": published, "Report Type": report,
                "Inherited Rating (Y/N)": inherited})
    return tuple(row.values())


PROVIDERS = [
    rating("RAL", "Overall", "Good", dt.date(2022, 3, 1)),
    rating("RAL", "Well-led", "Requires improvement", "01/03/2022"),  # a date written as text
    rating("RAL", "Safe", "Insufficient evidence to rate", dt.date(2022, 3, 1), inherited="Y"),
    rating("RAL", "Well-led", "Good", dt.date(2022, 3, 1), group="Urgent and emergency services",
           report="CoreService"),
    rating("1-100000001", "Overall", "Outstanding", dt.date(2021, 5, 5), kind="Independent Healthcare Org"),
]


def land(landing: Path, providers: list[tuple], *, release: str = "2024-09-01", header=PROVIDER_HEADER,
         sheet: str = "Providers", suffix: str = ".ods", name: str | None = None) -> str:
    name = name or f"01_September_2024_Latest_ratings{suffix}"
    path = landing / "cqc_ratings" / release / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".ods":
        write_ods(path, [("Locations", [LOCATION_HEADER]), (sheet, [header, *providers])])
    else:
        write_xlsx(path, [("Locations", []), (sheet, [header, *providers])])
    return f"cqc_ratings/{release}/{name}"


@pytest.mark.parametrize("suffix", [".ods", ".xlsx"])
def test_nhs_trusts_own_ratings_are_picked_out_of_the_providers_sheet(tmp_path, suffix):
    land(tmp_path, PROVIDERS, suffix=suffix)
    table = load_source("cqc_ratings", tmp_path).tables["cqc_ratings"]
    assert list(table["domain"]) == ["Overall", "Well-led", "Safe"]
    assert set(table["provider_id"]) == {"RAL"} and list(table["_row_number"]) == [2, 3, 4]
    assert [str(d) for d in table["rating_publication_date"]] == ["2022-03-01"] * 3
    assert {str(d) for d in table["release_date"]} == {"2024-09-01"}
    assert list(table["is_inherited"]) == [False, False, True]
    assert validate("raw_cqc_ratings", table).status == "passed"


def test_the_2015_16_key_question_column_is_read_as_domain(tmp_path):
    land(tmp_path, PROVIDERS[:1], header=tuple("Key Question" if h == "Domain" else h for h in PROVIDER_HEADER))
    assert list(load_source("cqc_ratings", tmp_path).tables["cqc_ratings"]["domain"]) == ["Overall"]


def test_a_missing_column_is_refused_naming_it(tmp_path):
    header = tuple(h for h in PROVIDER_HEADER if h != "Latest Rating")
    relpath = land(tmp_path, [r[:14] + r[15:] for r in PROVIDERS], header=header)
    error = refused(tmp_path, "cqc_ratings")
    assert (error.file, error.sheet, error.row) == (relpath, "Providers", 1)
    assert "missing ['Latest Rating']" in error.problem


@pytest.mark.parametrize("suffix", [".ods", ".xlsx"])
def test_a_file_without_a_providers_sheet_is_refused(tmp_path, suffix):
    relpath = land(tmp_path, PROVIDERS, sheet="Provider list", suffix=suffix)
    error = refused(tmp_path, "cqc_ratings")
    assert error.file == relpath and "no 'Providers' sheet" in error.problem and "Provider list" in error.problem


def test_a_publication_date_that_is_not_a_date_is_refused(tmp_path):
    relpath = land(tmp_path, [rating("RAL", "Overall", "Good", "last spring")])
    error = refused(tmp_path, "cqc_ratings")
    assert (error.file, error.sheet, error.row) == (relpath, "Providers", 2)
    assert "Publication Date 'last spring' is not a date" in error.problem


def test_a_file_named_for_another_month_than_its_release_folder_is_refused(tmp_path):
    relpath = land(tmp_path, PROVIDERS, release="2024-10-01")
    error = refused(tmp_path, "cqc_ratings")
    assert error.file == relpath and "named for September 2024" in error.problem


def test_a_release_without_nhs_trusts_is_refused(tmp_path):
    land(tmp_path, PROVIDERS[-1:])
    assert "has no ratings of NHS trusts" in refused(tmp_path, "cqc_ratings").problem


def test_an_ods_and_an_xlsx_copy_of_one_release_are_refused_naming_both(tmp_path):
    first = land(tmp_path, PROVIDERS, suffix=".ods")
    second = land(tmp_path, PROVIDERS, suffix=".xlsx")
    error = refused(tmp_path, "cqc_ratings")
    assert error.file == second and first in error.problem


def test_a_file_that_is_not_a_spreadsheet_is_refused(tmp_path):
    path = tmp_path / "cqc_ratings" / "2024-09-01" / "01_September_2024_Latest_ratings.ods"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"<html>moved</html>")
    error = refused(tmp_path, "cqc_ratings")
    assert error.file == "cqc_ratings/2024-09-01/01_September_2024_Latest_ratings.ods"
    assert "not an OpenDocument spreadsheet" in error.problem


@pytest.mark.parametrize(("row", "failing_column"), [
    (rating("RAL", "Overall", "Very good", dt.date(2022, 3, 1)), "rating"),
    (rating("RAL", "Leadership", "Good", dt.date(2022, 3, 1)), "domain"),
    (rating("RAL", "Overall", "Good", dt.date(2024, 10, 1)), "release_date, rating_publication_date"),
])
def test_the_raw_gate_fails_values_outside_cqc_rules(tmp_path, row, failing_column):
    land(tmp_path, [row])
    outcome = validate("raw_cqc_ratings", load_source("cqc_ratings", tmp_path).tables["cqc_ratings"])
    assert outcome.blocking and failing_column in {f.column for f in outcome.critical_failures}
