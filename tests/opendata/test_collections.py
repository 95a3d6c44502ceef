"""/api/partnerships/, /api/organisations/, /api/themes/, /api/product-types/ and the API's root: what each
says, products counted only when published, and the same queries however many rows."""

import pytest

from inventory.models import KnowledgeProduct, Membership, Organisation
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ThemeFactory,
    country,
)

pytestmark = pytest.mark.django_db
DRAFT = KnowledgeProduct.Status.DRAFT


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def test_the_root_lists_every_collection_the_schema_and_the_documentation(client):
    assert get(client, "/api/") == {
        "products": "http://testserver/api/products/",
        "partnerships": "http://testserver/api/partnerships/",
        "organisations": "http://testserver/api/organisations/",
        "themes": "http://testserver/api/themes/",
        "product-types": "http://testserver/api/product-types/",
        "activities": "http://testserver/api/activities/",
        "collections": "http://testserver/api/collections/",
        "schema": "http://testserver/api/schema/",
        "documentation": "http://testserver/api/docs/",
        "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    }


@pytest.mark.parametrize("asked", [{"HTTP_ACCEPT": "text/html"}, {"HTTP_ACCEPT": "application/xml"}, {}])
def test_answers_are_json_whatever_is_asked(client, asked):
    response = client.get("/api/products/?format=xml", **asked)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/api/", "/api/products/", "/api/themes/", "/api/schema/"])
def test_scripts_on_other_sites_may_read_every_answer(client, path):
    response = client.get(path, headers={"origin": "https://other-portal.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert response["ETag"]


@pytest.mark.parametrize("path", ["/api/no-such-thing/", "/api/activities/x.y%0Az/", "/api/%0A/"])
def test_an_unknown_address_under_the_api_is_a_404_in_json_even_with_a_newline_in_it(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_the_api_refuses_to_be_written_to(client):
    ProductFactory(slug="toolkit")
    for method in (client.post, client.put, client.patch, client.delete):
        assert method("/api/products/toolkit/").status_code == 405
    assert client.post("/api/products/").status_code == 405


class TestPartnerships:
    def test_a_partnership_has_its_programme_members_and_published_products(self, client):
        lead = OrganisationFactory(name="Delta NGO", slug="delta")
        partnership = PartnershipFactory(
            name="Green Alliance",
            slug="green",
            acronym="GA",
            lead_organisation=lead,
            programme__name="Dialogue and Dissent",
            summary="Forests.",
        )
        MembershipFactory(partnership=partnership, organisation=lead, role=Membership.Role.LEAD)
        ProductFactory(partnerships=[partnership])
        ProductFactory(partnerships=[partnership], status=DRAFT, published_at=None)
        body = get(client, "/api/partnerships/green/")
        assert body["web_url"] == "http://testserver/partnerships/green/"
        assert body["programme"]["name"] == "Dialogue and Dissent"
        assert body["lead_organisation"] == {"slug": "delta", "name": "Delta NGO"}
        assert body["members"] == [{"slug": "delta", "name": "Delta NGO", "role": "lead"}]
        assert body["product_count"] == 1
        assert body["products"] == "http://testserver/api/products/?partnership=green"
        assert len(get(client, body["products"])["results"]) == 1

    def test_partnerships_cost_the_same_queries_however_many(self, client, django_assert_num_queries):
        def add(n):
            for _ in range(n):
                membership = MembershipFactory()
                membership.partnership.themes.add(ThemeFactory())
                membership.partnership.countries.add(country("KE"))
                ProductFactory(partnerships=[membership.partnership])

        add(2)
        get(client, "/api/partnerships/")  # the facet index their product counts come from, once per version
        # The count, the page of partnerships (programme and lead joined in), then their memberships with
        # organisations, themes and countries.
        with django_assert_num_queries(5):
            get(client, "/api/partnerships/")
        add(30)
        get(client, "/api/partnerships/")
        with django_assert_num_queries(5):
            assert len(get(client, "/api/partnerships/?page_size=100")["results"]) == 32


class TestOrganisations:
    def test_organisations_filter_by_kind_and_country_as_their_page_does(self, client):
        OrganisationFactory(slug="nyota", kind=Organisation.Kind.SOUTHERN_CSO, country=country("KE"))
        OrganisationFactory(slug="delta", kind=Organisation.Kind.DUTCH_NGO)
        assert [o["slug"] for o in get(client, "/api/organisations/?kind=southern-cso")["results"]] == [
            "nyota"
        ]
        assert [o["slug"] for o in get(client, "/api/organisations/?country=nl")["results"]] == ["delta"]
        body = get(client, "/api/organisations/?country=XX", status=400)
        assert body["parameters"] == {"country": ["There is no country with the code “XX”."]}

    def test_an_organisation_counts_only_its_published_products(self, client):
        organisation = OrganisationFactory(slug="delta")
        ProductFactory(organisations=[organisation])
        ProductFactory(organisations=[organisation], status=DRAFT, published_at=None)
        body = get(client, "/api/organisations/delta/")
        assert body["product_count"] == 1
        assert body["country"] == {"code": "NL", "name": "Netherlands", "region": "europe"}

    def test_organisations_cost_the_same_queries_however_many(self, client, django_assert_num_queries):
        OrganisationFactory.create_batch(2)
        get(client, "/api/organisations/")  # the facet index (product counts), once per data version
        # The count, then the page of organisations with countries.
        with django_assert_num_queries(2):
            get(client, "/api/organisations/")
        for organisation in OrganisationFactory.create_batch(30):
            ProductFactory(organisations=[organisation])
        get(client, "/api/organisations/")
        with django_assert_num_queries(2):
            assert len(get(client, "/api/organisations/?page_size=100")["results"]) == 32


class TestThemesAndTypes:
    def test_a_sub_theme_names_its_parent_and_links_to_its_products(self, client):
        core = ThemeFactory(name="Land rights", slug="land")
        ThemeFactory(name="Forests", slug="forests", parent=core)
        body = get(client, "/api/themes/forests/")
        assert body["parent"] == {"slug": "land", "name": "Land rights"}
        assert body["products"] == "http://testserver/api/products/?theme=forests"

    def test_a_theme_counts_the_published_products_filed_under_it_itself(self, client):
        core = ThemeFactory(slug="land")
        forests = ThemeFactory(slug="forests", parent=core)
        ProductFactory(themes=[core])
        ProductFactory(themes=[core], status=DRAFT, published_at=None)
        ProductFactory.create_batch(2, themes=[forests])
        assert get(client, "/api/themes/land/")["product_count"] == 1
        counts = {t["slug"]: t["product_count"] for t in get(client, "/api/themes/")["results"]}
        assert counts == {"land": 1, "forests": 2}
        # `products` links to all of them, the sub-theme's included, as the browse page's theme filter does.
        assert len(get(client, get(client, "/api/themes/land/")["products"])["results"]) == 3

    def test_product_types_count_only_published_products(self, client):
        toolkit = ProductTypeFactory(name="Toolkit", slug="toolkit")
        ProductFactory(product_type=toolkit)
        ProductFactory(product_type=toolkit, status=DRAFT, published_at=None)
        body = get(client, "/api/product-types/toolkit/")
        assert body["product_count"] == 1
        assert body["products"] == "http://testserver/api/products/?type=toolkit"

    @pytest.mark.parametrize("path", ["/api/themes/", "/api/product-types/"])
    def test_they_cost_two_queries_however_many(self, client, path, django_assert_num_queries):
        parent = ThemeFactory()
        for _ in range(20):
            ProductFactory(themes=[ThemeFactory(parent=parent)])
        get(client, path)  # the facet index (product counts), once per data version
        # The count, then the page with parents (themes).
        with django_assert_num_queries(2):
            get(client, f"{path}?page_size=100")
