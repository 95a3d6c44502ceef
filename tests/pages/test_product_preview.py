"""Staff preview an unpublished product's public page; nobody else can tell it exists, and nothing keeps or
indexes the preview."""

import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct
from tests.factories import ProductFactory, ThemeFactory, UserFactory, complete_product, curator, reviewer

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


def preview_url(product) -> str:
    return reverse("pages:product-preview", args=[product.slug])


@pytest.fixture
def nomination():
    return complete_product(
        title="Score cards in preview",
        status=Status.SUBMITTED,
        themes=[ThemeFactory(name="Civic space")],
        nominator_email="grace@example.org",
    )


@pytest.mark.parametrize("make_user", [curator, reviewer])
def test_staff_see_the_page_marked_as_a_preview_never_cached_nor_indexed(client, nomination, make_user):
    client.force_login(make_user())
    response = client.get(preview_url(nomination))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Score cards in preview" in page and "Civic space" in page
    assert "Preview:" in page and "Only staff see this page" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "grace@example.org" not in page


@pytest.mark.parametrize("who", ["anonymous", "staff without a role", "member"])
def test_everyone_else_gets_404_at_both_addresses(client, nomination, who):
    if who == "staff without a role":
        client.force_login(UserFactory(is_staff=True))
    elif who == "member":
        client.force_login(UserFactory())
    assert client.get(preview_url(nomination)).status_code == 404
    assert client.get(nomination.get_absolute_url()).status_code == 404


def test_the_public_page_of_an_unpublished_product_stays_404_for_staff_too(client, nomination):
    client.force_login(curator())
    assert client.get(nomination.get_absolute_url()).status_code == 404


def test_a_published_products_preview_leads_to_its_public_page(client):
    client.force_login(curator())
    product = ProductFactory()
    response = client.get(preview_url(product))
    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()


def test_view_on_site_in_the_admin_opens_the_preview_until_it_is_published(client, nomination):
    client.force_login(curator())
    change = reverse("admin:inventory_nomination_change", args=[nomination.pk])
    assert preview_url(nomination) in client.get(change).content.decode()
    product = ProductFactory()
    change = reverse("admin:inventory_knowledgeproduct_change", args=[product.pk])
    page = client.get(change).content.decode()
    assert preview_url(product) not in page


def test_the_preview_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(curator())
    product = complete_product()
    client.get(preview_url(product))
    with django_assert_max_num_queries(30) as few:
        client.get(preview_url(product))
    product.themes.add(*ThemeFactory.create_batch(10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(preview_url(product))


def test_the_preview_offers_no_download_that_would_answer_404(client, nomination):
    client.force_login(curator())
    KnowledgeProduct.objects.filter(pk=nomination.pk).update(file="products/2026/guide.pdf")
    page = client.get(preview_url(nomination)).content.decode()
    assert reverse("inventory:product-download", args=[nomination.slug]) not in page
    assert "Its file can be downloaded here once it is published." in page
