from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from core import freshness
        from search import fulltext, relevance

        # A product's search document follows its text and tags, whatever changed them.
        freshness.on_change(fulltext.follow_changes)
        # The relevance index is the catalogue's: a need submitted or an activity changed leaves it be.
        freshness.register_scope(relevance.SCOPE, relevance.in_scope)
        # The full-text rows of products removed by a flush, forgotten (SQLite). Sent for the products' app:
        # Django sends post_migrate only for apps with models, which this one has not.
        post_migrate.connect(fulltext.forget_removed_products, sender=apps.get_app_config("inventory"))
