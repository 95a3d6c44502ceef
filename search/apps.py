from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from core import freshness
        from search import fulltext

        # A product's search document follows its text and tags, whatever changed them.
        freshness.on_change(fulltext.follow_changes)
