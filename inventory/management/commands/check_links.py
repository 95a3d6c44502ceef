"""Queue a check of the link and file of every published product not checked in the last week (run daily)."""

from django.core.management.base import BaseCommand

from inventory import links


class Command(BaseCommand):
    help = (
        "Queue a check of the link and the file of each published product not checked in the last "
        f"{links.CHECK_EVERY.days} days; the job worker does the checking. --now checks here, one by one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Check here and now instead of queueing jobs.")

    def handle(self, *args, now=False, **options):
        due = list(links.due_for_check())
        if now:
            broken = 0
            for product_id in due:
                check = links.check_product(product_id)
                broken += bool(check and check.problem)
            self.stdout.write(f"Checked {len(due)} products: {broken} with a broken link or file.")
        else:
            self.stdout.write(f"Queued a check of {links.queue_checks(due)} products.")
