"""Recompute the full-text search vectors of all products: after loading fixtures or an import that wrote
products without going through the admin or the services."""

from django.core.management.base import BaseCommand

from search.fulltext import update_search_vectors, uses_full_text_search


class Command(BaseCommand):
    help = "Rebuild the full-text search document of every knowledge product (its vector, or its FTS5 row)."

    def handle(self, *args, **options):
        if not uses_full_text_search():
            self.stdout.write("This database searches without stored vectors; nothing to do.")
            return
        count = update_search_vectors()
        self.stdout.write(self.style.SUCCESS(f"Updated the search vectors of {count} product(s)."))
