"""Rank the products for every open need again and keep the counts the work queue shows (run daily, and
after a large import: products published since a need arrived may answer it)."""

from django.core.management.base import BaseCommand

from needs.matching import keep_suggestions
from needs.models import KnowledgeNeed


class Command(BaseCommand):
    help = "Rank the published products for every open need again, for the curators' work queue."

    def handle(self, *args, **options):
        ids = KnowledgeNeed.objects.open().values_list("pk", flat=True)
        self.stdout.write(f"Ranked the products for {keep_suggestions(ids)} open needs.")
