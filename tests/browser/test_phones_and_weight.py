"""Phones and slow connections: nothing scrolls sideways at 360 px, the browse filters fold behind one
control, nothing comes from another host, and the browse page stays light."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PHONE
from tests.browser.pages import open_public_page, weigh
from tests.factories import ProductFactory, ThemeFactory
from tests.public_pages import load_demo_data, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# What the browse page (HTML, CSS and script, uncompressed) may weigh at most.
BROWSE_PAGE_BUDGET = 100 * 1024

# The innermost elements that stick out past the right edge, for the failure message.
STICKING_OUT = """(width) => {
  const out = [];
  for (const element of document.body.querySelectorAll("*")) {
    const beyond = (e) => e.getBoundingClientRect().right > width + 0.5;
    if (beyond(element) && ![...element.children].some(beyond)) {
      out.push(element.outerHTML.slice(0, 120));
    }
  }
  return out.slice(0, 3).join("; ");
}"""


def _watch(page) -> dict[str, list]:
    """Record what the page asks from the network and what the browser complains about."""
    seen = {"hosts": [], "fonts": [], "console": []}
    page.on("request", lambda request: seen["hosts"].append(urlsplit(request.url).netloc))
    page.on(
        "request",
        lambda request: seen["fonts"].append(request.url) if request.resource_type == "font" else None,
    )
    page.on(
        "console", lambda message: seen["console"].append(message.text) if message.type == "error" else None
    )
    return seen


def test_on_a_phone_every_page_fits_the_screen_loads_only_from_the_site_and_sizes_its_images(
    new_page, live_server
):
    load_demo_data()
    page = new_page(viewport=PHONE)
    seen = _watch(page)
    site = urlsplit(live_server.url).netloc
    problems = []
    for public_page in public_pages():
        for language in public_page.languages:
            where = open_public_page(page, public_page, language)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                sticking_out = page.evaluate(STICKING_OUT, PHONE["width"])
                problems.append(f"{where} is {width} px wide: {sticking_out}")
            unsized = page.locator("img:not([width][height])").count()
            if unsized:
                problems.append(f"{where} has {unsized} image(s) without width and height")
    other_hosts = sorted(set(seen["hosts"]) - {site})
    assert seen["hosts"], "no request was recorded at all"
    assert not other_hosts, f"pages asked other hosts: {other_hosts}"
    assert not seen["fonts"], f"fonts were downloaded (the site uses the system's): {seen['fonts']}"
    # Chromium reports every blocked inline script or style, and every failed request, on the console.
    refused = [text for text in seen["console"] if "Content Security Policy" in text]
    assert not refused, "the CSP blocked something:\n" + "\n".join(refused)
    assert not problems, "\n".join(problems)


def test_a_products_citation_wraps_its_address_on_a_phone(new_page, settings):
    # The "Cite as" reference ends with the product's address, which breaks only at its hyphens: with the
    # site's own host and a long first word in the slug, it must still wrap rather than widen the page.
    settings.SITE_URL = "https://knowledge-map.partos.example.org"
    product = ProductFactory(
        title="Participatory budgeting", slug="participatory-budgeting-in-kisumu", organisations=[]
    )
    page = new_page(viewport=PHONE)
    page.goto(product.get_absolute_url())
    assert "https://knowledge-map.partos.example.org/products/participatory-" in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], page.evaluate(STICKING_OUT, PHONE["width"])


def test_the_browse_filters_fold_behind_one_control_on_a_phone(new_page):
    ProductFactory(themes=[ThemeFactory()])
    phone = new_page(viewport=PHONE)
    phone.goto("/products/")
    first_group = phone.locator("details.facet > summary").first
    assert not first_group.is_visible(), "on a phone the filters start folded away"
    assert phone.locator("summary.filter-toggle").is_visible()
    phone.locator("summary.filter-toggle").click()
    assert first_group.is_visible()

    desktop = new_page()
    desktop.goto("/products/")
    assert desktop.locator(".facet-values label").first.is_visible(), (
        "a wide screen shows the filters at once"
    )
    assert not desktop.locator("summary.filter-toggle").is_visible()


def test_the_filters_are_reachable_without_script_on_any_screen(new_page):
    ProductFactory(themes=[ThemeFactory()])
    for viewport in [PHONE, {"width": 1280, "height": 900}]:
        page = new_page(viewport=viewport, java_script_enabled=False)
        page.goto("/products/")
        toggle = page.locator("summary.filter-toggle")
        if not page.locator(".facet-values label").first.is_visible():
            toggle.click()
        assert page.locator(".facet-values label").first.is_visible()


def test_the_browse_page_with_its_css_and_script_weighs_under_100_kb(new_page, capsys):
    load_demo_data()
    page = new_page()
    page.goto("/products/")
    sizes = weigh(page)
    assert page.locator(".product-card").count() == 24, (
        "the browse page is measured with a full page of cards"
    )
    assert any(path.endswith(".css") for path in sizes), f"the stylesheet was not counted: {sizes}"
    assert any(path.endswith(".js") for path in sizes), f"the browse script was not counted: {sizes}"
    total = sum(sizes.values())
    with capsys.disabled():
        listing = ", ".join(f"{path} {size / 1024:.1f} KB" for path, size in sizes.items())
        print(f"\nbrowse page weight: {total / 1024:.1f} KB uncompressed ({listing})")
    assert total < BROWSE_PAGE_BUDGET, f"the browse page weighs {total / 1024:.1f} KB"


# What may block the first paint: the one stylesheet. Scripts are deferred, images load lazily and sized.
RENDER_BLOCKING = """() => ({
  stylesheets: document.querySelectorAll('link[rel="stylesheet"]').length,
  blockingScripts: [...document.querySelectorAll("script[src]")].filter((s) => !s.defer && !s.async)
    .map((s) => s.src),
  eagerImages: [...document.querySelectorAll("img")].filter((i) => i.loading !== "lazy").map((i) => i.src),
})"""


def test_every_public_page_weighs_under_100_kb_at_360_px_and_blocks_on_one_stylesheet_only(new_page, capsys):
    load_demo_data()
    page = new_page(viewport=PHONE)
    problems, heaviest = [], (0, "")
    for public_page in public_pages():
        for language in public_page.languages:
            where = open_public_page(page, public_page, language)
            sizes = weigh(page)
            total = sum(sizes.values())
            heaviest = max(heaviest, (total, where))
            if total >= BROWSE_PAGE_BUDGET:
                problems.append(f"{where} weighs {total / 1024:.1f} KB")
            found = page.evaluate(RENDER_BLOCKING)
            if found["stylesheets"] != 1 or found["blockingScripts"] or found["eagerImages"]:
                problems.append(f"{where}: {found}")
    with capsys.disabled():
        print(f"\nheaviest public page at 360 px: {heaviest[1]}, {heaviest[0] / 1024:.1f} KB (HTML, CSS, JS)")
    assert not problems, "\n".join(problems)
