"""Partnerships: the list by programme, and a partnership's page with its members and products."""

import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct, Membership, Organisation
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProgrammeFactory,
    ThemeFactory,
    country,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
Role = Membership.Role
LIST = reverse("pages:partnership-list")


def with_members(partnership, *members):
    for organisation, role in members:
        MembershipFactory(partnership=partnership, organisation=organisation, role=role)
    return partnership


class TestList:
    def test_partnerships_are_grouped_by_programme_latest_first(self, client):
        dissent = ProgrammeFactory(name="Dialogue and Dissent", start_year=2016, end_year=2020)
        voices = ProgrammeFactory(name="Power of Voices", start_year=2021, end_year=2025)
        PartnershipFactory(name="Count Us In", programme=dissent)
        PartnershipFactory(name="She Leads", programme=voices)
        PartnershipFactory(name="Green Livelihoods", programme=dissent)
        response = client.get(LIST)
        assert [(p.programme.name, p.name) for p in response.context["partnerships"]] == [
            ("Power of Voices", "She Leads"),
            ("Dialogue and Dissent", "Count Us In"),
            ("Dialogue and Dissent", "Green Livelihoods"),
        ]
        page = response.content.decode()
        assert page.index("Power of Voices") < page.index("Dialogue and Dissent")

    def test_each_shows_its_lead_members_and_published_product_count(self, client):
        lead = OrganisationFactory(name="Mama Fund")
        partnership = with_members(
            PartnershipFactory(name="Count Us In", lead_organisation=lead),
            (lead, Role.LEAD),
            (
                OrganisationFactory(name="Voices Kenya", kind="southern-cso", country=country("KE")),
                Role.SOUTHERN_PARTNER,
            ),
        )
        ProductFactory.create_batch(2, partnerships=[partnership])
        ProductFactory(partnerships=[partnership], status=Status.DRAFT, published_at=None)
        response = client.get(LIST)
        (shown,) = response.context["partnerships"]
        assert shown.product_count == 2
        page = response.content.decode()
        assert "Led by" in page and "Mama Fund" in page
        assert 'Voices Kenya <span class="southern-mark">(Southern)</span>' in page
        assert "2 members" in page
        assert f'href="/products/?partnership={partnership.slug}">2 products</a>' in page

    def test_the_list_makes_the_same_queries_however_many_partnerships(
        self, client, django_assert_num_queries
    ):
        for n in range(8):
            partnership = PartnershipFactory(lead_organisation=OrganisationFactory())
            for organisation in OrganisationFactory.create_batch(3):
                MembershipFactory(partnership=partnership, organisation=organisation)
            ProductFactory.create_batch(n % 3, partnerships=[partnership])
        client.get(LIST)  # the facet index their product counts come from, once per data version
        # 1 partnerships with programme and lead; 2 their memberships with organisations.
        with django_assert_num_queries(2):
            assert client.get(LIST).status_code == 200


class TestDetail:
    def test_it_shows_members_with_their_roles_themes_countries_and_published_products(self, client):
        partnership = with_members(
            PartnershipFactory(name="Count Us In", acronym="CUI", summary="Five feminist funds."),
            (OrganisationFactory(name="Mama Fund"), Role.LEAD),
            (
                OrganisationFactory(
                    name="Voices Kenya", kind=Organisation.Kind.SOUTHERN_CSO, country=country("KE")
                ),
                Role.SOUTHERN_PARTNER,
            ),
        )
        partnership.themes.set([ThemeFactory(name="Gender equality", slug="gender")])
        partnership.countries.set([country("KE"), country("UG")])
        ProductFactory(title="Published toolkit", partnerships=[partnership])
        ProductFactory(
            title="Draft toolkit", partnerships=[partnership], status=Status.DRAFT, published_at=None
        )
        response = client.get(partnership.get_absolute_url())
        page = response.content.decode()
        for text in (
            "Count Us In",
            "(CUI)",
            "Five feminist funds.",
            "Mama Fund",
            "Lead",
            "Voices Kenya",
            "Southern partner",
            'href="/themes/gender/"',
            "Kenya, Uganda",
            "Published toolkit",
            "1 knowledge product",
        ):
            assert text in page, text
        assert "Draft toolkit" not in page

    def test_many_products_link_to_the_browse_page_for_all(self, client):
        partnership = PartnershipFactory()
        ProductFactory.create_batch(15, partnerships=[partnership])
        response = client.get(partnership.get_absolute_url())
        assert len(response.context["products"]) == 12
        assert (
            f'href="/products/?partnership={partnership.slug}">All 15 products' in response.content.decode()
        )

    def test_an_unknown_partnership_is_not_found(self, client):
        assert client.get("/partnerships/nobody/").status_code == 404

    def test_the_page_makes_the_same_queries_however_much_it_holds(self, client, django_assert_num_queries):
        partnership = PartnershipFactory(lead_organisation=OrganisationFactory())
        for organisation in OrganisationFactory.create_batch(6):
            MembershipFactory(partnership=partnership, organisation=organisation)
        partnership.themes.set(ThemeFactory.create_batch(3))
        partnership.countries.set([country("KE"), country("UG")])
        ProductFactory.create_batch(20, partnerships=[partnership, PartnershipFactory()])
        client.get(partnership.get_absolute_url())  # the facet index, once per data version
        # 1 the partnership with programme and lead; prefetched 2 memberships with organisations and
        # their countries, 3 themes, 4 countries; 5 its most recent products, picked and counted in the
        # facet index, read by id with their types, partnerships and countries (in their rows).
        with django_assert_num_queries(5):
            assert client.get(partnership.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("owner", ["partnership", "organisation"])
def test_an_owners_page_shows_its_most_recently_published_products_and_counts_them_all(client, owner):
    """A partnership's or an organisation's page: its most recent published products first (the later
    of two published at once first, as the database orders them), and the number it has published."""
    from datetime import timedelta

    from django.utils import timezone

    from pages.views import PRODUCTS_ON_OWNER_PAGE

    record = PartnershipFactory() if owner == "partnership" else OrganisationFactory()
    start = timezone.now() - timedelta(days=100)
    for n in range(PRODUCTS_ON_OWNER_PAGE + 4):
        for _ in range(2):
            ProductFactory(**{f"{owner}s": [record]}, published_at=start + timedelta(days=n))
        ProductFactory(published_at=start + timedelta(days=n, hours=1))  # another's
    ProductFactory(**{f"{owner}s": [record]}, status=Status.DRAFT, published_at=None)
    products = record.products.published()
    expected = list(products.recently_published().values_list("title", flat=True)[:PRODUCTS_ON_OWNER_PAGE])
    response = client.get(record.get_absolute_url())
    assert [product.title for product in response.context["products"]] == expected
    assert response.context["product_count"] == products.count() == 2 * (PRODUCTS_ON_OWNER_PAGE + 4)
