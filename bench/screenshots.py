"""Screenshots of the pages members use most, as a phone shows them (360 × 740), in each language.

    python bench/screenshots.py http://127.0.0.1:8000 [--languages en,nl,fr,es] [--maps] [--records]
                                [--out folder]
    DATABASE_URL=… python bench/screenshots.py --prepare-records   # once, on the server's database

Against a server already running with the demo data (`make run`): the home page, the browse page with its
filter panel open and a theme ticked, a product page, and the needs form after a mistake with a document
kept. Each is saved as <language>-<page>.png, the first screen only (what a phone shows before scrolling);
with --maps also the map's table, world map and network at 1280 px and 360 px (map-<view>-<width>.png);
with --records a product page, a theme page and a collection, whole pages at 1280 px and 360 px
(records-<page>-<width>.png). The demo data has no licences, files, further links or collections: run
--prepare-records once on the server's database (it gives one product a licence, a PDF with its thumbnail
and a further link, and makes one collection), so that those pages show what they can.
"""

import argparse
import io
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
PHONE = {"width": 360, "height": 740}
CHROMIUM = "/usr/bin/chromium"
# --records: the pages, as --prepare-records makes them worth seeing.
RECORDS_PRODUCT = "budget-tracking-toolkit-for-womens-groups-in-kisumu-and-siaya-counties"
RECORDS_THEME = "gender-equality-and-inclusion"
RECORDS_COLLECTION = "Start here: gender equality and inclusion"
RECORDS_COLLECTION_ITEMS = [  # in the collection's order; the first with a curator's note
    "lets-talk-about-it-a-hausa-language-podcast-for-young-people-on-health-and",
    "access-to-sexual-and-reproductive-health-services-for-women-with-disabilities",
    "youth-friendly-health-services-checklist-for-district-health-facilities",
    "womens-access-to-land-and-inputs-in-malis-irrigated-rice-schemes",
    "mid-term-review-of-the-inclusive-horizons-disability-alliance",
]


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


def records_pdf() -> bytes:
    """A one-page PDF that looks like a report's cover: a title band and lines of text (Pillow)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 595, 150), fill="#12385a")
    draw.rectangle((50, 60, 330, 80), fill="#ffffff")
    for row in range(18):
        draw.rectangle((50, 200 + 30 * row, 545 - 90 * (row % 3 == 2), 210 + 30 * row), fill="#8aa0b4")
    output = io.BytesIO()
    image.save(output, format="PDF")
    return output.getvalue()


def prepare_records() -> None:
    """On the database DATABASE_URL names (with the demo data): a licence, a PDF with its thumbnail and a
    further link for RECORDS_PRODUCT, and the collection of RECORDS_COLLECTION_ITEMS on RECORDS_THEME."""
    import os

    import django

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgemap.settings")
    django.setup()
    from django.core.files.base import ContentFile

    from inventory.licences import Licence
    from inventory.models import (
        Collection,
        CollectionItem,
        KnowledgeProduct,
        Language,
        ProductDocument,
        Theme,
    )
    from inventory.thumbnails import product_thumbnail_make

    product = KnowledgeProduct.objects.get(slug=RECORDS_PRODUCT)
    product.licence = Licence.CC_BY_NC_SA
    product.save()
    if not product.file:
        product.file.save("budget-tracking-toolkit.pdf", ContentFile(records_pdf()))
    ProductDocument.objects.get_or_create(
        product=product,
        label="Summary",
        defaults={
            "url": "https://example.org/knowledge/resume-boite-a-outils",
            "language": Language.objects.get(code="fr"),
        },
    )
    print("thumbnail:", product_thumbnail_make(product_id=product.pk))
    collection, _created = Collection.objects.get_or_create(
        title=RECORDS_COLLECTION,
        defaults={
            "introduction": "Five products to start with on this theme, in the order to read them: a "
            "podcast to listen to first, research on who is left out of health services, a checklist to try, "
            "a policy brief, and what an alliance learned.",
            "theme": Theme.objects.get(slug=RECORDS_THEME),
            "is_public": True,
        },
    )
    for position, slug in enumerate(RECORDS_COLLECTION_ITEMS):
        CollectionItem.objects.get_or_create(
            collection=collection,
            product=KnowledgeProduct.objects.get(slug=slug),
            defaults={
                "position": position,
                "note": "Listen first: twenty minutes that set out the questions the others answer."
                if position == 0
                else "",
            },
        )
    print("collection:", collection.get_absolute_url())


EAGER_IMAGES = """() => Promise.all([...document.images].map((image) => {
  image.loading = "eager";
  return image.complete ? null : new Promise((done) => { image.onload = image.onerror = done; });
}))"""


def shoot_records(browser, base: str, out: Path) -> None:
    """A product page, a theme page and a collection, whole, at 1280 px and on a phone."""
    from django.utils.text import slugify

    pages = {
        "product": f"/products/{RECORDS_PRODUCT}/",
        "theme": f"/themes/{RECORDS_THEME}/",
        "collection": f"/collections/{slugify(RECORDS_COLLECTION)}/",
    }
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        page = browser.new_page(viewport=viewport)
        for name, path in pages.items():
            response = page.goto(base + path)
            if response is None or response.status != 200:
                raise SystemExit(f"{path}: not found (run --prepare-records on the server's database first)")
            # The whole page is shot at once: the cards' lazy images below the first screen are loaded first.
            page.evaluate(EAGER_IMAGES)
            page.screenshot(path=out / f"records-{name}-{viewport['width']}.png", full_page=True)
        page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", help="the running site, e.g. http://127.0.0.1:8000")
    parser.add_argument("--languages", default="en,nl,fr,es")
    parser.add_argument("--maps", action="store_true", help="also the map's three views (English)")
    parser.add_argument("--records", action="store_true", help="also a product, a theme and a collection")
    parser.add_argument("--prepare-records", action="store_true", help="add what --records shows, and stop")
    parser.add_argument("--out", default=str(BASE_DIR / "docs" / "screenshots"))
    args = parser.parse_args()
    if args.prepare_records:
        prepare_records()
        return 0
    if not args.base:
        parser.error("the running site's address is needed")
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
        if args.records:
            shoot_records(browser, args.base.rstrip("/"), out)
            print(f"records: {', '.join(sorted(p.name for p in out.glob('records-*.png')))}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
