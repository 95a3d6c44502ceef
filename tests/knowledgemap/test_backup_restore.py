"""A dump of the data, loaded into an emptied database, gives the same data back (README, "Backup and
restore": the portable `dumpdata` route, which works on SQLite and PostgreSQL alike)."""

import json
import re
from io import StringIO

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from inventory.models import Country, Involvement, KnowledgeProduct, Membership, Theme
from tests.factories import (
    InvolvementFactory,
    MembershipFactory,
    OrganisationFactory,
    ProductFactory,
    ThemeFactory,
    country,
    curator,
    language,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# What the README tells people to run. Content types and permissions are rebuilt by migrate and referred to
# by natural keys; sessions are not worth keeping.
DUMP_OPTIONS = {
    "natural_foreign": True,
    "natural_primary": True,
    "exclude": ["contenttypes", "auth.permission", "sessions"],
    "indent": 0,
}


def dump() -> list[dict]:
    out = StringIO()
    call_command("dumpdata", stdout=out, **DUMP_OPTIONS)
    return json.loads(out.getvalue())


def same_instants(data: list[dict]) -> list[dict]:
    """The data with "12:00:58.000Z" written "12:00:58Z": JSON dumps keep milliseconds, so a time taken
    within the first millisecond of a second (58.000123) is dumped as 58.000, loaded as 58 exactly and
    dumped again without the fraction. The same instant, as far as the dump can say."""
    return json.loads(re.sub(r"(T\d\d:\d\d:\d\d)\.000(Z|[+-]\d\d:\d\d)", r"\1\2", json.dumps(data)))


def make_a_full_inventory():
    core = ThemeFactory(name="Protecting environmental rights")
    sub = ThemeFactory(name="Land rights", parent=core)
    membership = MembershipFactory(
        organisation=OrganisationFactory(country=country("KE")), role="southern-partner"
    )
    product = ProductFactory(
        themes=[core, sub], tags=["advocacy", "land"], featured=True, nominator_email="n@example.org"
    )
    product.partnerships.add(membership.partnership)
    product.organisations.add(membership.organisation)
    product.countries.add(country("KE"), country("UG"))
    product.languages.add(language("en"), language("sw"))
    InvolvementFactory(product=product, role="co-creator")
    ProductFactory(status=KnowledgeProduct.Status.DRAFT, published_at=None, title="Still a draft")
    user = curator(username="anna")
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[product], action_flag=ADDITION, change_message="Added.", single_object=True
    )


def test_a_dump_restored_into_an_empty_database_gives_the_same_data(tmp_path):
    make_a_full_inventory()
    backup = tmp_path / "backup.json"
    call_command("dumpdata", output=backup, verbosity=0, **DUMP_OPTIONS)
    before = json.loads(backup.read_text())
    assert before == dump()

    connection.check_constraints()  # PostgreSQL: settle deferred checks so TRUNCATE may run
    call_command("flush", interactive=False, verbosity=0)
    assert not KnowledgeProduct.objects.exists()
    assert not Country.objects.exists()  # even the rows migrations made are gone
    assert not get_user_model().objects.exists()

    call_command("loaddata", backup, verbosity=0)

    assert same_instants(dump()) == same_instants(before)
    product = KnowledgeProduct.objects.get(featured=True)
    assert sorted(product.tags.names()) == ["advocacy", "land"]
    assert product.countries.count() == 2
    assert Involvement.objects.get(product=product).role == "co-creator"
    assert Membership.objects.get().role == "southern-partner"
    assert Theme.objects.get(name="Land rights").parent.name == "Protecting environmental rights"
    anna = get_user_model().objects.get(username="anna")
    assert anna.check_password("a-long-test-password")
    assert anna.groups.get().name == "Curators"
    assert anna.groups.get().permissions.exists()
    assert LogEntry.objects.get().content_type == ContentType.objects.get_for_model(KnowledgeProduct)
