"""“Ask about this product”: the question reaches the curators, and the organisations that agreed, through
the outbox; the form has the protections of the other public forms."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core.models import OutboxMail
from inventory.models import KnowledgeProduct
from tests.factories import OrganisationFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def curators(settings):
    settings.CURATOR_EMAILS = ["curators@example.org"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def product():
    return ProductFactory(
        title="Budget tracking toolkit",
        organisations=[
            OrganisationFactory(
                name="Delta Rights", questions_email="ask@delta.example", answers_questions=True
            ),
            OrganisationFactory(name="Quiet Partners", questions_email="quiet@example.org"),  # did not agree
        ],
    )


def ask(client, product, **overrides):
    data = {"name": "Amina Okello", "email": "amina@example.org", "question": "Is there a French version?"}
    return client.post(reverse("inventory:product-ask", args=[product.slug]), {**data, **overrides})


def test_the_product_page_links_the_form(client, product):
    page = client.get(product.get_absolute_url()).content.decode()
    assert reverse("inventory:product-ask", args=[product.slug]) in page


def test_a_question_reaches_the_curators_and_the_organisations_that_agreed(
    client, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, product)
    assert response.status_code == 302
    assert response["Location"] == reverse("inventory:product-ask-sent", args=[product.slug])
    assert sorted(tuple(m.to) for m in mail.outbox) == [("ask@delta.example",), ("curators@example.org",)]
    for message in mail.outbox:
        assert message.subject == "A question about “Budget tracking toolkit”"
        assert "Is there a French version?" in message.body
        assert message.extra_headers["Reply-To"] == "amina@example.org"
    assert "quiet@example.org" not in "".join(OutboxMail.objects.values_list("recipients", flat=True))


def test_curators_who_chose_the_digest_still_get_questions(client, product, settings):
    settings.CURATOR_MAIL = "daily"
    assert ask(client, product).status_code == 302
    assert OutboxMail.objects.filter(recipients="curators@example.org").count() == 1


def test_a_mistake_is_shown_and_nothing_is_sent(client, product):
    response = ask(client, product, email="not an address", question="")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not OutboxMail.objects.exists()


def test_the_honeypot_and_csrf_refuse(client, product):
    assert ask(client, product, website="buy now").status_code == 400
    response = Client(enforce_csrf_checks=True).post(
        reverse("inventory:product-ask", args=[product.slug]), {"name": "x", "email": "x@example.org"}
    )
    assert response.status_code == 403
    assert not OutboxMail.objects.exists()


def test_questions_are_limited_per_address(client, product, settings):
    settings.SUBMISSION_RATE_LIMIT = "2/h"
    assert ask(client, product).status_code == 302
    assert ask(client, product).status_code == 302
    assert ask(client, product).status_code == 429
    assert OutboxMail.objects.filter(recipients="curators@example.org").count() == 2


def test_a_body_too_large_is_refused_before_it_is_read(client, product):
    response = ask(client, product, question="x" * 70_000)
    assert response.status_code == 413
    assert not OutboxMail.objects.exists()


def test_nobody_can_ask_about_an_unpublished_product(client):
    draft = ProductFactory(status=KnowledgeProduct.Status.DRAFT, published_at=None)
    assert client.get(reverse("inventory:product-ask", args=[draft.slug])).status_code == 404
    assert ask(client, draft).status_code == 404
    assert not OutboxMail.objects.exists()


def test_the_form_page_makes_the_same_queries_however_many_organisations(
    client, product, django_assert_num_queries
):
    product.organisations.add(*OrganisationFactory.create_batch(5))
    # 1 the product, 2 its organisations (prefetched for the mail; the page reads none of them).
    with django_assert_num_queries(2):
        assert client.get(reverse("inventory:product-ask", args=[product.slug])).status_code == 200
