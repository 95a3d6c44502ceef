"""Password guessing at /admin/ is stopped after five failures, with a page that says why."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests.factories import curator

pytestmark = pytest.mark.django_db
LOGIN = reverse("admin:login")


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Dozens of sign-ins: the production hasher is slow on purpose, which only slows the tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def vera():
    return curator(username="vera")


def test_the_limit_is_five_failures():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_four_failures_still_let_the_right_password_in(client, vera):
    for _ in range(4):
        assert sign_in(client, "vera", "wrong").status_code == 200
    assert sign_in(client, "vera", "a-long-test-password").status_code == 302


def test_the_fifth_failure_locks_the_account_out_with_a_readable_page(client, vera):
    for _ in range(4):
        sign_in(client, "vera", "wrong")
    response = sign_in(client, "vera", "wrong")
    assert response.status_code == 429
    content = response.content.decode()
    assert "Too many failed sign-ins" in content
    assert "The password was wrong 5 times in a row" in content
    assert "<script" not in content and "style=" not in content


def test_a_locked_out_user_cannot_sign_in_even_with_the_right_password(client, vera):
    for _ in range(5):
        sign_in(client, "vera", "wrong")
    response = sign_in(client, "vera", "a-long-test-password")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_kept_in_the_database_every_worker_shares(client, vera):
    for _ in range(5):
        sign_in(client, "vera", "wrong")
    assert AccessAttempt.objects.get(username="vera").failures_since_start == 5


def test_another_user_from_the_same_address_can_still_sign_in(client, vera):
    curator(username="jan")
    for _ in range(5):
        sign_in(client, "vera", "wrong")
    assert sign_in(client, "jan", "a-long-test-password").status_code == 302


def test_a_successful_sign_in_resets_the_count(client, vera):
    for _ in range(4):
        sign_in(client, "vera", "wrong")
    sign_in(client, "vera", "a-long-test-password")
    client.logout()
    for _ in range(4):
        sign_in(client, "vera", "wrong")
    assert sign_in(client, "vera", "a-long-test-password").status_code == 302
