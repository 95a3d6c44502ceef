"""Opening the public pages in the browser, as the browser tests walk them, and weighing them."""

from urllib.parse import urlsplit

from tests.public_pages import PublicPage


def open_public_page(page, public_page: PublicPage, language: str) -> str:
    """Open the page (a form sent empty, when that is the variant) and say which it is."""
    path = public_page.path_in(language)
    response = page.goto(path)
    if public_page.sent_empty:
        with page.expect_navigation() as navigation:
            page.locator("form.public-form [type=submit]").click()
        response = navigation.value
    assert response.status == public_page.status, f"{path} answered {response.status}"
    return f"{public_page.name} ({path})"


# What a loaded page is made of: its document's size, uncompressed, by the browser's own account, and the
# addresses of its stylesheets and scripts (and images, when asked), read from the page itself once it has
# loaded: an answer still on its way from the page before cannot be counted as this one's, nor one that a
# listener missed or the browser's cache served without a size.
PARTS = """(selector) => ({
  document: performance.getEntriesByType("navigation")[0].decodedBodySize,
  resources: [...document.querySelectorAll(selector)].map((element) => element.href || element.src),
})"""
STYLES_AND_SCRIPTS = 'link[rel="stylesheet"][href], script[src]'
_resource_sizes: dict[str, int] = {}


def weigh(page, selector: str = STYLES_AND_SCRIPTS) -> dict[str, int]:
    """The loaded page's document and the resources it uses: their paths and sizes in bytes, uncompressed.
    A resource is fetched once to be measured, and counted on every page that uses it."""
    page.wait_for_load_state("load")
    parts = page.evaluate(PARTS, selector)
    assert parts["document"] > 0, f"{page.url}: the document's size was not reported"
    sizes = {urlsplit(page.url).path: parts["document"]}
    for url in parts["resources"]:
        if url not in _resource_sizes:
            response = page.request.get(url)
            assert response.ok, f"{url} answered {response.status}"
            _resource_sizes[url] = len(response.body())
        sizes[urlsplit(url).path] = _resource_sizes[url]
    return sizes
