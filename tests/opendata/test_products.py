"""/api/products/: published products only, the browse page's filters, pages, clear 400s, ETags and 304s,
and the same few queries however many products there are."""

import pytest
from django.core.files.base import ContentFile

from inventory.models import KnowledgeProduct
from opendata.api import MAX_PAGE_SIZE, PAGE_SIZE
from tests.factories import (
    InvolvementFactory,
    MembershipFactory,
    ProductFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
PRODUCTS = "/api/products/"


def get(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def slugs(response) -> list[str]:
    return [product["slug"] for product in response.json()["results"]]


class TestListing:
    def test_it_lists_only_published_products(self, client):
        ProductFactory(slug="public")
        for status in (Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED):
            ProductFactory(slug=f"hidden-{status}", status=status, published_at=None)
        body = get(client, PRODUCTS).json()
        assert body["count"] == 1
        assert slugs(get(client, PRODUCTS)) == ["public"]

    def test_an_unpublished_product_is_not_found_by_its_slug(self, client):
        ProductFactory(slug="draft", status=Status.DRAFT, published_at=None)
        assert get(client, f"{PRODUCTS}draft/", status=404).json() == {
            "detail": "No KnowledgeProduct matches the given query."
        }

    def test_a_product_shows_what_its_page_shows_and_links_to_it(self, client, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        theme = ThemeFactory(name="Land rights", slug="land")
        membership = MembershipFactory(partnership__name="Green Alliance", partnership__slug="green")
        product = ProductFactory(
            slug="toolkit",
            title="Budget toolkit",
            themes=[theme],
            tags=["budget", "audit"],
            partnerships=[membership.partnership],
            organisations=[membership.organisation],
            countries=["KE"],
            languages=["sw"],
            url="https://example.org/toolkit",
            file=ContentFile(b"%PDF", name="toolkit.pdf"),
        )
        InvolvementFactory(product=product, stakeholder__name="District council", role="user")
        body = get(client, f"{PRODUCTS}toolkit/").json()
        assert body["url"] == "http://testserver/api/products/toolkit/"
        assert body["web_url"] == "http://testserver/products/toolkit/"
        assert body["title"] == "Budget toolkit"
        assert body["themes"] == [{"slug": "land", "name": "Land rights"}]
        assert body["tags"] == ["audit", "budget"]
        assert body["partnerships"][0]["slug"] == "green"
        assert body["organisations"] == [
            {"slug": membership.organisation.slug, "name": membership.organisation.name}
        ]
        assert body["countries"] == [{"code": "KE", "name": "Kenya", "region": "sub-saharan-africa"}]
        assert body["languages"] == [{"code": "sw", "name": "Swahili"}]
        assert body["stakeholders"] == [
            {"name": "District council", "scope": "external", "category": "government", "role": "user"}
        ]
        assert body["link"] == "https://example.org/toolkit"
        assert body["download_url"] == "http://testserver/products/toolkit/download/"

    def test_a_product_has_no_private_or_workflow_field(self, client):
        ProductFactory(slug="toolkit", nominator_email="nominator@private.example")
        body = get(client, f"{PRODUCTS}toolkit/").json()
        for private in [
            "nominator_name",
            "nominator_email",
            "nominator_organisation",
            "nominated_partnership",
            "nominated_organisations",
            "nominated_stakeholders",
            "status",
            "search_vector",
            "file",
        ]:
            assert private not in body
        assert "nominator@private.example" not in str(body)


class TestPages:
    def test_lists_come_in_pages_with_links_to_the_next(self, client):
        ProductFactory.create_batch(PAGE_SIZE + 3)
        first = get(client, PRODUCTS).json()
        assert first["count"] == PAGE_SIZE + 3 and len(first["results"]) == PAGE_SIZE
        assert first["next"] == "http://testserver/api/products/?page=2" and first["previous"] is None
        assert len(get(client, first["next"]).json()["results"]) == 3

    def test_a_client_may_ask_for_bigger_pages_up_to_the_maximum(self, client):
        ProductFactory.create_batch(3)
        assert len(slugs(get(client, f"{PRODUCTS}?page_size=2"))) == 2
        assert MAX_PAGE_SIZE == 100
        ProductFactory.create_batch(MAX_PAGE_SIZE)
        assert len(slugs(get(client, f"{PRODUCTS}?page_size=500"))) == MAX_PAGE_SIZE

    @pytest.mark.parametrize("page", ["99", "0", "-1", "two", "9" * 400])
    def test_a_page_that_does_not_exist_is_a_404_with_a_message(self, client, page):
        ProductFactory()
        assert get(client, f"{PRODUCTS}?page={page}", status=404).json() == {"detail": "Invalid page."}


class TestFilters:
    def test_it_filters_with_the_browse_page_parameters(self, client):
        land = ThemeFactory(slug="land")
        ProductFactory(slug="on-land", themes=[land], countries=["KE"])
        ProductFactory(slug="in-kenya", countries=["KE"])
        ProductFactory(slug="elsewhere", countries=["NL"])
        assert slugs(get(client, f"{PRODUCTS}?theme=land")) == ["on-land"]
        assert set(slugs(get(client, f"{PRODUCTS}?country=KE"))) == {"on-land", "in-kenya"}
        assert set(slugs(get(client, f"{PRODUCTS}?country=KE&country=NL"))) == {
            "on-land",
            "in-kenya",
            "elsewhere",
        }

    def test_it_sorts_as_the_browse_page_does(self, client):
        for title in ["Beta", "alpha", "Gamma"]:
            ProductFactory(title=title, slug=title.lower())
        assert slugs(get(client, f"{PRODUCTS}?sort=title")) == ["alpha", "beta", "gamma"]

    def test_a_value_that_names_nothing_is_a_400_saying_which_and_why(self, client):
        ProductFactory()
        body = get(client, f"{PRODUCTS}?theme=no-such-theme&year_min=soon&country=KE", status=400).json()
        assert body == {
            "detail": "Some query parameters could not be used: see `parameters`.",
            "parameters": {
                "theme": ["There is no theme “no-such-theme”."],
                "year_min": ["Give the year as a number, such as 2018."],
            },
        }

    @pytest.mark.parametrize(
        "query, parameter",
        [
            ("sort=cheapest", "sort"),
            ("region=atlantis", "region"),
            ("q=" + "x" * 201, "q"),
            ("country=XX", "country"),
        ],
    )
    def test_each_kind_of_bad_value_is_a_400(self, client, query, parameter):
        body = get(client, f"{PRODUCTS}?{query}", status=400).json()
        assert list(body["parameters"]) == [parameter]

    def test_filters_do_not_apply_to_a_single_product(self, client):
        ProductFactory(slug="toolkit")
        get(client, f"{PRODUCTS}toolkit/?theme=no-such-theme")


class TestConditionalRequests:
    def test_an_unchanged_list_answers_304_to_its_etag(self, client):
        ProductFactory()
        etag = get(client, PRODUCTS)["ETag"]
        assert etag
        response = get(client, PRODUCTS, status=304, if_none_match=etag)
        assert response.content == b""

    def test_a_change_to_the_data_changes_the_etag(self, client):
        product = ProductFactory(title="Before")
        etag = get(client, f"{PRODUCTS}{product.slug}/")["ETag"]
        product.title = "After"
        product.save()
        response = get(client, f"{PRODUCTS}{product.slug}/", if_none_match=etag)
        assert response.json()["title"] == "After" and response["ETag"] != etag

    def test_unpublishing_a_product_changes_the_lists_etag(self, client):
        ProductFactory(slug="stays")
        leaves = ProductFactory(slug="leaves")
        etag = get(client, PRODUCTS)["ETag"]
        leaves.status = Status.ARCHIVED
        leaves.save()
        assert slugs(get(client, PRODUCTS, if_none_match=etag)) == ["stays"]

    def test_renaming_a_theme_changes_the_etag_of_its_products(self, client):
        theme = ThemeFactory(name="Land")
        ProductFactory(themes=[theme])
        etag = get(client, PRODUCTS)["ETag"]
        theme.name = "Land rights"
        theme.save()
        get(client, PRODUCTS, if_none_match=etag)


class TestQueries:
    # The page of products with their types, then one query for each relation: themes, tags, partnerships
    # (with programmes), organisations, countries, languages, stakeholders. The count and the page's ids
    # come from the facet index, built once per data version (here by the request before).
    LIST_QUERIES = 8

    def test_a_page_costs_the_same_queries_however_many_products(self, client, django_assert_num_queries):
        def add(n):
            theme = ThemeFactory()
            for _ in range(n):
                product = ProductFactory(
                    themes=[theme],
                    tags=["a", "b"],
                    countries=["KE", "UG"],
                    languages=["en"],
                    partnerships=[MembershipFactory().partnership],
                )
                product.organisations.add(MembershipFactory().organisation)
                InvolvementFactory(product=product)

        add(2)
        get(client, f"{PRODUCTS}?page_size=99")
        with django_assert_num_queries(self.LIST_QUERIES):
            assert len(slugs(get(client, PRODUCTS))) == 2
        add(40)
        get(client, f"{PRODUCTS}?page_size=99")
        with django_assert_num_queries(self.LIST_QUERIES):
            assert len(slugs(get(client, f"{PRODUCTS}?page_size=100"))) == 42
        theme = ThemeFactory(name="Civic space")
        ProductFactory.create_batch(3, themes=[theme])
        get(client, f"{PRODUCTS}?page_size=99")
        # Filtered by a theme: one more, to check that the theme named exists; the products it selects (its
        # sub-themes' too) come from the index, without a join over the link tables or a count.
        with django_assert_num_queries(self.LIST_QUERIES + 1):
            assert len(slugs(get(client, f"{PRODUCTS}?theme={theme.slug}"))) == 3

    def test_a_product_costs_its_relations_queries(self, client, django_assert_num_queries):
        product = ProductFactory(themes=[ThemeFactory()], tags=["a"])
        # The product with its type, then the seven relations.
        with django_assert_num_queries(8):
            get(client, f"{PRODUCTS}{product.slug}/")
