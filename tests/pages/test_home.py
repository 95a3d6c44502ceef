import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct, Organisation
from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProgrammeFactory,
    ThemeFactory,
    country,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
HOME = reverse("pages:home")


def test_the_home_page_says_what_the_map_is_and_counts_only_published_products(client):
    theme = ThemeFactory(name="Protecting environmental rights", slug="environment")
    ProductFactory.create_batch(3, themes=[theme])
    ProductFactory(status=Status.DRAFT, published_at=None, themes=[theme])
    ProductFactory(status=Status.SUBMITTED, published_at=None)
    response = client.get(HOME)
    assert response.status_code == 200
    assert response.context["counts"]["products"] == 3
    assert [(t.value, t.count) for t in response.context["themes"]] == [("environment", 3)]
    page = response.content.decode()
    assert "Learning from the past" in page
    assert "build on what has already been" in page  # the purpose, from the seed, in plain words


def test_a_core_theme_counts_the_products_of_its_sub_themes_once_and_links_to_them(client):
    core = ThemeFactory(name="Protecting environmental rights", slug="environment")
    land = ThemeFactory(parent=core)
    ProductFactory(themes=[core, land])
    ProductFactory(themes=[land])
    ThemeFactory(name="Still empty", slug="empty")
    response = client.get(HOME)
    assert [(t.value, t.count) for t in response.context["themes"]] == [("environment", 2), ("empty", 0)]
    assert 'href="/themes/environment/"' in response.content.decode()  # the theme's page


def test_the_home_page_features_only_published_featured_products(client):
    ProductFactory(title="Proud and public", featured=True)
    ProductFactory(title="Proud but a draft", featured=True, status=Status.DRAFT, published_at=None)
    ProductFactory(title="Recent and public")
    ProductFactory(title="Recent but archived", status=Status.ARCHIVED, published_at=None)
    page = client.get(HOME).content.decode()
    assert "Proud and public" in page
    assert "Recent and public" in page
    assert "Proud but a draft" not in page
    assert "Recent but archived" not in page


def test_the_home_page_shows_the_most_recently_published_featured_and_other_products(client):
    from datetime import timedelta

    from django.utils import timezone

    from pages.views import HOME_FEATURED, HOME_RECENT

    start = timezone.now() - timedelta(days=100)
    for n in range(12):
        # Two products share each moment: the later one (by key) comes first, as the database orders them.
        for featured in (n % 3 == 0, n % 2 == 0):
            ProductFactory(
                title=f"Product {n} {featured}", featured=featured, published_at=start + timedelta(days=n)
            )
    ProductFactory(
        title="Newest but a draft", featured=True, status=Status.DRAFT, published_at=timezone.now()
    )
    published = KnowledgeProduct.objects.published()
    featured = list(published.featured().recently_published().values_list("title", flat=True)[:HOME_FEATURED])
    recent = list(
        published.exclude(featured=True).recently_published().values_list("title", flat=True)[:HOME_RECENT]
    )
    response = client.get(HOME)
    assert [product.title for product in response.context["featured"]] == featured
    assert [product.title for product in response.context["recent"]] == recent
    assert len(featured) == HOME_FEATURED and len(recent) == HOME_RECENT
    page = response.content.decode()
    assert page.index(featured[0]) < page.index(featured[1]) and "Newest but a draft" not in page


def test_the_home_page_counts_southern_organisations(client):
    OrganisationFactory(kind=Organisation.Kind.SOUTHERN_CSO, country=country("KE"))
    OrganisationFactory()
    counts = client.get(HOME).context["counts"]
    assert (counts["organisations"], counts["southern_organisations"]) == (2, 1)


def test_the_home_page_offers_every_entry_point(client):
    page = client.get(HOME).content.decode()
    for href in ("/products/", "/map/", "/partnerships/", "/needs/new/", "/products/nominate/"):
        assert 'class="entry' in page and f'href="{href}"' in page, href
    assert 'action="/products/"' in page and 'name="q"' in page


def test_the_home_page_makes_the_same_number_of_queries_with_many_products(client, django_assert_num_queries):
    themes = ThemeFactory.create_batch(4)
    ThemeFactory(parent=themes[0])
    ProgrammeFactory.create_batch(2)
    partnership = PartnershipFactory()
    for n in range(30):
        ProductFactory(
            featured=n % 2 == 0, themes=themes[: n % 4 + 1], partnerships=[partnership], countries=["KE"]
        )
    client.get(HOME)  # the counts and the facet index the theme counts come from, once per data version
    # 1 the featured and the recent products, picked in the facet index's order of publication, by id (each
    # with their partnerships and countries, read in their rows), 2 programmes with their partnership counts.
    with django_assert_num_queries(2):
        assert client.get(HOME).status_code == 200
