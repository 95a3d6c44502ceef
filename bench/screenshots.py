"""Screenshots of the pages members use most, as a phone shows them (360 × 740), in each language.

    python bench/screenshots.py http://127.0.0.1:8000 [--languages en,nl,fr,es] [--maps] [--out folder]

Against a server already running with the demo data (`make run`): the home page, the browse page with its
filter panel open and a theme ticked, a product page, and the needs form after a mistake with a document
kept. Each is saved as <language>-<page>.png, the first screen only (what a phone shows before scrolling);
with --maps also the map's table, world map and network at 1280 px and 360 px (map-<view>-<width>.png).
"""

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
PHONE = {"width": 360, "height": 740}
CHROMIUM = "/usr/bin/chromium"


def shoot(page, base: str, language: str, out: Path, document: Path) -> None:
    prefix = "" if language == "en" else f"/{language}"
    page.goto(f"{base}{prefix}/")
    page.screenshot(path=out / f"{language}-home.png")

    page.goto(f"{base}{prefix}/products/")
    page.locator("summary.filter-toggle").click()
    themes = page.locator("details.facet").first
    if not themes.evaluate("group => group.open"):
        themes.locator(":scope > summary").click()
    themes.locator("input[type=checkbox]").first.check()
    page.wait_for_function(
        "() => !/\\b80\\b/.test(document.querySelector('.filter-apply button').textContent)"
    )
    page.locator(".facets-head").scroll_into_view_if_needed()
    page.screenshot(path=out / f"{language}-browse-filters.png")

    product = page.locator(".card-title a").first.get_attribute("href")
    page.goto(base + product)
    page.screenshot(path=out / f"{language}-product.png")

    page.goto(f"{base}{prefix}/needs/new/")
    page.locator("#id_attachment").set_input_files(str(document))
    page.locator("#id_title").fill("Budgets")
    page.locator("form.public-form [type=submit]").click()
    page.locator(".kept-file").scroll_into_view_if_needed()
    page.screenshot(path=out / f"{language}-need-form-kept-file.png")


def shoot_maps(browser, base: str, out: Path) -> None:
    """The three views of the map at 1280 px and on a phone, as map-<view>-<width>.png."""
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        page = browser.new_page(viewport=viewport)
        for name, path in {"table": "/map/", "world-map": "/map/world/", "network": "/map/network/"}.items():
            page.goto(base + path)
            if viewport is PHONE and name != "table":
                page.locator("svg").first.scroll_into_view_if_needed()
            page.screenshot(path=out / f"map-{name}-{viewport['width']}.png")
        page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the running site, e.g. http://127.0.0.1:8000")
    parser.add_argument("--languages", default="en,nl,fr,es")
    parser.add_argument("--maps", action="store_true", help="also the map's three views (English)")
    parser.add_argument("--out", default=str(BASE_DIR / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        document = Path(folder) / "terms-of-reference.pdf"
        document.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        flags = ["--headless", "--no-sandbox", "--disable-gpu"]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        for language in args.languages.split(","):
            page = browser.new_page(viewport=PHONE)
            shoot(page, args.base.rstrip("/"), language, out, document)
            page.close()
            print(f"{language}: {', '.join(sorted(p.name for p in out.glob(f'{language}-*.png')))}")
        if args.maps:
            shoot_maps(browser, args.base.rstrip("/"), out)
            print(f"maps: {', '.join(sorted(p.name for p in out.glob('map-*.png')))}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
