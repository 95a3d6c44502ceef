"""The caching proxy of deploy/nginx.conf (nginx from the system's packages, started here in front of the
live server as `make serve-cached` starts it): anonymous visitors' public pages come from its cache, forms,
the admin and signed-in visitors always reach the site, and a change shows once the page's time is up."""

import http.client
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.external_tools import running_nginx
from tests.factories import ProductFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def proxy(live_server, settings):
    """nginx with deploy/nginx.conf on a free port in front of the live server."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.PUBLIC_CACHE_SECONDS, settings.PUBLIC_CACHE_STALE_SECONDS = 2, 1

    def configure(folder: str, port: int) -> str:
        template = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()
        for name, value in {
            "@LISTEN@": f"127.0.0.1:{port}",
            "@UPSTREAM@": f"127.0.0.1:{urlsplit(live_server.url).port}",
            "@RUN_DIR@": folder,
            "@CACHE_DIR@": f"{folder}/cache",
        }.items():
            template = template.replace(name, value)
        return template

    with running_nginx(configure, "the caching-proxy test") as port:
        yield port


def get(port: int, path: str, cookie: str = "") -> tuple[int, str, str]:
    """Status, body and the proxy's X-Cache (HIT, MISS, EXPIRED, BYPASS…)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": "localhost", **({"Cookie": cookie} if cookie else {})})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body, response.headers.get("X-Cache", "")


def test_public_pages_come_from_the_cache_the_second_time(proxy):
    product = ProductFactory(title="Budget toolkit")
    for path in ["/", "/products/", product.get_absolute_url(), "/nl/map/"]:
        status, body, cache = get(proxy, path)
        assert (status, cache) == (200, "MISS"), (path, body[-3000:])
        assert get(proxy, path)[::2] == (200, "HIT"), path


def test_forms_and_the_admin_always_reach_the_site(proxy):
    product = ProductFactory(title="Budget toolkit")
    paths = ["/needs/new/", "/fr/needs/new/", "/products/nominate/", "/alerts/", "/admin/login/", "/healthz"]
    for path in [*paths, f"{product.get_absolute_url()}ask/"]:
        for _ in range(2):
            status, _body, cache = get(proxy, path)
            # Passed by, not "MISS": a miss takes the page's cache lock, and visitors of the same form would
            # wait for one another.
            assert status == 200 and cache == "BYPASS", (path, cache)


def test_signed_in_visitors_and_those_with_messages_pass_the_cache_by(proxy):
    get(proxy, "/"), get(proxy, "/")
    assert get(proxy, "/", cookie=f"{settings.SESSION_COOKIE_NAME}=anything")[2] == "BYPASS"
    assert get(proxy, "/", cookie="messages=anything")[2] == "BYPASS"
    # Another anonymous visitor's cookies (a form's CSRF token) change nothing.
    assert get(proxy, "/", cookie="csrftoken=" + "x" * 32)[2] == "HIT"


def test_a_change_shows_once_the_pages_time_is_up(proxy):
    product = ProductFactory(title="Budget toolkit")
    path = product.get_absolute_url()
    get(proxy, path)
    product.title = "Budget toolkit, second edition"
    product.save()
    # Within its time (here 2 s, and 1 s more while it is fetched anew; nginx counts whole seconds, so up to
    # a second more) the cache may serve the old page; after that, never.
    assert "second edition" not in get(proxy, path)[1]
    time.sleep(4.5)
    seen = [get(proxy, path) for _ in range(2)]
    assert all("second edition" in body for _status, body, _cache in seen), [c for _s, _b, c in seen]
