"""Browser tests: Debian's Chromium driven by Playwright, against pytest-django's live server.

Playwright's synchronous API runs an event loop in the test's thread, and Django refuses database calls
from a thread with a running loop unless told that this is deliberate. The tests read and write the
database between browser steps, from the test thread only, so it is safe here.
"""

import os

import pytest
from django.core.cache import cache
from django.db import connections

from search.fulltext import forget_removed_products
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


# What the migrations put in the test database (countries, languages, groups …), serialized, and the
# switch that lets code outside a test touch the database: see django_db_setup and pytest_runtest_teardown.
_migrated = {"rows": {}, "blocker": None}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the serialization of the migrations' rows kept aside.

    Django keeps that serialization on the connection object, for serialized rollbacks. Once Playwright
    runs, the test's code sees other connection objects (Django keeps them per context, and Playwright's
    greenlets switch contexts), which lack it: so it is taken here, before Playwright starts."""
    _migrated["rows"] = {
        alias: contents
        for alias in connections
        if (contents := getattr(connections[alias], "_test_serialized_contents", None)) is not None
    }
    _migrated["blocker"] = django_db_blocker


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        unavailable(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the browser tests need Playwright (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        # From here on the tests see other connection objects: give them the serialization too.
        for alias, contents in _migrated["rows"].items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests first, before any other test has committed and emptied the database."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A browser test commits, so the database is emptied after it, the migrations' rows too; put those
    back for the test that follows, unless it is a browser test (its serialized rollback does it) or
    there is none (the test database is gone by now)."""
    yield
    blocker = _migrated["blocker"]
    if blocker is None or item.get_closest_marker("browser") is None or nextitem is None:
        return
    with blocker.unblock():
        # The flush of a serialized rollback sends no post_migrate: forget the removed products' full-text
        # rows (SQLite) as a flush otherwise does, or the next test's products would be found by their words.
        for alias in _migrated["rows"]:
            forget_removed_products(using=alias)
    if nextitem.get_closest_marker("browser") is not None:
        return
    with blocker.unblock():
        for alias, contents in _migrated["rows"].items():
            connections[alias].creation.deserialize_db_from_string(contents)
        # The cache lives in a database table that the flush leaves alone: rate-limit counters included.
        cache.clear()


@pytest.fixture
def new_page(browser, live_server, transactional_db, django_db_serialized_rollback, settings):
    """Open pages in fresh browser contexts (no cookies shared) on the live server:
    new_page(), new_page(viewport=PHONE), new_page(bypass_csp=True) for the accessibility checker.

    The live server's threads must see what the test writes, so the test commits (transactional_db).
    The tests send many forms from one address: the rate limit, tested elsewhere, is off."""
    settings.SUBMISSION_RATE_LIMIT = ""
    contexts = []

    def open_page(**options):
        options = {"viewport": DESKTOP, "locale": "en-GB", **options}
        context = browser.new_context(base_url=live_server.url, **options)
        # Generous: the first request after the demo is loaded computes the figures every page shares, and
        # on a 2-core machine running another suite beside this one a page took over 10 s to load.
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
