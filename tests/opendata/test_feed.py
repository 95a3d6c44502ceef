"""/feeds/products/: an Atom feed of newly published products, with the browse filters."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from opendata.feeds import FEED_ITEMS
from tests.factories import OrganisationFactory, ProductFactory, ThemeFactory
from tests.open_data import slugs_in_feed

pytestmark = pytest.mark.django_db
FEED = reverse("product-feed")
ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, query="", status=200):
    response = client.get(f"{FEED}?{query}")
    assert response.status_code == status, response.content.decode()[:1000]
    return response


def test_the_address_is_the_one_in_the_design():
    assert FEED == "/feeds/products/"


def test_it_is_atom_with_the_newest_publications_first(client):
    now = timezone.now()
    for days, slug in [(3, "older"), (1, "newest"), (2, "middle")]:
        ProductFactory(slug=slug, published_at=now - timedelta(days=days))
    response = feed(client)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    links = [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]
    assert links == [f"http://testserver/products/{slug}/" for slug in ["newest", "middle", "older"]]


def test_an_entry_has_the_title_summary_date_type_and_themes(client):
    product = ProductFactory(
        title="Budget toolkit",
        summary="Follow <the> money & more.",
        themes=[ThemeFactory(name="Land rights")],
    )
    entry = ElementTree.fromstring(feed(client).content).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Budget toolkit"
    # The summary is plain text: escaped once more, as the feed says its summary is HTML.
    assert entry.find(f"{ATOM}summary").text == "Follow &lt;the&gt; money &amp; more."
    assert entry.find(f"{ATOM}published").text.startswith(product.published_at.date().isoformat())
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [
        product.product_type.name,
        "Land rights",
    ]


def test_it_holds_published_products_only(client):
    ProductFactory(slug="public")
    for status in ("draft", "submitted", "archived"):
        ProductFactory(slug=f"hidden-{status}", status=status, published_at=None)
    assert slugs_in_feed(feed(client).content) == {"public"}


def test_it_holds_the_latest_fifty(client):
    ProductFactory.create_batch(FEED_ITEMS + 2)
    assert len(slugs_in_feed(feed(client).content)) == FEED_ITEMS == 50


def test_filters_follow_one_theme_and_the_feed_links_to_that_browse_page(client):
    land = ThemeFactory(slug="land")
    ProductFactory(slug="on-land", themes=[land])
    ProductFactory(slug="elsewhere")
    response = feed(client, "theme=land")
    assert slugs_in_feed(response.content) == {"on-land"}
    root = ElementTree.fromstring(response.content)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {
        "alternate": "http://testserver/products/?theme=land",
        "self": "http://testserver/feeds/products/?theme=land",
    }


def test_a_filter_that_names_nothing_is_a_400_saying_which_and_why(client):
    response = feed(client, "theme=no-such-theme", status=400)
    assert "theme: There is no theme “no-such-theme”." in response.content.decode()


def test_every_page_tells_feed_readers_where_the_feed_is(client):
    page = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" href="/feeds/products/"' in page


def test_the_feed_costs_the_same_queries_however_many_products(client, django_assert_num_queries):
    # The products with their types, then their themes, then their organisations.
    ProductFactory.create_batch(2, themes=[ThemeFactory()], organisations=[OrganisationFactory()])
    with django_assert_num_queries(3):
        feed(client)
    ProductFactory.create_batch(20, themes=[ThemeFactory()], organisations=[OrganisationFactory()])
    with django_assert_num_queries(3):
        feed(client)


def test_an_entry_names_its_organisations_as_its_authors(client):
    ProductFactory(
        organisations=[OrganisationFactory(name="Delta Rights"), OrganisationFactory(name="Nyota")]
    )
    entry = ElementTree.fromstring(feed(client).content).find(f"{ATOM}entry")
    names = sorted(author.find(f"{ATOM}name").text for author in entry.findall(f"{ATOM}author"))
    assert names == ["Delta Rights", "Nyota"]
