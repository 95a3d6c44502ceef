"""A product's page: every public field, its people and places, related products; nothing private."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from inventory.models import Involvement, KnowledgeProduct, Organisation, Stakeholder
from tests.factories import (
    InvolvementFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ProgrammeFactory,
    StakeholderFactory,
    ThemeFactory,
    country,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


def detail(client, product, status=200):
    response = client.get(reverse("pages:product-detail", args=[product.slug]))
    assert response.status_code == status
    return response


@pytest.fixture
def product():
    programme = ProgrammeFactory(name="Dialogue and Dissent")
    product = ProductFactory(
        title="Budget tracking toolkit",
        summary="How women's groups followed the district budget.",
        description="Score cards, budget calendars and a guide to public hearings.",
        why_valuable="Partners in three countries reused the score cards.",
        product_type=ProductTypeFactory(name="Toolkit"),
        year=2019,
        url="https://example.org/toolkit",
        featured=True,
        nominator_name="Nadia Nominator",
        nominator_email="nadia@example.org",
        nominator_organisation="Private Org Name",
        themes=[ThemeFactory(name="Gender budgeting", slug="gender-budgeting")],
        tags=["budget monitoring"],
        countries=["UG", "KE"],
        languages=["en", "sw"],
        partnerships=[PartnershipFactory(name="Count Us In", programme=programme)],
        organisations=[
            OrganisationFactory(
                name="Voices of the Valley", kind=Organisation.Kind.SOUTHERN_CSO, country=country("UG")
            ),
            OrganisationFactory(name="Delta Rights"),
        ],
    )
    council = StakeholderFactory(name="District council", scope=Stakeholder.Scope.EXTERNAL)
    InvolvementFactory(product=product, stakeholder=council, role=Involvement.Role.AUDIENCE)
    InvolvementFactory(product=product, stakeholder=council, role=Involvement.Role.REVIEWER)
    InvolvementFactory(
        product=product,
        stakeholder=StakeholderFactory(
            name="Programme team", scope=Stakeholder.Scope.INTERNAL, category="civil-society"
        ),
        role=Involvement.Role.CO_CREATOR,
    )
    return product


def test_it_shows_every_public_field(client, product):
    page = detail(client, product).content.decode()
    for text in (
        "Budget tracking toolkit",
        "How women&#x27;s groups followed the district budget.",
        "Score cards, budget calendars and a guide to public hearings.",
        "Partners in three countries reused the score cards.",
        "Toolkit",
        "2019",
        'href="https://example.org/toolkit"',
        "Count Us In",
        "Dialogue and Dissent",
        "Uganda",
        "Kenya",
        "English",
        "Swahili",
        "An organisation named this among its most valuable products",
    ):
        assert text in page, text


def test_it_never_shows_the_nominator(client, product):
    page = detail(client, product).content.decode()
    assert "Nadia" not in page
    assert "nadia@example.org" not in page
    assert "Private Org Name" not in page


def test_themes_tags_type_year_countries_and_languages_link_into_the_browse_page(client, product):
    page = detail(client, product).content.decode()
    assert 'href="/themes/gender-budgeting/"' in page  # a theme's name opens its page
    for query in (
        "tag=budget-monitoring",
        "type=toolkit",
        "year_min=2019&amp;year_max=2019",
        "country=UG",
        "language=sw",
    ):
        assert f'href="/products/?{query}"' in page, query


def test_southern_partners_are_marked_as_such(client, product):
    page = detail(client, product).content.decode()
    assert 'Voices of the Valley</a> <span class="badge badge-southern">Southern partner</span>' in page
    assert 'Delta Rights</a> <span class="badge badge-southern">' not in page


def test_stakeholders_are_grouped_inside_and_outside_with_their_roles(client, product):
    groups = detail(client, product).context["stakeholders"]
    assert [(g["scope"], [(s.name, roles) for s, roles in g["stakeholders"]]) for g in groups] == [
        ("internal", [("Programme team", ["Co-creator"])]),
        ("external", [("District council", ["Audience", "Reviewer"])]),
    ]


def test_an_uploaded_file_can_be_downloaded(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory(url="")
    product.file.save("guide.pdf", ContentFile(b"%PDF-1.4"), save=True)
    page = detail(client, product).content.decode()
    download = reverse("inventory:product-download", args=[product.slug])
    assert f'href="{download}" download' in page
    assert client.get(download).getvalue() == b"%PDF-1.4"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED])
def test_an_unpublished_product_is_not_found(client, status):
    detail(client, ProductFactory(status=status, published_at=None), status=404)


def test_an_unknown_slug_is_not_found(client):
    assert client.get("/products/no-such-product/").status_code == 404


class TestRelatedProducts:
    def test_up_to_four_published_products_sharing_the_most_themes_and_tags(self, client):
        one, two = ThemeFactory(), ThemeFactory()
        product = ProductFactory(themes=[one, two], tags=["budget", "gender"])
        ProductFactory(title="Shares three", themes=[one, two], tags=["budget"])
        ProductFactory(title="Shares two by tags", tags=["budget", "gender"])
        ProductFactory(title="Shares two by themes", themes=[one, two])
        ProductFactory(title="Shares one", themes=[one])
        ProductFactory(title="Shares one too", tags=["gender"])
        ProductFactory(title="Shares nothing", themes=[ThemeFactory()], tags=["other"])
        ProductFactory(
            title="Draft sharing all",
            themes=[one, two],
            tags=["budget", "gender"],
            status=Status.DRAFT,
            published_at=None,
        )
        related = [p.title for p in detail(client, product).context["related"]]
        assert len(related) == 4
        assert related[0] == "Shares three"
        assert set(related[1:3]) == {"Shares two by tags", "Shares two by themes"}
        assert related[3] in {"Shares one", "Shares one too"}

    def test_a_product_without_themes_or_tags_has_no_related_products(self, client):
        ProductFactory(themes=[ThemeFactory()])
        assert list(detail(client, ProductFactory()).context["related"]) == []


def test_the_page_makes_the_same_queries_however_much_is_linked(client, django_assert_num_queries):
    themes = ThemeFactory.create_batch(6)
    organisations = OrganisationFactory.create_batch(6)
    product = ProductFactory(
        themes=themes,
        tags=[f"tag {n}" for n in range(6)],
        countries=["KE", "UG", "BO", "NL"],
        languages=["en", "fr", "es"],
        partnerships=PartnershipFactory.create_batch(3),
        organisations=organisations,
    )
    for stakeholder in StakeholderFactory.create_batch(5, organisation=organisations[0]):
        InvolvementFactory(product=product, stakeholder=stakeholder)
    for n in range(10):
        ProductFactory(
            themes=themes[: n % 6 + 1], tags=[f"tag {n % 6}"], partnerships=PartnershipFactory.create_batch(2)
        )
    detail(client, product)  # the facet index its themes, countries, languages and related products come from
    # 1 the product with its type and, read in its row (core.linked_rows), its tags, organisations with
    # their countries, partnerships with their programmes, involvements with their stakeholders and the
    # stakeholders' organisations, and its further files and links with their languages; 2 the related
    # products with their types, partnerships and countries.
    with django_assert_num_queries(2):
        detail(client, product)


def test_related_products_are_those_sharing_the_most_themes_and_tags_newest_published_among_equals(client):
    water, budget, land = ThemeFactory(), ThemeFactory(), ThemeFactory()
    now = timezone.now()
    product = ProductFactory(themes=[water, budget], tags=["radio", "youth"])
    days_ago = lambda n: now - timedelta(days=n)  # noqa: E731
    both_and_a_tag = ProductFactory(themes=[water, budget], tags=["radio"], published_at=days_ago(9))
    three_older = ProductFactory(themes=[water], tags=["radio", "youth"], published_at=days_ago(8))
    one_new = ProductFactory(themes=[budget], published_at=days_ago(1))
    one_old = ProductFactory(tags=["youth"], published_at=days_ago(5))
    ProductFactory(themes=[land], tags=["mining"], published_at=now)  # shares nothing
    ProductFactory(themes=[water, budget], tags=["radio", "youth"], status="draft", published_at=None)
    ProductFactory(themes=[water], published_at=days_ago(30))  # one shared, but the oldest
    related = client.get(product.get_absolute_url()).context["related"]
    assert related == [three_older, both_and_a_tag, one_new, one_old]
