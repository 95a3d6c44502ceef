"""The browse page, the API, the CSV export and the feed select the same products for the same filters
(one FilterSet serves them all), and the sitemap lists exactly the products the browse page has."""

import csv
import io

import pytest

from tests.open_data import (
    FILTER_QUERIES,
    build_inventory,
    slugs_in_feed,
    slugs_on_activities_page,
    slugs_on_browse_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def inventory():
    return build_inventory()


def slugs_in_api(client, query: str) -> set[str]:
    slugs, url = set(), f"/api/products/?page_size=2&{query}"  # small pages: paging is part of it
    while url:
        response = client.get(url)
        assert response.status_code == 200, (query, response.content.decode()[:1000])
        body = response.json()
        slugs |= {product["slug"] for product in body["results"]}
        url = body["next"]
    return slugs


def slugs_in_csv(client, query: str) -> set[str]:
    response = client.get(f"/products/export.csv?{query}")
    assert response.status_code == 200, query
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row["page"].rstrip("/").rsplit("/", 1)[1] for row in csv.DictReader(io.StringIO(text))}


def slugs_in_feed_for(client, query: str) -> set[str]:
    response = client.get(f"/feeds/products/?{query}")
    assert response.status_code == 200, query
    return slugs_in_feed(response.content)


@pytest.mark.parametrize("query", FILTER_QUERIES)
def test_the_api_csv_and_feed_select_what_the_browse_page_selects(client, inventory, query):
    expected = slugs_on_browse_page(client, query)
    assert slugs_in_api(client, query) == expected
    assert slugs_in_csv(client, query) == expected
    assert slugs_in_feed_for(client, query) == expected


def test_the_filter_combinations_are_not_all_the_same_selection(client, inventory):
    """Otherwise agreeing on them would prove little."""
    selections = {frozenset(slugs_on_browse_page(client, query)) for query in FILTER_QUERIES}
    assert len(selections) >= 12
    assert frozenset() not in {frozenset(slugs_on_browse_page(client, q)) for q in FILTER_QUERIES[1:]}


def test_the_sitemap_lists_every_product_the_browse_page_has(client, inventory):
    content = client.get("/sitemap-products.xml").content.decode()
    listed = {
        loc.rstrip("/").rsplit("/", 1)[1]
        for loc in content.split("<loc>")[1:]
        for loc in [loc.split("</loc>")[0]]
    }
    assert listed == slugs_on_browse_page(client, "") == {p.slug for p in inventory.published}


def test_the_sitemap_lists_every_activity_the_activities_page_has(client, inventory):
    content = client.get("/sitemap-activities.xml").content.decode()
    listed = {loc.split("</loc>")[0].rstrip("/").rsplit("/", 1)[1] for loc in content.split("<loc>")[1:]}
    assert listed == slugs_on_activities_page(client, "") == {a.slug for a in inventory.activities}
