"""The browse page's filter panel on a phone: boxes ticked in the open panel, applied together by one
"Show N products" button whose number follows the boxes (products/count.json), without script the same
form; its badge counts the filters, not the search."""

import re

import pytest

from tests.factories import ProductFactory, ProductTypeFactory, ThemeFactory

pytestmark = pytest.mark.django_db
COUNT = "/products/count.json"


@pytest.fixture
def catalogue():
    land = ThemeFactory(name="Land rights", slug="land", translations={"nl": {"name": "Landrechten"}})
    water = ThemeFactory(name="Water", slug="water")
    guide = ProductTypeFactory(name="Guide", slug="guide")
    ProductFactory(title="Land guide", themes=[land], product_type=guide)
    ProductFactory(title="Land study", themes=[land])
    ProductFactory(title="Water guide", themes=[water], product_type=guide)
    return land, water


class TestTheCount:
    def test_it_counts_what_the_boxes_ticked_would_show_in_the_pages_language(self, client, catalogue):
        assert client.get(f"{COUNT}?theme=land").json() == {"count": 2, "label": "Show 2 products"}
        assert client.get(f"{COUNT}?theme=land&type=guide").json()["count"] == 1
        assert client.get(f"{COUNT}?theme=land&theme=water").json()["count"] == 3
        assert client.get(f"/nl{COUNT}?theme=land&type=guide").json()["label"] == "Toon 1 product"

    def test_it_counts_published_products_only(self, client, catalogue):
        land, _water = catalogue
        ProductFactory(themes=[land], status="draft", published_at=None)
        assert client.get(f"{COUNT}?theme=land").json()["count"] == 2

    def test_a_filter_naming_nothing_answers_400_with_the_reason(self, client, catalogue):
        response = client.get(f"{COUNT}?theme=nowhere&year_min=abc")
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"theme", "year_min"}
        assert "nowhere" in response.json()["errors"]["theme"][0]

    def test_its_queries_do_not_grow_with_the_products(
        self, client, catalogue, django_assert_max_num_queries
    ):
        land, _water = catalogue
        client.get(f"{COUNT}?theme=land")  # builds the facet index
        ProductFactory.create_batch(30, themes=[land])
        client.get(f"{COUNT}?theme=land")
        # The theme named, checked by slug; the data version: the rest is the facet index in memory.
        with django_assert_max_num_queries(3):
            assert client.get(f"{COUNT}?theme=land").json()["count"] == 32


class TestThePanel:
    def test_the_badge_counts_the_filters_and_not_the_search(self, client, catalogue):
        searched = client.get("/products/?q=land").content.decode()
        toggle = re.search(r'<summary class="filter-toggle">(.*?)</summary>', searched, re.S).group(1)
        assert "chosen" not in toggle
        both = client.get("/products/?q=land&theme=land&type=guide").content.decode()
        toggle = re.search(r'<summary class="filter-toggle">(.*?)</summary>', both, re.S).group(1)
        assert "2 chosen" in toggle

    def test_the_form_carries_the_search_and_the_order_and_lands_on_the_panel(self, client, catalogue):
        page = client.get("/products/?q=land&sort=title&theme=land").content.decode()
        form = re.search(r'<form class="filter-form".*?</form>', page, re.S).group(0)
        assert 'action="/products/#filters"' in form and 'data-count-url="/products/count.json"' in form
        assert '<input type="hidden" name="q" value="land">' in form
        assert '<input type="hidden" name="sort" value="title">' in form
        assert 'name="year_min"' in form and 'name="theme" value="land" checked' in form
        assert 'id="filters"' in form

    def test_the_dutch_panel_names_the_theme_in_dutch(self, client, catalogue):
        page = client.get("/nl/products/").content.decode()
        assert re.search(r'name="theme" value="land">\s*<span>Landrechten', page)
