"""Send the alert digests: run weekly with --frequency weekly and monthly with --frequency monthly (cron or a
timer). A second run sends nothing new: no product is ever sent twice to the same subscriber."""

from django.core.management.base import BaseCommand

from alerts.models import Subscription
from alerts.services import alert_digests_send


class Command(BaseCommand):
    help = "Queue a digest of new matching products for each confirmed alert of the given frequency."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=Subscription.Frequency.values, required=True)

    def handle(self, *args, frequency, **options):
        self.stdout.write(f"{alert_digests_send(frequency=frequency)} digest(s) queued.")
