"""Browser tests: Debian's Chromium driven by Playwright, against pytest-django's live server.

Playwright's synchronous API runs an event loop in the test's thread, and Django refuses database calls
from a thread with a running loop unless told that this is deliberate. The tests read and write the
database between browser steps, from the test thread only, so it is safe here.
"""

import os

import pytest

from tests.external_tools import CHROMIUM, unavailable

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        unavailable(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the browser tests need Playwright (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, transactional_db, django_db_serialized_rollback):
    """Open pages in fresh browser contexts (no cookies shared) on the live server:
    new_page(), new_page(viewport=PHONE), new_page(bypass_csp=True) for the accessibility checker.

    The live server's threads must see what the test writes, so the test commits (transactional_db); the
    serialized rollback puts back the rows the migrations made (countries, languages, groups), which
    the flush after each such test removes."""
    contexts = []

    def open_page(**options):
        options = {"viewport": DESKTOP, "locale": "en-GB", **options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
