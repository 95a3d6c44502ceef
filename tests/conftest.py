import pytest

from tests.factories import curator


@pytest.fixture
def curator_client(client, db):
    client.force_login(curator())
    return client
