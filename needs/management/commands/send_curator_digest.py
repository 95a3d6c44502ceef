"""The curators' daily digest of what waits (CURATOR_MAIL=daily). Run once a day by cron or a timer; a second
run the same day sends nothing."""

from django.core.management.base import BaseCommand

from needs.digest import curator_digest_send


class Command(BaseCommand):
    help = "Queue the curators' daily digest of the needs and nominations that wait, once a day."

    def handle(self, *args, **options):
        mail = curator_digest_send()
        self.stdout.write(
            f"Queued: {mail.subject}" if mail else "Nothing to send (nothing waits, or sent today)."
        )
