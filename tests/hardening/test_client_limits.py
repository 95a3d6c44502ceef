"""The public forms' rate limits and the sign-in lockout count per client, only what passed the CSRF check,
mistakes apart from submissions, and the client's address through a trusted proxy only."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed
from tests.factories import curator

pytestmark = pytest.mark.django_db
NOMINATE = reverse("inventory:product-nominate")
NEED = reverse("needs:need-new")
LOGIN = reverse("admin:login")
PROXY = "127.0.0.1"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.SUBMISSION_RATE_LIMIT = "2/h"
    settings.SUBMISSION_ERROR_RATE_LIMIT = "5/h"
    settings.TRUSTED_PROXIES = [PROXY]


def via_proxy(client_address: str, forwarded: str | None = None) -> dict:
    """What nginx passes on for a client: its own address as REMOTE_ADDR, the client's appended."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded or client_address}


def test_each_form_has_its_own_allowance(client, nomination):
    assert client.post(NOMINATE, nomination()).status_code == 302
    assert client.post(NOMINATE, nomination(title="Second")).status_code == 302
    assert client.post(NOMINATE, nomination(title="Third")).status_code == 429
    KnowledgeProduct.objects.filter(title="Second").delete()
    theme = KnowledgeProduct.objects.get().themes.get()
    need = {
        "partnership": "not-listed",
        "partnership_name": "Voices for Water Justice",
        "organisation_name": "Nyota Rights Collective",
        "contact_name": "Amina Okello",
        "contact_email": "amina@example.org",
        "title": "Lobbying district councils for budgets",
        "description": "How did others get budget lines for women-led groups adopted?",
        "themes": [theme.pk],
        "urgency": "high",
        "website": "",
    }
    response = client.post(NEED, need)
    assert response.status_code == 302, response.content.decode()
    assert KnowledgeNeed.objects.count() == 1


def test_a_cross_site_post_without_the_csrf_token_spends_nothing(nomination):
    browser = Client(enforce_csrf_checks=True)
    for _ in range(12):  # A page on another site posting in the visitor's name.
        assert browser.post(NOMINATE, nomination()).status_code == 403
    browser.get(NOMINATE)
    token = browser.cookies["csrftoken"].value
    response = browser.post(NOMINATE, nomination() | {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert KnowledgeProduct.objects.count() == 1


def test_mistakes_count_apart_and_more_generously(client, nomination):
    for _ in range(4):  # More mistakes than the allowance of submissions.
        assert client.post(NOMINATE, nomination(title="")).status_code == 400
    assert client.post(NOMINATE, nomination()).status_code == 302
    assert client.post(NOMINATE, nomination(title="")).status_code == 400
    # The sixth mistake within the hour is one too many.
    assert client.post(NOMINATE, nomination(title="")).status_code == 429


def test_two_clients_behind_the_proxy_have_their_own_allowances(client, nomination):
    for title in ["One", "Two"]:
        assert client.post(NOMINATE, nomination(title=title), **via_proxy("198.51.100.1")).status_code == 302
    assert client.post(NOMINATE, nomination(title="Three"), **via_proxy("198.51.100.1")).status_code == 429
    assert client.post(NOMINATE, nomination(title="Four"), **via_proxy("198.51.100.2")).status_code == 302


def test_an_address_a_client_put_in_front_of_the_proxys_is_ignored(client, nomination):
    for forged in ["10.0.0.1", "10.0.0.2"]:
        headers = via_proxy("", forwarded=f"{forged}, 198.51.100.1")
        assert client.post(NOMINATE, nomination(title=forged), **headers).status_code == 302
    headers = via_proxy("", forwarded="10.0.0.3, 198.51.100.1")
    assert client.post(NOMINATE, nomination(title="Third"), **headers).status_code == 429


def test_a_forwarded_for_header_from_a_client_that_is_not_the_proxy_is_ignored(client, nomination):
    for forged in ["10.0.0.1", "10.0.0.2"]:
        headers = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": forged}
        assert client.post(NOMINATE, nomination(title=forged), **headers).status_code == 302
    headers = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "10.0.0.3"}
    assert client.post(NOMINATE, nomination(title="Third"), **headers).status_code == 429


def test_a_forms_limit_lets_posts_through_when_the_cache_is_away(client, nomination, settings):
    settings.CACHES = settings.CACHES | {
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    settings.RATELIMIT_USE_CACHE = "down"
    for title in ["One", "Two", "Three"]:
        assert client.post(NOMINATE, nomination(title=title)).status_code == 302


def sign_in(client, password, **headers):
    return client.post(LOGIN, {"username": "vera", "password": password, "next": "/admin/"}, **headers)


def test_the_sign_in_lockout_is_per_client_behind_the_proxy(client):
    curator(username="vera")
    for _ in range(5):
        sign_in(client, "wrong", **via_proxy("198.51.100.1"))
    assert sign_in(client, "a-long-test-password", **via_proxy("198.51.100.1")).status_code == 429
    assert sign_in(Client(), "a-long-test-password", **via_proxy("198.51.100.2")).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.1"}


def test_a_user_name_longer_than_any_account_is_a_failed_sign_in_not_an_error(client):
    response = client.post(LOGIN, {"username": "x" * 300, "password": "wrong", "next": "/admin/"})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
