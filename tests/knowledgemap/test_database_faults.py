"""When the database goes away: /healthz says so, pages answer a kind 503, and the site recovers."""

import copy
import logging
import socket
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections
from django.test import RequestFactory
from django.urls import reverse

from knowledgemap.views import server_error
from tests.factories import OrganisationFactory, PartnershipFactory, ProductFactory

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable():
    """Point the default database at a server that is not there, as when it is down or the network is cut,
    then put the real one back. The real connection (and the test's transaction on it) is left alone."""
    real = connections["default"]
    settings = copy.deepcopy(real.settings_dict)
    if real.vendor == "sqlite":
        settings["NAME"] = "/nonexistent-directory/knowledgemap.sqlite3"
    else:
        settings.update(HOST="127.0.0.1", PORT=str(closed_port()))
    unreachable = type(real)(settings, alias=real.alias)
    connections[real.alias] = unreachable
    try:
        yield
    finally:
        connections[real.alias] = real
        unreachable.close()


def test_the_test_harness_really_cuts_the_database_off():
    with database_unreachable(), pytest.raises(OperationalError):
        connections["default"].ensure_connection()


def test_healthz_answers_503_while_the_database_is_down_and_200_when_it_is_back(client):
    assert client.get(reverse("healthz")).status_code == 200
    with database_unreachable():
        response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"
    assert client.get(reverse("healthz")).status_code == 200


PAGES = {
    "home": lambda: reverse("pages:home"),
    "product": lambda: ProductFactory().get_absolute_url(),
    "partnership": lambda: PartnershipFactory().get_absolute_url(),
    "organisation": lambda: OrganisationFactory().get_absolute_url(),
}


@pytest.mark.parametrize("make_url", PAGES.values(), ids=PAGES.keys())
def test_a_page_answers_a_kind_503_while_the_database_is_down_and_recovers(client, make_url, caplog):
    url = make_url()
    client.raise_request_exception = False
    with database_unreachable(), caplog.at_level(logging.WARNING):
        response = client.get(url)
    assert_kind_503(response)
    assert any(f"Database unavailable while serving GET {url}" in r.getMessage() for r in caplog.records)
    assert client.get(url).status_code == 200


def test_a_signed_in_curator_gets_the_503_page_in_the_admin_and_the_admin_back_after(curator_client):
    curator_client.raise_request_exception = False
    with database_unreachable():
        assert_kind_503(curator_client.get(reverse("admin:index")))
    assert curator_client.get(reverse("admin:index")).status_code == 200


def assert_kind_503(response):
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The knowledge map is briefly unavailable" in page
    for detail in ["Traceback", "OperationalError", "nonexistent-directory", "127.0.0.1"]:
        assert detail not in page


def test_a_database_error_outside_a_view_also_gets_the_503_page():
    """Session and message middleware write on the way out, after the view: the 500 handler catches those."""
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 503
    assert "briefly unavailable" in response.content.decode()
