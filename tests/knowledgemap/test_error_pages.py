"""Friendly error pages, without debug detail, in the site's own layout."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from core.submissions import too_many_requests
from knowledgemap.views import server_error
from pages import views as inventory_views

pytestmark = pytest.mark.django_db

DEBUG_DETAIL = ["Traceback", "Exception Value", "settings.py", "DEBUG = True", "SECRET_KEY"]


def raising(exception: Exception):
    def fail(*args, **kwargs):
        raise exception

    return fail


def assert_friendly(response, status: int, headline: str):
    page = response.content.decode()
    assert response.status_code == status
    assert headline in page
    assert "Partos <strong>knowledge map</strong>" in page
    for detail in DEBUG_DETAIL:
        assert detail not in page


def test_an_unknown_address_gets_the_friendly_404_page(client):
    assert_friendly(client.get("/products/no-such-product/"), 404, "This page is not on the map")


def test_a_request_for_another_host_gets_the_friendly_400_page(client):
    response = client.get(reverse("pages:home"), headers={"host": "attacker.example"})
    assert_friendly(response, 400, "We could not understand that request")


def test_a_form_without_its_csrf_token_gets_the_friendly_403_page():
    response = Client(enforce_csrf_checks=True).post(reverse("admin:login"), {"username": "x"})
    assert_friendly(response, 403, "Your form could not be checked")


def test_a_forbidden_page_gets_the_friendly_403_page_without_the_reason(client, monkeypatch):
    monkeypatch.setattr(inventory_views, "render", raising(PermissionDenied("internal detail")))
    response = client.get(reverse("pages:home"))
    assert_friendly(response, 403, "You may not see this page")
    assert "internal detail" not in response.content.decode()


def test_too_many_requests_gets_the_friendly_429_page_with_a_retry_time(rf):
    response = too_many_requests(rf.get("/needs/new/"), retry_after=120)
    assert_friendly(response, 429, "Too many requests")
    assert response["Retry-After"] == "120"
    assert "120 seconds" in response.content.decode()


def test_an_error_in_a_view_gets_the_friendly_500_page_without_the_error(client, monkeypatch):
    monkeypatch.setattr(inventory_views, "render", raising(RuntimeError("secret internal detail")))
    client.raise_request_exception = False
    response = client.get(reverse("pages:home"))
    assert_friendly(response, 500, "Something went wrong on our side")
    assert "secret internal detail" not in response.content.decode()


def test_the_500_page_needs_neither_the_request_nor_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "Something went wrong on our side" in page


def test_a_bug_in_a_query_stays_a_500_not_a_503():
    request = RequestFactory().get("/")
    try:
        raise IntegrityError("duplicate key")
    except IntegrityError:
        response = server_error(request)
    assert response.status_code == 500
