"""Make a development database useful: reference and demo data once, and a curator account once."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from inventory.models import KnowledgeProduct, Programme
from needs.models import KnowledgeNeed, LearningActivity

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
            self._load_once("reference", Programme.objects.exists())
            if not no_demo:
                self._load_once("demo", KnowledgeProduct.objects.exists())
                self._load_demo_needs()
                self._load_demo_activities()
            self._create_curator()
        # Fixtures are loaded row by row, without the admin or services that keep search vectors current.
        call_command("update_search_vectors", verbosity=0)

    def _load_once(self, fixture: str, already_there: bool) -> None:
        if already_there:
            self.stdout.write(f"The {fixture} data is already in the database; left as it is.")
            return
        call_command("loaddata", settings.BASE_DIR / "fixtures" / f"{fixture}.json", verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Loaded the {fixture} data."))

    def _load_demo_needs(self) -> None:
        if KnowledgeNeed.objects.exists():
            self.stdout.write("Knowledge needs are already in the database; left as they are.")
            return
        call_command("load_demo_needs", stdout=self.stdout)

    def _load_demo_activities(self) -> None:
        if LearningActivity.objects.exists():
            self.stdout.write("Learning activities are already in the database; left as they are.")
            return
        call_command("load_demo_activities", stdout=self.stdout)

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
