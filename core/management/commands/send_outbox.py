"""Send every mail of the outbox that is due. The worker sends mails as they come; run this from cron or a
timer (every few minutes) for the retries of a worker that was down and mails whose job was lost."""

from django.core.management.base import BaseCommand

from core.outbox import outbox_send_due


class Command(BaseCommand):
    help = (
        "Send the outbox's pending mails that are due; mark those a stopped worker left half-sent as failed."
    )

    def handle(self, *args, **options):
        outcomes = outbox_send_due()
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        self.stdout.write(summary or "Nothing to send.")
