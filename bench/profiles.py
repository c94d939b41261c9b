"""Trust profile site: build time for every organisation, page weight, render time in headless Chromium.

Targets: all demo profiles (about 280 organisations) built in under 30 s on 2 cores; a trust page under
1.5 MB with the shared bundle cached (the page's own HTML: charts' data and specs are inline); every chart of a
page drawn in under 1 s. Reads the current publication (run `make demo` first) and builds into a temporary
folder, so the published site is untouched.

    python bench/profiles.py [--repeat 3] [--render-pages 20] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines import settings  # noqa: E402
from pipelines.profiles import published, site  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
RENDERED = ("document.querySelectorAll('[data-spec]').length === "
            "document.querySelectorAll('[data-rendered]').length")


def build(repeat: int, work: Path) -> Path:
    times, out = [], work / "site-0"
    for i in range(repeat):
        out = work / f"site-{i}"
        started = time.perf_counter()
        publication = published.load_duckdb(settings.published_db_path())
        loaded = time.perf_counter()
        result = site.build_site(publication, out)
        done = time.perf_counter()
        times.append(done - started)
        print(f"  build {i + 1}: {done - started:.1f} s ({loaded - started:.1f} s reading the publication, "
              f"{done - loaded:.1f} s writing {result.pages} pages, downloads and the bundle)")
    print(f"build, median of {repeat}: {statistics.median(times):.1f} s (target < 30 s)")
    return out


def weights(folder: Path) -> list[Path]:
    pages = sorted((folder / "trusts").glob("*.html"), key=lambda p: p.stat().st_size)
    sizes = [p.stat().st_size for p in pages]
    bundle = sum(p.stat().st_size for p in (folder / "assets").iterdir())
    downloads = sum(p.stat().st_size for p in (folder / "downloads").rglob("*") if p.is_file())
    print(f"pages: {len(pages)}; page HTML median {statistics.median(sizes) / 1e6:.2f} MB, largest "
          f"{sizes[-1] / 1e6:.2f} MB ({pages[-1].stem}) (target < 1.5 MB with the bundle cached); shared bundle "
          f"{bundle / 1e6:.2f} MB once; downloads {downloads / 1e6:.0f} MB in all")
    return pages


def render(pages: list[Path], chromium: str, count: int) -> None:
    from playwright.sync_api import sync_playwright

    chosen = pages[-count:]  # the heaviest pages
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(chosen[0].as_uri())  # warm: the shared bundle is now cached and compiled
        page.wait_for_function(RENDERED, timeout=60_000)
        times = []
        for path in chosen:
            started = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function(RENDERED, timeout=60_000, polling=10)
            times.append(time.perf_counter() - started)
        browser.close()
    print(f"render (load to every chart drawn, {len(times)} heaviest pages, bundle cached): median "
          f"{statistics.median(times):.2f} s, slowest {max(times):.2f} s (target < 1 s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--render-pages", type=int, default=20)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not settings.published_db_path().exists():
        print(f"no publication at {settings.published_db_path()}: run `make demo` first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="wellled-profiles-bench-") as work:
        folder = build(args.repeat, Path(work))
        pages = weights(folder)
        render(pages, args.chromium, args.render_pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
