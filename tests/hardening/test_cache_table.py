"""`migrate` alone prepares a database, the database cache's table included; and a cache write that fails
never breaks the transaction of the change that caused it."""

from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import freshness
from inventory.models import KnowledgeProduct
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
Migration = __import__("core.migrations.0001_cache_table", fromlist=["create_cache_tables"])


@pytest.fixture
def database_cache(settings):
    """Use the database cache in a table of the given name; the test's own cache comes back afterwards."""
    working = settings.CACHES

    def use(table: str) -> None:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
        }

    yield use
    settings.CACHES = working


def test_the_migration_creates_the_database_caches_table(database_cache):
    database_cache("migrated_cache_probe")
    assert "migrated_cache_probe" not in connection.introspection.table_names()
    Migration.create_cache_tables(None, SimpleNamespace(connection=connection))
    assert "migrated_cache_probe" in connection.introspection.table_names()


def test_a_change_commits_though_the_database_cache_has_no_table(database_cache):
    database_cache("a_table_nobody_created")
    with transaction.atomic():
        product = ProductFactory(title="Saved while the cache is missing")
        freshness.cached("a-figure", lambda: 42)  # Fails in the cache, inside the data's transaction.
        product.title = "Changed after the cache failed"
        product.save()
        with CaptureQueriesContext(connection):
            assert KnowledgeProduct.objects.get(pk=product.pk).title == "Changed after the cache failed"
