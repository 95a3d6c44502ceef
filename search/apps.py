from django.apps import AppConfig


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
