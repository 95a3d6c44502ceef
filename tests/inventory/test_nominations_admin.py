"""The curators' nominations queue: submitted products, published with one action."""

import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct
from tests.factories import ProductFactory, UserFactory, complete_product

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
QUEUE = reverse("admin:inventory_nomination_changelist")


def nominated(**kwargs):
    values = {
        "status": Status.SUBMITTED,
        "nominator_name": "Grace Banda",
        "nominator_email": "grace@example.org",
        "nominated_stakeholders": "District councils (users)",
    }
    return complete_product(**{**values, **kwargs})


def test_the_queue_lists_only_submitted_products(curator_client):
    nominated(title="Waiting")
    ProductFactory(title="Published already")
    ProductFactory(title="A draft", status=Status.DRAFT, published_at=None)
    response = curator_client.get(QUEUE)
    assert [p.title for p in response.context["cl"].result_list] == ["Waiting"]
    assert "Grace Banda" in response.content.decode()


def test_the_publish_action_takes_nominations_off_the_queue_and_onto_the_site(curator_client, client):
    products = [nominated(title="First"), nominated(title="Second")]
    response = curator_client.post(
        QUEUE, {"action": "publish", "_selected_action": [p.pk for p in products]}, follow=True
    )
    assert "2 product(s) now published." in response.content.decode()
    assert not curator_client.get(QUEUE).context["cl"].result_list
    assert client.get(products[0].get_absolute_url()).status_code == 200


def test_a_curator_reviews_the_nominators_details_on_the_change_form(curator_client):
    product = nominated()
    html = curator_client.get(
        reverse("admin:inventory_nomination_change", args=[product.pk])
    ).content.decode()
    assert "grace@example.org" in html
    assert "District councils (users)" in html


def test_nominations_come_only_from_the_public_form(curator_client):
    assert curator_client.get(reverse("admin:inventory_nomination_add")).status_code == 403


def test_staff_outside_the_curators_group_cannot_open_the_queue(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(QUEUE).status_code == 403


def test_a_published_nomination_never_shows_who_nominated_it(client):
    product = nominated(nominator_organisation="Delta Rights", nominated_organisations="Typed Org")
    product.status = Status.PUBLISHED
    product.save()
    html = client.get(product.get_absolute_url()).content.decode()
    for private in ["Grace Banda", "grace@example.org", "District councils (users)", "Typed Org"]:
        assert private not in html
