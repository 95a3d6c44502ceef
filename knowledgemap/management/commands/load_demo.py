"""Load the fictional demo data (fixtures/demo/) through the curators' own spreadsheet import."""

import datetime
from pathlib import Path

import tablib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inventory.resources import (
    OrganisationResource,
    PartnershipResource,
    ProductResource,
    StakeholderResource,
)
from needs.resources import ActivityResource, NeedResource
from search.fulltext import update_search_vectors, uses_full_text_search

DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo"
# In the order they name each other: partnerships name organisations, products name partnerships and
# stakeholders, needs name products, activities name needs.
FILES = [
    ("organisations.csv", OrganisationResource),
    ("stakeholders.csv", StakeholderResource),
    ("partnerships.csv", PartnershipResource),
    ("products.csv", ProductResource),
    ("needs.csv", NeedResource),
    ("activities.csv", ActivityResource),
]
# The files' dates are as of this day. They are moved by as many days as have passed since, so that the
# demo's upcoming activities stay upcoming and its needs keep their ages.
AS_OF = datetime.date(2026, 12, 2)
DATED = {"needs.csv": ["received"], "activities.csv": ["start_date", "end_date"]}


class Command(BaseCommand):
    help = "Load the fictional demo data from fixtures/demo/ through the spreadsheet import (development)."

    def handle(self, *args, **options):
        shift = timezone.localdate() - AS_OF
        for name, resource_class in FILES:
            dataset = tablib.Dataset().load((DEMO / name).read_text(encoding="utf-8"), format="csv")
            for column in DATED.get(name, []):
                _move_dates(dataset, column, shift)
            result = resource_class().import_data(dataset, dry_run=False)
            if result.has_errors() or result.has_validation_errors():
                raise CommandError(f"{name}: " + " ".join(result.problems[:10]))
            totals = result.totals
            self.stdout.write(
                f"{name}: {totals['new']} new, {totals['update']} changed, {totals['skip']} as they were"
            )
        # The vectors follow changes once the transaction commits; a caller that holds one open (setup_dev,
        # a test) searches the demo at once.
        if uses_full_text_search():
            update_search_vectors()


def _move_dates(dataset: tablib.Dataset, column: str, shift: datetime.timedelta) -> None:
    """Move the dates (or "date time" values) of a column by `shift`."""
    values = []
    for value in dataset[column]:
        if value:
            day, _space, time = value.partition(" ")
            moved = datetime.date.fromisoformat(day) + shift
            value = f"{moved.isoformat()} {time}".strip()
        values.append(value)
    index = dataset.headers.index(column)
    for row_number, value in enumerate(values):
        row = list(dataset[row_number])
        row[index] = value
        dataset[row_number] = row
