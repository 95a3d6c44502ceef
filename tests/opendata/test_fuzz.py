"""Schemathesis reads the API's OpenAPI schema and sends each operation arbitrary parameters it derives
from it: no answer may be a server error, and every answer must be one the schema documents (status code,
content type, body). A bounded number of examples per operation keeps it to seconds.

The schema is the one /api/schema/ serves (test_schema.py checks they are the same), made at collection
time without a request; the requests go to the WSGI application in the test's own database transaction.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from knowledgemap.wsgi import application
from tests.open_data import build_inventory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application


@pytest.fixture(autouse=True)
def keep_the_tests_connection_open():
    """Django closes the database connection at the end of each request; the test's transaction lives on
    that connection. Its test client disconnects these handlers for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def inventory(settings):
    settings.ALLOWED_HOSTS = ["localhost"]  # where schemathesis sends WSGI requests
    return build_inventory()  # so that some generated slugs and filter values find rows


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_answers_arbitrary_requests_as_its_schema_says(case):
    # Every check but two, which assume the schema tells valid values from invalid ones. It cannot: a slug
    # is valid when a row has it, so `?country=QQ` has the right shape and still gets its documented 400.
    # And like the browse page, the API ignores a value it cannot use for `featured` or `page_size` rather
    # than refusing the request.
    case.call_and_validate(excluded_checks=[positive_data_acceptance, negative_data_rejection])
