"""Organisations: the list filtered by kind and country, and an organisation's page."""

import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct, Membership, Organisation
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    country,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
Kind = Organisation.Kind
LIST = reverse("pages:organisation-list")


def names(response) -> list[str]:
    return [o.name for o in response.context["page"].object_list]


class TestList:
    @pytest.fixture
    def organisations(self):
        OrganisationFactory(name="Delta Rights", kind=Kind.DUTCH_NGO, country=country("NL"))
        OrganisationFactory(name="Voices Kenya", kind=Kind.SOUTHERN_CSO, country=country("KE"))
        OrganisationFactory(name="Andes Water", kind=Kind.SOUTHERN_CSO, country=country("BO"))
        OrganisationFactory(name="Institute", kind=Kind.KNOWLEDGE_INSTITUTE, country=country("NL"))

    def test_it_lists_organisations_by_name(self, client, organisations):
        assert names(client.get(LIST)) == ["Andes Water", "Delta Rights", "Institute", "Voices Kenya"]

    def test_it_filters_by_kind_and_country(self, client, organisations):
        assert names(client.get(LIST, {"kind": "southern-cso"})) == ["Andes Water", "Voices Kenya"]
        assert names(client.get(LIST, {"country": "nl"})) == ["Delta Rights", "Institute"]
        assert names(client.get(LIST, {"kind": "southern-cso", "country": "KE"})) == ["Voices Kenya"]
        assert names(client.get(LIST, {"q": "water"})) == ["Andes Water"]

    @pytest.mark.parametrize(
        "query", [{"kind": "church"}, {"country": "XX"}, {"country": "K\x00"}, {"q": "x" * 300}]
    )
    def test_bad_filters_give_400_with_the_reason(self, client, organisations, query):
        response = client.get(LIST, query)
        assert response.status_code == 400
        assert response.context["errors"]

    def test_it_counts_only_published_products(self, client):
        organisation = OrganisationFactory()
        ProductFactory.create_batch(2, organisations=[organisation])
        ProductFactory(organisations=[organisation], status=Status.DRAFT, published_at=None)
        (shown,) = client.get(LIST).context["page"].object_list
        assert shown.product_count == 2

    def test_the_list_makes_the_same_queries_however_many_organisations(
        self, client, django_assert_num_queries
    ):
        for organisation in OrganisationFactory.create_batch(12):
            ProductFactory(organisations=[organisation])
            MembershipFactory(organisation=organisation)
        client.get(LIST)  # the facet index their product counts come from, once per data version
        # 1 count, 2 countries that have organisations (for the form), 3 the page of organisations
        # with country and partnership counts.
        with django_assert_num_queries(3):
            assert client.get(LIST).status_code == 200
        # and one more: the check that the country exists.
        with django_assert_num_queries(4):
            assert client.get(LIST, {"country": "NL", "kind": "dutch-ngo"}).status_code == 200


class TestDetail:
    def test_it_shows_the_organisation_its_partnerships_and_published_products(self, client):
        organisation = OrganisationFactory(
            name="Voices Kenya", kind=Kind.SOUTHERN_CSO, country=country("KE"), website="https://example.org"
        )
        MembershipFactory(
            organisation=organisation,
            partnership=PartnershipFactory(name="Count Us In"),
            role=Membership.Role.SOUTHERN_PARTNER,
        )
        ProductFactory(title="Published guide", organisations=[organisation])
        ProductFactory(
            title="Draft guide", organisations=[organisation], status=Status.DRAFT, published_at=None
        )
        page = client.get(organisation.get_absolute_url()).content.decode()
        for text in (
            "Voices Kenya",
            "Kenya",
            "Southern partner",
            "Count Us In",
            "Published guide",
            "1 knowledge product",
        ):
            assert text in page, text
        assert "Draft guide" not in page

    def test_an_unknown_organisation_is_not_found(self, client):
        assert client.get("/organisations/nobody/").status_code == 404

    def test_the_page_makes_the_same_queries_however_much_it_holds(self, client, django_assert_num_queries):
        organisation = OrganisationFactory()
        for _ in range(4):
            MembershipFactory(organisation=organisation)
        ProductFactory.create_batch(
            15, organisations=[organisation], partnerships=PartnershipFactory.create_batch(2)
        )
        client.get(organisation.get_absolute_url())  # the facet index, once per data version
        # 1 the organisation with its country, 2 its memberships with partnerships and programmes, 3 its
        # most recent products, picked and counted in the facet index, read by id with their types,
        # partnerships and countries (in their rows).
        with django_assert_num_queries(3):
            assert client.get(organisation.get_absolute_url()).status_code == 200
