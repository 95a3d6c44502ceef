"""Every absolute link the site writes comes from SITE_URL, never from the address a visitor typed."""

import re

import pytest

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
SITE = "https://kennis.example.org"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["kennis.example.org", "testserver"]


def hrefs(response) -> list[str]:
    return re.findall(r'href="([^"]*)"', response.content.decode())


def off_site(links: list[str]) -> list[str]:
    """Links that leave the site: to another host, or protocol-relative."""
    return [
        link
        for link in links
        if link.startswith("//") or (re.match(r"https?:", link) and "evil.example" in link.split("/")[2])
    ]


@pytest.mark.parametrize("path", ["//evil.example/", "/nl//evil.example/", "//evil.example/products/"])
def test_a_path_with_two_slashes_never_makes_a_link_off_the_site(client, path):
    response = client.get("/", PATH_INFO=path)
    links = hrefs(response)
    assert off_site(links) == []
    assert "http://evil.example" not in response.content.decode()


def test_the_canonical_and_shared_address_are_the_sites(client):
    product = ProductFactory()
    content = client.get(product.get_absolute_url(), HTTP_HOST="testserver").content.decode()
    assert f'<link rel="canonical" href="{SITE}{product.get_absolute_url()}">' in content
    assert f'<meta property="og:url" content="{SITE}{product.get_absolute_url()}">' in content
    assert "http://testserver" not in content


def test_every_page_lists_itself_each_language_and_a_default_as_full_addresses(client):
    content = client.get("/nl/products/?q=budget").content.decode()
    assert f'<link rel="alternate" hreflang="en" href="{SITE}/products/?q=budget">' in content
    assert f'<link rel="alternate" hreflang="nl" href="{SITE}/nl/products/?q=budget">' in content
    assert f'<link rel="alternate" hreflang="x-default" href="{SITE}/products/?q=budget">' in content


def test_the_api_and_the_export_link_to_the_sites_pages(client):
    product = ProductFactory()
    api = client.get("/api/products/", HTTP_HOST="testserver").json()
    assert api["results"][0]["web_url"] == f"{SITE}{product.get_absolute_url()}"
    export = b"".join(client.get("/products/export.csv").streaming_content).decode()
    assert f"{SITE}{product.get_absolute_url()}" in export
