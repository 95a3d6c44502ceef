"""One console line per request, with the path and the status."""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_client(settings):
    settings.ACCESS_LOG = True
    return Client()  # a new client loads the middleware with the setting on


def access_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "knowledgemap.access"]


def test_each_request_is_logged_with_method_path_and_status(logged_client, caplog):
    with caplog.at_level(logging.INFO, logger="knowledgemap.access"):
        logged_client.get("/healthz")
        logged_client.get("/products/no-such-product/")
    first, second = access_lines(caplog)
    assert first.startswith("GET /healthz 200 ")
    assert second.startswith("GET /products/no-such-product/ 404 ")
    assert first.endswith("ms")


def test_the_query_string_stays_out_of_the_log(logged_client, caplog):
    with caplog.at_level(logging.INFO, logger="knowledgemap.access"):
        logged_client.get("/", {"q": "what someone searched for"})
    (line,) = access_lines(caplog)
    assert line.startswith("GET / 200 ")
    assert "searched" not in line


def test_the_access_log_can_be_switched_off(settings, caplog):
    settings.ACCESS_LOG = False
    with caplog.at_level(logging.INFO, logger="knowledgemap.access"):
        Client().get("/healthz")
    assert access_lines(caplog) == []
