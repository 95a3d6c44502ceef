"""The thank-you page after a need: only its submitter has the link; it shows no private details."""

import pytest
from django.core import signing
from django.urls import reverse

from needs.views import THANKS_SALT
from tests.factories import KnowledgeNeedFactory, ProductFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def thanks_url(pk: int, salt: str = THANKS_SALT) -> str:
    return reverse("needs:need-thanks", args=[signing.dumps(pk, salt=salt)])


def test_it_shows_the_reference_but_no_contact_details(client):
    need = KnowledgeNeedFactory(
        contact_email="amina@example.org", organisation_name="Nyota Rights Collective"
    )
    response = client.get(thanks_url(need.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert need.reference in html
    assert "amina@example.org" not in html and "Nyota Rights Collective" not in html
    assert '<meta name="robots" content="noindex">' in html
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("token", ["1", "MQ:1t2:forged", "a" * 300])
def test_a_guessed_or_forged_link_finds_nothing(client, token):
    KnowledgeNeedFactory()
    assert client.get(reverse("needs:need-thanks", args=[token])).status_code == 404


def test_a_link_signed_for_a_nomination_does_not_open_a_need(client):
    need = KnowledgeNeedFactory()
    assert client.get(thanks_url(need.pk, salt="inventory.nomination-thanks")).status_code == 404


def test_a_link_expires_after_a_week(client, settings, monkeypatch):
    need = KnowledgeNeedFactory()
    url = thanks_url(need.pk)
    monkeypatch.setattr("core.submissions.THANKS_MAX_AGE", -1)
    assert client.get(url).status_code == 404


def test_it_renders_in_a_fixed_number_of_queries(client, django_assert_num_queries):
    theme = ThemeFactory()
    products = ProductFactory.create_batch(30, title="Budget tracking", tags=["budgets"], themes=[theme])
    for product in products[:10]:
        KnowledgeNeedFactory(title="Budget tracking", matched_products=[product])
    need = KnowledgeNeedFactory(title="Budget tracking", themes=[theme])
    client.get(thanks_url(need.pk))  # the indexes, once per data version
    # 1 the need, 2 its themes, 3 its dismissals, 4 the similar needs' products, 5 five suggested products
    # with their types, partnerships and countries (read in their rows), 6 their tags
    with django_assert_num_queries(6):
        response = client.get(thanks_url(need.pk))
    assert len(response.context["suggestions"]) == 5


def test_each_suggestion_says_briefly_why(client):
    theme = ThemeFactory(name="Budget work")
    ProductFactory(title="Budget tracking toolkit", summary="For women's groups.", themes=[theme])
    need = KnowledgeNeedFactory(title="Tracking budgets", description="With women's groups.", themes=[theme])
    html = client.get(thanks_url(need.pk)).content.decode()
    assert "Why: Your words tracking, budgets, women" in html
    assert "your themes Budget work" in html


def test_in_dutch_the_reasons_are_dutch(client):
    ProductFactory(title="Budget tracking toolkit", summary="For women's groups.")
    need = KnowledgeNeedFactory(
        title="Begroting volgen", description="Met vrouwengroepen de begroting volgen."
    )
    url = "/nl" + thanks_url(need.pk)
    html = client.get(url).content.decode()
    assert "Budget tracking toolkit" in html
    assert "Waarom:" in html and "Je woorden" in html
