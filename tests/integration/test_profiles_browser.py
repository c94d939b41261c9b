"""The profile site in a real browser: Playwright driving Debian's headless Chromium, pages opened from file://.

`make test` installs Chromium (`make browser`); Playwright's own browser download cannot run on these machines.
Missing Chromium fails under CI and skips elsewhere.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.integration.test_profiles import suppressed_board_value

CHROMIUM = Path(os.environ.get("WELLLED_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
RENDERED = ("document.querySelectorAll('[data-spec]').length === "
            "document.querySelectorAll('[data-rendered=\"true\"], [data-rendered=\"failed\"]').length")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def site(sample_refresh) -> Path:
    root, status = sample_refresh
    assert status == 0, "the sample refresh did not publish"
    return root / "warehouse" / "published" / "profiles"


class Visit:
    """A page opened from file:// with every console message, page error and request recorded."""

    def __init__(self, browser, url: str):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.messages: list[tuple[str, str]] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.messages.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.messages.append(("pageerror", str(e))))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url)
        self.page.wait_for_function(RENDERED, timeout=60_000)

    def errors(self) -> list[tuple[str, str]]:
        return [m for m in self.messages if m[0] in ("error", "pageerror")]

    def outside(self) -> list[str]:
        return [u for u in self.requests if not u.startswith("file://")]


def _trust_page(site: Path) -> Path:
    pages = sorted((site / "trusts").glob("*.html"), key=lambda p: -p.stat().st_size)
    return pages[0]


@pytest.mark.parametrize("which", ["index", "trust"])
def test_page_opens_offline_and_draws_every_chart(browser, site, which):
    path = site / "index.html" if which == "index" else _trust_page(site)
    visit = Visit(browser, path.as_uri())
    charts = visit.page.locator("[data-spec]").count()
    assert charts >= (2 if which == "index" else 5)
    assert visit.page.locator('[data-rendered="failed"]').count() == 0
    assert visit.page.locator("[data-spec] svg").count() == charts, "every chart drew an SVG"
    assert visit.page.locator("[data-spec] svg .mark-symbol path, [data-spec] svg .mark-line path, "
                              "[data-spec] svg .mark-rect path").count() > charts, "charts have marks"
    assert visit.errors() == [], visit.errors()
    assert visit.outside() == [], "no network request"
    for chart in visit.page.locator("[data-spec]").all():
        assert len(chart.get_attribute("aria-label") or "") > 40, "every chart has a text alternative"
    visit.page.close()


def test_search_finds_a_trust_and_opens_its_page(browser, site):
    visit = Visit(browser, (site / "index.html").as_uri())
    page = visit.page
    target = _trust_page(site).stem
    page.locator("#search").fill(target.lower())
    visible = page.locator("#org-list li:not([hidden])")
    assert visible.count() >= 1
    assert target in visible.first.inner_text()
    assert page.locator("#org-list li[hidden]").count() > 0, "other organisations are filtered out"
    page.locator("#search").press("Enter")
    page.wait_for_url(re.compile(rf"trusts/{target}\.html$"))
    page.wait_for_function(RENDERED, timeout=60_000)
    assert target in page.locator("h1").inner_text()
    page.close()


def test_keyboard_reaches_the_search_and_the_data_tables(browser, site):
    visit = Visit(browser, _trust_page(site).as_uri())
    page = visit.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    summary = page.locator("details.data-table summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.data-table").first.get_attribute("open") is not None
    assert page.locator("details.data-table table").first.locator("tbody tr").count() > 0
    page.close()


def test_trust_page_prints_to_an_a4_pdf(browser, site, tmp_path):
    visit = Visit(browser, _trust_page(site).as_uri())
    pdf = tmp_path / "profile.pdf"
    visit.page.emulate_media(media="print")
    visit.page.pdf(path=str(pdf), format="A4", print_background=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 3, pages
    boxes = visit.page.evaluate("""Array.from(document.querySelectorAll('.chart-figure')).map(f => getComputedStyle(f)
        .breakInside)""")
    assert set(boxes) == {"avoid"}, "charts are not split across pages"
    visit.page.close()


def test_a_withheld_value_is_absent_from_the_page_and_its_data(browser, site, sample_refresh):
    root, _ = sample_refresh
    org, day, true_pct = suppressed_board_value(root)
    visit = Visit(browser, (site / "trusts" / f"{org}.html").as_uri())
    page = visit.page
    page.locator("#board details.data-table summary").click()  # the table behind the chart, open
    text = page.locator("body").inner_text()
    assert f"{true_pct:.4f}" not in text and f"{true_pct:.2f}" not in text
    specs = [json.loads(s) for s in page.locator("script[type='application/json']").all_text_contents()]
    board = next(s for s in specs if "quarter end" in s["description"])
    quarter = [d for d in board["data"]["values"] if d["x"] == day]
    assert quarter, "the quarter is in the chart's data"
    for point in quarter:
        assert all(not isinstance(v, float) or abs(v - true_pct) > 1e-6 for v in point.values()), point
    # The downloads carry the row with the withheld cell empty, in the CSV and in the workbook.
    csv = pd.read_csv(site / "downloads" / org / "fct_board_composition.csv")
    assert csv.loc[csv["as_at_date"].astype(str).str[:10] == day, "women_pct"].isna().all()
    workbook = pd.read_excel(site / "downloads" / org / f"{org}_wellled.xlsx", sheet_name="fct_board_composition",
                             engine="calamine")
    row = workbook[workbook["as_at_date"].astype(str).str[:10] == day]
    assert len(row) == 1 and row["women_pct"].isna().all()
    assert not (row.select_dtypes("number").sub(true_pct).abs() < 1e-6).any().any()
    page.close()
