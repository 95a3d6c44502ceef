"""When the database, the cache or the storage is away: /healthz says which, with Retry-After; a cache
outage slows the pages but never breaks them; the CSV export never starts a 200 it cannot finish."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from tests.factories import ProductFactory, ThemeFactory
from tests.knowledgemap.test_database_faults import closed_port, database_unreachable

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(settings):
    """The shared cache is Redis, and Redis is not there."""
    working = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    yield
    caches["default"].close()
    settings.CACHES = working


def test_healthz_names_what_is_down_and_says_when_to_come_back(client):
    with database_unreachable():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response.json()["database"] == "unreachable"


def test_healthz_reports_an_unreachable_cache(client, cache_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response.json() | {"status": None} == {
        "status": None,
        "database": "ok",
        "cache": "unreachable",
        "storage": "ok",
    }


def test_healthz_is_ok_when_everything_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "storage": "ok"}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/products/",
        "/products/?q=budget&theme={theme}",
        "{product}",
        "/map/",
        "/gaps/",
        "/api/products/",
        "/needs/new/",
        "/products/export.csv",
    ],
)
def test_a_cache_outage_slows_the_pages_but_never_breaks_them(client, cache_down, url):
    product = ProductFactory(title="Budget tracking")
    theme = ThemeFactory()
    product.themes.add(theme)
    response = client.get(url.format(theme=theme.slug, product=product.get_absolute_url()))
    assert response.status_code == 200


def test_the_forms_still_take_submissions_when_the_cache_is_down(client, cache_down, nomination):
    assert client.post(reverse("inventory:product-nominate"), nomination()).status_code == 302


def test_the_csv_export_answers_503_not_a_broken_200_while_the_database_is_down(client):
    ProductFactory()
    client.raise_request_exception = False
    with database_unreachable():
        response = client.get("/products/export.csv")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
