"""A run's Data Docs: mart gates store their results and the overview at once, and their GX pages and the GX
site index are rendered in one build when the run's gates are done; nothing is lost on the way."""

from __future__ import annotations

from pipelines import quality
from tests.unit.test_quality import frame, good_rows


def _pages(docs):
    return sorted((docs / "gx" / "site" / "validations").rglob("*.html"))


def test_pages_left_for_later_are_all_rendered_by_one_build(tmp_path):
    docs = tmp_path / "docs"
    raw = quality.validate("raw_ods_trusts", frame(tmp_path, "raw_ods_trusts"))
    mart = quality.validate("dim_organisation", frame(tmp_path, "dim_organisation"))
    quality.build_data_docs([raw], docs)
    assert len(_pages(docs)) == 1 and (docs / "gx" / "site" / "index.html").is_file()

    overview = quality.build_data_docs([mart], docs, render=False)
    assert len(_pages(docs)) == 1
    assert "dim_organisation" in overview.read_text(encoding="utf-8")  # the overview is current after every gate
    assert not quality.blocked(docs)

    raw_page = _pages(docs)[0]
    rendered = raw_page.stat().st_mtime_ns
    overview = quality.finish_data_docs(docs).read_text(encoding="utf-8")
    assert len(_pages(docs)) == 2
    assert raw_page.stat().st_mtime_ns == rendered  # a page already rendered is not rendered again
    index = (docs / "gx" / "site" / "index.html").read_text(encoding="utf-8")
    assert "raw_ods_trusts" in index and "dim_organisation" in index
    assert overview.count("GX page</a>") == 2  # the overview links both pages


def test_a_blocking_outcome_is_seen_by_later_gates(tmp_path):
    rows = good_rows("fct_wres_indicators")
    rows[0]["value"] = 5.0  # outside its interval: a critical failure
    failed = quality.validate("fct_wres_indicators", frame(tmp_path, "fct_wres_indicators", rows))
    quality.build_data_docs([failed], tmp_path / "docs", render=False)
    assert quality.blocked(tmp_path / "docs")


def test_a_run_with_nothing_validated_still_gets_an_index(tmp_path):
    skipped = quality.validate("raw_wres_returns", frame(tmp_path, "raw_wres_returns", []),
                               skipped_reason="source wres absent")
    quality.build_data_docs([skipped], tmp_path / "docs")
    assert (tmp_path / "docs" / "gx" / "site" / "index.html").is_file() and not _pages(tmp_path / "docs")
