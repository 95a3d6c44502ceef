"""Scripts on other sites read the open-data API, its ETag included, and nothing else of the site; never
with credentials, never to write."""

import pytest

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
ORIGIN = "https://dashboard.example.net"


def test_a_script_on_another_site_reads_the_api_and_its_etag(client):
    ProductFactory()
    response = client.get("/api/products/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    exposed = {name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert "etag" in exposed
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_says_which_methods_and_headers_a_script_may_use(client):
    response = client.options(
        "/api/products/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    methods = {method.strip() for method in response["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "OPTIONS"}
    assert "if-none-match" in response["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in response


def test_the_pages_and_the_admin_are_not_shared_with_other_sites(client):
    for path in ["/products/", "/admin/login/", "/needs/new/"]:
        assert "Access-Control-Allow-Origin" not in client.get(path, HTTP_ORIGIN=ORIGIN)
