"""The admin answers a mistaken or hostile address with 4xx, never 500, and shows a record's history only to
those who may see the record."""

import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct
from tests.factories import ProductFactory, curator, reviewer

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


def history(product, model="knowledgeproduct"):
    return reverse(f"admin:inventory_{model}_history", args=[product.pk])


def nominated(**kwargs):
    return ProductFactory(
        status=Status.SUBMITTED, published_at=None, nominator_email="grace@example.org", **kwargs
    )


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED])
def test_a_reviewer_cannot_read_the_history_of_a_product_they_may_not_see(client, status):
    product = ProductFactory(status=status, nominator_email="grace@example.org")
    client.force_login(reviewer())
    response = client.get(history(product))
    assert response.status_code == 404
    assert b"grace@example.org" not in response.content
    version = product.history.latest().history_id
    url = reverse("admin:inventory_knowledgeproduct_simple_history", args=[product.pk, version])
    assert client.get(url).status_code == 404


def test_a_reviewer_reads_the_history_of_a_nomination_waiting_for_review(client):
    product = nominated()
    client.force_login(reviewer())
    assert client.get(history(product)).status_code == 200
    response = client.get(history(product, "nomination"), follow=True)
    assert response.redirect_chain == [(history(product), 302)]
    assert response.status_code == 200


def test_a_curator_reads_every_products_history(client):
    product = ProductFactory(status=Status.ARCHIVED)
    client.force_login(curator())
    assert client.get(history(product)).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/inventory/knowledgeproduct/abc/history/",
        "/admin/inventory/nomination/abc/history/",
        "/admin/inventory/knowledgeproduct/abc/history/1/",
        "/admin/inventory/knowledgeproduct/99999/history/",
    ],
)
def test_a_history_address_that_names_no_record_is_not_found(client, url):
    client.force_login(curator())
    assert client.get(url).status_code == 404


def test_a_history_version_that_is_not_a_number_is_not_found(client):
    product = ProductFactory()
    client.force_login(curator())
    url = f"/admin/inventory/knowledgeproduct/{product.pk}/history/abc/"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/inventory/knowledgeproduct/?status__exact=%00",
        "/admin/inventory/knowledgeproduct/?q=a%00b",
        "/admin/autocomplete/?app_label=inventory&model_name=knowledgeproduct&field_name=related&term=%00",
    ],
)
def test_a_nul_byte_in_an_admin_address_is_a_bad_request(client, url):
    client.force_login(curator())
    assert client.get(url).status_code == 400


def test_a_nul_byte_in_an_admin_form_is_a_bad_request(client):
    product = ProductFactory()
    client.force_login(curator())
    url = reverse("admin:inventory_knowledgeproduct_change", args=[product.pk])
    assert client.post(url, {"title": "Budget\x00tracking"}).status_code == 400
    product.refresh_from_db()
    assert "\x00" not in product.title


@pytest.mark.parametrize(
    ("url", "field"),
    [("needs:need-new", "learning_formats"), ("needs:need-new", "themes"), ("needs:need-new", "partnership")]
    + [("inventory:product-nominate", "product_type"), ("inventory:product-nominate", "themes")],
)
def test_an_id_too_large_for_the_database_is_an_invalid_choice_not_an_error(client, url, field):
    response = client.post(reverse(url), {field: "9223372036999999999", "website": ""})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("value", ["³", "١٢", "-", "0x10", "1e30"])
def test_a_choice_that_only_looks_like_a_number_is_an_invalid_choice(client, value):
    response = client.post(reverse("needs:need-new"), {"learning_formats": value, "website": ""})
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["³", "abc", "", "99999999999999999999"])
@pytest.mark.parametrize("view", ["match", "dismiss"])
def test_a_posted_product_that_is_no_id_is_not_found_not_an_error(client, view, value):
    from tests.factories import KnowledgeNeedFactory

    need = KnowledgeNeedFactory()
    client.force_login(curator())
    response = client.post(f"/admin/needs/knowledgeneed/{need.pk}/{view}/", {"product": value})
    assert response.status_code == 404
