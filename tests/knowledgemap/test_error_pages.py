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
from tests.public_pages import error_pages

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


# The headline of each error page in French and Spanish: a Southern partner who meets one reads it.
HEADLINES = {
    "fr": {
        "400 bad request": "Nous n'avons pas compris cette requête",
        "403 forbidden": "Vous ne pouvez pas voir cette page",
        "403 form expired": "Votre formulaire n'a pas pu être vérifié",
        "429 too many submissions": "Trop d'envois depuis votre adresse",
        "429 too many requests": "Trop de requêtes",
        "500 server error": "Une erreur s'est produite de notre côté",
        "503 unavailable": "La carte des connaissances est brièvement indisponible",
    },
    "es": {
        "400 bad request": "No hemos podido entender esa solicitud",
        "403 forbidden": "No puedes ver esta página",
        "403 form expired": "No se ha podido verificar tu formulario",
        "429 too many submissions": "Demasiados envíos desde tu dirección",
        "429 too many requests": "Demasiadas solicitudes",
        "500 server error": "Algo ha salido mal por nuestra parte",
        "503 unavailable": "El mapa de conocimiento no está disponible por un momento",
    },
}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_error_page_speaks_french_and_spanish(language):
    pages = error_pages(language)
    assert set(pages) == set(HEADLINES[language])
    for name, content in pages.items():
        page = content.decode()
        assert f'<html lang="{language}">' in page, name
        assert HEADLINES[language][name] in page, name
        for detail in DEBUG_DETAIL:
            assert detail not in page


@pytest.mark.parametrize(
    ("path", "headline"),
    [
        ("/fr/products/no-such-product/", "Cette page n'est pas sur la carte"),
        ("/es/products/no-such-product/", "Esta página no está en el mapa"),
    ],
)
def test_an_unknown_address_in_french_or_spanish_gets_the_404_page_in_that_language(client, path, headline):
    response = client.get(path)
    assert response.status_code == 404
    assert headline in response.content.decode()
