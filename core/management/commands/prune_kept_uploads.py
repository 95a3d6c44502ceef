"""Delete the files public forms kept across a mistake that nobody sent again (core.kept_uploads)."""

from django.core.management.base import BaseCommand

from core import kept_uploads


class Command(BaseCommand):
    help = "Delete the uploads kept across a form's mistakes that are older than KEPT_UPLOAD_HOURS (24)."

    def handle(self, *args, **options):
        count = kept_uploads.prune()
        self.stdout.write(f"Deleted {count} kept upload(s).")
