"""Erase contact details kept longer than CONTACT_RETENTION_DAYS. Run daily by cron or a timer."""

from django.core.management.base import BaseCommand

from needs.services import contacts_erase_expired


class Command(BaseCommand):
    help = (
        "Erase the contact details of needs addressed or closed and of nominations processed, unchanged for "
        "CONTACT_RETENTION_DAYS, and the mails older than that. Safe to run twice."
    )

    def handle(self, *args, **options):
        erased = contacts_erase_expired()
        self.stdout.write(", ".join(f"{count} {kind}" for kind, count in erased.items()) + " erased.")
