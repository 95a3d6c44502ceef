"""Merge tags that differ only in case or spaces, e.g. after an import: "advocacy" and "Advocacy "."""

from django.core.management.base import BaseCommand
from django.db import transaction

from inventory import services


class Command(BaseCommand):
    help = (
        "Merge tags that differ only in case or spaces into the most used one, and tidy stray spaces in "
        "tag names. --dry-run shows what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show the merges without saving them.")

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            done = services.tags_merge_duplicates()
            for kept, merged in done:
                names = ", ".join(f"“{name}”" for name in merged) or "its own name, tidied"
                self.stdout.write(f"“{kept}” ← {names}")
            if dry_run:
                transaction.set_rollback(True)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(self.style.SUCCESS(f"{len(done)} tag(s) {verb}."))
