"""The map as pictures in Chromium: a country of the world map leads to the browse page filtered by it, with
its figure as the count; a node of the network leads to its page; axe finds nothing on the map's pages;
nothing scrolls sideways at 360 px; the world map's page stays light."""

import re

import pytest

from tests.browser.conftest import PHONE
from tests.browser.pages import weigh
from tests.browser.test_accessibility import axe_violations
from tests.public_pages import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAP_PAGES = [
    "/map/",
    "/map/?across=partnership",
    "/map/?across=region",
    "/map/world/",
    "/map/world/?theme=civic-space&show=needs",
    "/map/network/",
    "/map/network/?show=themes",
    "/nl/map/world/",
    "/nl/map/network/",
]
# HTML, CSS and the inline SVG of /map/world/ (uncompressed) may weigh at most this.
WORLD_PAGE_BUDGET = 250 * 1024
WORLD_SVG_BUDGET = 150 * 1024


def test_a_country_leads_to_the_browse_page_filtered_by_it_whose_count_is_its_figure(page):
    load_demo_data()
    page.goto("/map/world/?theme=civic-space")
    countries = page.locator("svg.world-map a")
    assert countries.count() >= 3
    for index in range(3):
        country = page.locator("svg.world-map a").nth(index)
        label = country.get_attribute("aria-label")
        products = int(re.search(r": (\d+) products?", label).group(1))
        country.click()
        page.wait_for_url("**/products/**")
        assert "theme=civic-space" in page.url and "country=" in page.url
        heading = page.locator("#results-heading").inner_text()
        assert int(heading.split()[0]) == products, (label, heading)
        page.go_back()


def test_a_node_of_the_network_leads_to_its_page(page):
    load_demo_data()
    page.goto("/map/network/")
    partnership = page.locator('svg.network-map a[href^="/partnerships/"]').first
    name = partnership.get_attribute("aria-label").split(" (")[0]
    partnership.click()
    page.wait_for_url("**/partnerships/**")
    assert page.locator("h1").inner_text().startswith(name)
    page.go_back()
    organisation = page.locator('svg.network-map a[href^="/organisations/"]').first
    name = organisation.get_attribute("aria-label").split(",")[0].split(":")[0]
    organisation.click()
    page.wait_for_url("**/organisations/**")
    assert name in page.locator("h1").inner_text()


def test_the_keyboard_reaches_the_countries_of_the_world_map(page):
    load_demo_data()
    page.goto("/map/world/")
    first = page.locator("svg.world-map a").first.get_attribute("aria-label")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == first:
            break
    else:
        pytest.fail("Tab never reached the first country of the map")
    page.keyboard.press("Enter")
    page.wait_for_url("**/products/**")


def test_axe_finds_no_violation_on_the_map_pages(new_page):
    load_demo_data()
    page = new_page(bypass_csp=True)
    found = {}
    for path in MAP_PAGES:
        page.goto(path)
        if violations := axe_violations(page):
            found[path] = violations
    assert not found, "\n".join(f"{path}:\n    " + "\n    ".join(v) for path, v in found.items())


def test_nothing_scrolls_sideways_at_360_px(new_page):
    load_demo_data()
    page = new_page(viewport=PHONE)
    wide = {}
    for path in MAP_PAGES:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    assert not wide, f"wider than the phone: {wide}"
    # On a phone the table is a list: a theme, then its counts, each a link, none hidden off screen.
    page.goto("/map/?across=partnership")
    cell = page.locator(".map-table tbody td a").first
    box = cell.bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"]


def test_the_world_map_page_is_light(new_page, capsys):
    load_demo_data()
    page = new_page()
    page.goto("/map/world/")
    sizes = weigh(page, 'link[rel="stylesheet"][href], script[src], img[src]')
    svg = len(page.locator("svg.world-map").evaluate("(svg) => svg.outerHTML").encode())
    total = sum(sizes.values())
    with capsys.disabled():
        listing = ", ".join(f"{path} {size / 1024:.1f} KB" for path, size in sizes.items())
        print(f"\n/map/world/: {total / 1024:.1f} KB uncompressed ({listing}); its SVG {svg / 1024:.1f} KB")
    assert svg < WORLD_SVG_BUDGET
    assert total < WORLD_PAGE_BUDGET
