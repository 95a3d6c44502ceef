import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct, Organisation
from tests.factories import OrganisationFactory, PartnershipFactory, ProductFactory, ThemeFactory, country

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


def test_the_home_page_says_what_the_map_is_and_counts_only_published_products(client):
    theme = ThemeFactory(name="Protecting environmental rights")
    ProductFactory.create_batch(3, themes=[theme])
    ProductFactory(status=Status.DRAFT, published_at=None, themes=[theme])
    ProductFactory(status=Status.SUBMITTED, published_at=None)
    response = client.get(reverse("inventory:home"))
    assert response.status_code == 200
    assert response.context["counts"]["products"] == 3
    assert response.context["themes"].get(pk=theme.pk).product_count == 3
    assert "Learning from the past" in response.content.decode()


def test_the_home_page_features_only_published_featured_products(client):
    ProductFactory(title="Proud and public", featured=True)
    ProductFactory(title="Proud but a draft", featured=True, status=Status.DRAFT, published_at=None)
    page = client.get(reverse("inventory:home")).content.decode()
    assert "Proud and public" in page
    assert "Proud but a draft" not in page


def test_the_home_page_counts_southern_organisations(client):
    OrganisationFactory(kind=Organisation.Kind.SOUTHERN_CSO, country=country("KE"))
    OrganisationFactory()
    counts = client.get(reverse("inventory:home")).context["counts"]
    assert (counts["organisations"], counts["southern_organisations"]) == (2, 1)


def test_the_home_page_makes_the_same_number_of_queries_with_many_products(client, django_assert_num_queries):
    themes = ThemeFactory.create_batch(4)
    partnership = PartnershipFactory()
    for n in range(30):
        product = ProductFactory(featured=n % 2 == 0, themes=themes[: n % 4 + 1])
        product.partnerships.add(partnership)
    # 1 featured products, 2 their themes, 3 their partnerships, 4 core themes with counts,
    # 5–9 counts of products, partnerships, organisations, Southern organisations and countries,
    # 10 programmes with their partnership counts.
    with django_assert_num_queries(10):
        assert client.get(reverse("inventory:home")).status_code == 200
