"""Make a development database useful: reference and demo data once, and a curator account once."""

import secrets
from io import StringIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from inventory.models import KnowledgeProduct, Programme

CURATOR_USERNAME = "curator"


class Command(BaseCommand):
    help = (
        "Load reference and demo data into an empty database and create a curator account with a random "
        "password (printed once). Running it again changes nothing. Development only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Load the reference data only.")

    def handle(self, *args, no_demo=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "setup_dev is for development (DEBUG=1); production loads reference data only."
            )
        with transaction.atomic():
            if Programme.objects.exists():
                self.stdout.write("The reference data is already in the database; left as it is.")
            else:
                call_command("loaddata", settings.BASE_DIR / "fixtures" / "reference.json", verbosity=0)
                self.stdout.write(self.style.SUCCESS("Loaded the reference data."))
            if no_demo:
                pass
            elif KnowledgeProduct.objects.exists():
                self.stdout.write("Products are already in the database; the demo data is not loaded.")
            else:
                call_command("load_demo", stdout=self.stdout)
                self.stdout.write(self.style.SUCCESS("Loaded the fictional demo data (fixtures/demo/)."))
            # Products loaded by other means (a fixture, a restored dump) become searchable too.
            call_command("update_search_vectors", stdout=StringIO())
            self._create_curator()

    def _create_curator(self) -> None:
        User = get_user_model()
        if User.objects.filter(username=CURATOR_USERNAME).exists():
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(CURATOR_USERNAME, password=password, is_staff=True)
        user.groups.add(Group.objects.get(name="Curators"))
        self.stdout.write(
            self.style.WARNING(
                f"Created the curator account for /admin/: user '{CURATOR_USERNAME}', password '{password}'. "
                "It is shown only this once."
            )
        )
