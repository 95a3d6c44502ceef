"""Behind a real reverse proxy (nginx from the system's packages, started here in front of the live server
with X-Forwarded-For and X-Forwarded-Proto, as the README's deployment has it): two clients with different
addresses have their own rate limits and sign-in lockouts, and an X-Forwarded-For a client forges is
ignored, whether it comes through the proxy or straight to the site."""

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest

from inventory.models import KnowledgeProduct
from tests.external_tools import running_nginx
from tests.factories import ProductTypeFactory, ThemeFactory, curator

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
NGINX_CONF = """
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""


@pytest.fixture
def proxy(live_server, settings):
    """nginx on a free port in front of the live server; the site trusts it (127.0.0.1) as its proxy."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.SUBMISSION_RATE_LIMIT = "2/h"
    settings.ALLOWED_HOSTS = ["*"]
    upstream = urlsplit(live_server.url).port

    def configure(folder: str, port: int) -> str:
        return NGINX_CONF.format(folder=folder, port=port, upstream=upstream)

    with running_nginx(configure, "the reverse-proxy test") as port:
        yield port


class Visitor:
    """A browser-like client from its own address (127.0.0.x: every such address is this machine)."""

    def __init__(self, address: str, port: int):
        self.address, self.port, self.cookies = address, port, SimpleCookie()

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, source_address=(self.address, 0))
        headers = {"Host": "localhost", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={morsel.value}" for key, morsel in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        content = response.read().decode()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        connection.close()
        return response.status, content

    def post_form(self, path: str, fields: dict, headers: dict | None = None) -> int:
        status, page = self.request("GET", path)
        assert status == 200, page[:300]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", path, {**fields, "csrfmiddlewaretoken": token}, headers)
        return status


@pytest.fixture
def nomination_fields():
    product_type, theme = ProductTypeFactory(name="Toolkit"), ThemeFactory(name="Local governance")

    def fields(title: str) -> dict:
        return {
            "title": title,
            "summary": "How women's groups followed the district budget.",
            "url": "https://example.org/budget-toolkit",
            "product_type": product_type.pk,
            "themes": [theme.pk],
            "partnership_name": "Voices for Water Justice",
            "organisations": "Delta Rights",
            "why_valuable": "Others can reuse the score cards.",
            "nominator_name": "Grace Banda",
            "nominator_organisation": "Delta Rights",
            "nominator_email": "grace@example.org",
            "website": "",
        }

    return fields


def test_two_clients_behind_the_proxy_have_their_own_form_limits(proxy, nomination_fields):
    first, second = Visitor("127.0.0.2", proxy), Visitor("127.0.0.3", proxy)
    assert [first.post_form("/products/nominate/", nomination_fields(f"A{n}")) for n in range(3)] == [
        302,
        302,
        429,
    ]
    assert second.post_form("/products/nominate/", nomination_fields("B1")) == 302
    assert KnowledgeProduct.objects.count() == 3


def test_a_forged_forwarded_for_through_the_proxy_is_ignored(proxy, nomination_fields):
    visitor = Visitor("127.0.0.4", proxy)
    statuses = [
        visitor.post_form(
            "/products/nominate/", nomination_fields(f"F{n}"), {"X-Forwarded-For": f"10.0.0.{n}"}
        )
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_a_forged_forwarded_for_straight_to_the_site_is_ignored(proxy, live_server, nomination_fields):
    visitor = Visitor("127.0.0.5", urlsplit(live_server.url).port)
    statuses = [
        visitor.post_form(
            "/products/nominate/", nomination_fields(f"D{n}"), {"X-Forwarded-For": f"10.0.1.{n}"}
        )
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_a_lockout_behind_the_proxy_locks_out_one_client_not_everyone(proxy):
    curator(username="vera")
    attacker, colleague = Visitor("127.0.0.6", proxy), Visitor("127.0.0.7", proxy)
    for _ in range(5):
        attacker.post_form("/admin/login/?next=/admin/", {"username": "vera", "password": "wrong"})
    right = {"username": "vera", "password": "a-long-test-password"}
    assert attacker.post_form("/admin/login/?next=/admin/", right) == 429
    assert colleague.post_form("/admin/login/?next=/admin/", right) == 302
