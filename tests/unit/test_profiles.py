"""The trust profile site's parts that need no publication: the site swap on rollback and the workbook writer."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd

from pipelines.profiles import swap, xlsx


def test_rollback_points_the_site_at_the_previous_version(tmp_path):
    published = tmp_path / "published"
    for version in ("20260101T000000Z_aaaaaaaa", "20260102T000000Z_bbbbbbbb"):
        staged = swap.staging_folder(published, version)
        staged.mkdir(parents=True)
        (staged / "index.html").write_text(version)
        swap.make_current(published, staged, version)
    assert (published / "profiles" / "index.html").read_text() == "20260102T000000Z_bbbbbbbb"
    assert swap.point_to(published, "20260101T000000Z_aaaaaaaa")
    assert (published / "profiles" / "index.html").read_text() == "20260101T000000Z_aaaaaaaa"
    assert not swap.point_to(published, "20250101T000000Z_cccccccc"), "no site was built for that version"


def test_xlsx_writer_round_trips_awkward_values(tmp_path):
    frame = pd.DataFrame({
        "text": ["a < b & c", "line\x01break", None, "=1+1"],
        "number": [1.5, np.nan, np.inf, -2.0],
        "integer": pd.array([1, None, 3, 4], dtype="Int64"),
        "flag": pd.array([True, False, None, True], dtype="boolean"),
        "day": pd.to_datetime(["2024-03-31", None, "2025-01-01", "2023-12-31"]),
    })
    path = tmp_path / "t.xlsx"
    xlsx.write_workbook(path, {"a sheet/with:odd*name?" + "x" * 40: frame, "empty": frame.iloc[0:0]})
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [("a sheet_with_odd_name_" + "x" * 40)[:31], "empty"]
    rows = list(book.worksheets[0].values)
    assert rows[0] == ("text", "number", "integer", "flag", "day")
    assert rows[1] == ("a < b & c", 1.5, 1, True, "2024-03-31")
    assert rows[2] == ("linebreak", None, None, False, None)
    assert rows[3] == (None, None, 3, None, "2025-01-01"), "nulls and infinities are empty cells"
    assert rows[4][0] == "=1+1", "text is never a formula"
