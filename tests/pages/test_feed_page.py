"""The page "Follow new ones" opens: readable in a browser, with the feed's address for a feed reader."""

import pytest

from tests.factories import ProductFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def land():
    return ThemeFactory(name="Land rights", slug="land-rights")


def test_the_browse_page_links_to_it_with_its_filters(client, land):
    ProductFactory(themes=[land])
    page = client.get("/products/", {"theme": "land-rights"}).content.decode()
    assert '<a href="/feeds/?theme=land-rights">Follow new ones</a>' in page


def test_it_gives_the_feed_address_with_the_filters_and_what_the_feed_holds(client, land):
    ProductFactory(title="Land titling guide", themes=[land])
    ProductFactory(title="Other theme")
    ProductFactory(title="A draft", themes=[land], status="draft", published_at=None)
    response = client.get("/feeds/", {"theme": "land-rights"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="http://testserver/feeds/products/?theme=land-rights"' in html
    assert 'href="/alerts/?theme=land-rights"' in html
    assert "Land titling guide" in html
    assert "Other theme" not in html and "A draft" not in html


def test_it_is_in_dutch_under_nl(client):
    assert "Volg nieuwe kennisproducten" in client.get("/nl/feeds/").content.decode()


def test_a_filter_that_names_nothing_answers_400_with_the_reason(client):
    response = client.get("/feeds/", {"theme": "no-such-theme"})
    assert response.status_code == 400
    assert "no-such-theme" in response.content.decode()


def test_its_queries_do_not_grow_with_the_products(client, land, django_assert_num_queries):
    ProductFactory.create_batch(30, themes=[land])
    # The theme named in the link; the latest ten products with their types.
    with django_assert_num_queries(2):
        client.get("/feeds/", {"theme": "land-rights"})
