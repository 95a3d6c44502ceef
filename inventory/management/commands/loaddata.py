"""Django's loaddata, without writing history: a fixture or a restored backup brings its history with it.

django-simple-history records many-to-many changes even when rows are loaded raw, so a restore would
otherwise add an entry to every product's history, and the demo data would start with a history."""

from django.core.management.commands import loaddata
from django.test.utils import override_settings


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            return super().handle(*fixture_labels, **options)
