"""/sitemap.xml lists every public page and /robots.txt points at it."""

import re

import pytest
from django.utils import timezone

from opendata.sitemaps import ProductSitemap
from tests.factories import LearningActivityFactory, OrganisationFactory, PartnershipFactory, ProductFactory

pytestmark = pytest.mark.django_db


def locations(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


SECTIONS = ["pages", "products", "partnerships", "organisations", "activities", "themes", "collections"]
OTHER_LANGUAGES = ["nl", "fr", "es"]


def test_the_sitemap_is_an_index_of_its_sections_in_each_language(client):
    assert locations(client, "/sitemap.xml") == [
        *[f"http://testserver/sitemap-{section}.xml" for section in SECTIONS],
        *[
            f"http://testserver/sitemap-{section}-{language}.xml"
            for language in OTHER_LANGUAGES
            for section in SECTIONS
        ],
    ]


def alternates(client, url) -> dict[str, dict[str, str]]:
    """{location: {language: alternate location}} of a sitemap file."""
    content = client.get(url).content.decode()
    found = {}
    for entry in re.findall(r"<url>(.*?)</url>", content, re.S):
        [location] = re.findall(r"<loc>([^<]+)</loc>", entry)
        found[location] = dict(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', entry))
    return found


def test_every_record_is_listed_in_every_language_each_with_all_four_as_alternates(client):
    product = ProductFactory()
    english = f"http://testserver{product.get_absolute_url()}"
    translated = {code: f"http://testserver/{code}{product.get_absolute_url()}" for code in OTHER_LANGUAGES}
    every = {"en": english, **translated, "x-default": english}
    assert alternates(client, "/sitemap-products.xml") == {english: every}
    for code, location in translated.items():
        assert alternates(client, f"/sitemap-products-{code}.xml") == {location: every}
        page = client.get(location.removeprefix("http://testserver"))
        assert page.status_code == 200 and f'<html lang="{code}"' in page.content.decode()


def test_a_page_in_one_language_only_is_listed_once_without_alternates(client):
    english = alternates(client, "/sitemap-pages.xml")
    dutch = alternates(client, "/sitemap-pages-nl.xml")
    assert english["http://testserver/api/docs/"] == {}
    assert not [location for location in dutch if "/api/" in location]
    assert english["http://testserver/map/"]["nl"] == "http://testserver/nl/map/"
    assert set(dutch) == {
        alternate["nl"]
        for location, alternate in english.items()
        if location != "http://testserver/api/docs/"
    }
    for location in dutch:
        assert client.get(location.removeprefix("http://testserver")).status_code == 200, location


def test_it_lists_every_published_product_partnership_and_organisation(client):
    product = ProductFactory()
    ProductFactory(status="draft", published_at=None, slug="draft-one")
    partnership, organisation = PartnershipFactory(), OrganisationFactory()
    assert locations(client, "/sitemap-products.xml") == [f"http://testserver{product.get_absolute_url()}"]
    assert locations(client, "/sitemap-partnerships.xml") == [
        f"http://testserver{partnership.get_absolute_url()}"
    ]
    assert locations(client, "/sitemap-organisations.xml") == [
        f"http://testserver{organisation.get_absolute_url()}"
    ]


def test_it_lists_public_activities_only(client):
    public = LearningActivityFactory()
    LearningActivityFactory(start_date=None, status="planned", slug="still-a-plan")
    assert locations(client, "/sitemap-activities.xml") == [f"http://testserver{public.get_absolute_url()}"]


def test_it_lists_the_pages_that_are_not_records(client):
    paths = [loc.removeprefix("http://testserver") for loc in locations(client, "/sitemap-pages.xml")]
    assert paths == [
        "/",
        "/products/",
        "/partnerships/",
        "/organisations/",
        "/map/",
        "/gaps/",
        "/activities/",
        "/collections/",
        "/open-data/",
        "/api/docs/",
    ]
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_a_long_section_is_split_into_files_the_index_lists(client, monkeypatch):
    monkeypatch.setattr(ProductSitemap, "limit", 2)
    products = ProductFactory.create_batch(3)
    index = locations(client, "/sitemap.xml")
    assert index[1:3] == [
        "http://testserver/sitemap-products.xml",
        "http://testserver/sitemap-products.xml?p=2",
    ]
    listed = locations(client, "/sitemap-products.xml") + locations(client, "/sitemap-products.xml?p=2")
    assert sorted(listed) == sorted(f"http://testserver{p.get_absolute_url()}" for p in products)


def test_a_product_says_when_it_last_changed(client):
    product = ProductFactory()
    content = client.get("/sitemap-products.xml").content.decode()
    # The day where the site is (TIME_ZONE), as the sitemap writes it.
    assert f"<lastmod>{timezone.localdate(product.updated_at).isoformat()}</lastmod>" in content


def test_an_unknown_section_or_page_is_a_404(client):
    assert client.get("/sitemap-needs.xml").status_code == 404
    assert client.get("/sitemap-products.xml?p=7").status_code == 404
    assert client.get("/sitemap-products.xml?p=x").status_code == 404


def test_the_sitemap_costs_the_same_queries_however_many_products(client, django_assert_num_queries):
    ProductFactory.create_batch(2)
    # The count for the paginator, then the page of products.
    with django_assert_num_queries(2):
        client.get("/sitemap-products.xml")
    ProductFactory.create_batch(30)
    with django_assert_num_queries(2):
        client.get("/sitemap-products.xml")


def test_the_index_says_when_each_section_last_changed_at_a_constant_cost(client, django_assert_num_queries):
    ProductFactory.create_batch(2)
    latest = ProductFactory()
    activity = LearningActivityFactory()
    # Per section with records, in each of the four languages: the paginator's count and the latest change
    # (products, partnerships, organisations, themes and collections count; products and activities ask
    # for their latest change).
    with django_assert_num_queries(8 * 4) as queries:
        content = client.get("/sitemap.xml").content.decode()
    # Counted, not read: the index never fetches the products themselves (Django's default did, all of them).
    assert not [q for q in queries.captured_queries if '"inventory_knowledgeproduct"."slug"' in q["sql"]]
    ProductFactory.create_batch(30)
    with django_assert_num_queries(8 * 4):
        client.get("/sitemap.xml")
    sections = dict(re.findall(r"<loc>[^<]+sitemap-(\w+)\.xml</loc>\s*<lastmod>([^<]+)</lastmod>", content))
    assert sections["products"].startswith(timezone.localdate(latest.updated_at).isoformat())
    assert sections["activities"].startswith(timezone.localdate(activity.updated_at).isoformat())


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_private_parts(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for path in [
        "/admin/",
        "/api/",
        "/products/export.csv",
        "/products/nominate/",
        "/needs/",
        "/products/?",
        "/activities/?",
    ]:
        assert f"Disallow: {path}" in lines
    assert "Allow: /api/docs/" in lines
    for language in OTHER_LANGUAGES:
        for path in ["/products/nominate/", "/needs/", "/products/?"]:
            assert f"Disallow: /{language}{path}" in lines
    # Product pages and the lists themselves stay open.
    assert "Disallow: /products/" not in lines and "Disallow: /" not in lines
