"""The fictional demo data: files in the curators' import format (fixtures/demo/), loaded by the import."""

import datetime
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from inventory.models import Involvement, KnowledgeProduct, Membership, Organisation, Partnership, Stakeholder
from knowledgemap.management.commands import load_demo
from needs.models import KnowledgeNeed, LearningActivity

pytestmark = pytest.mark.django_db
Status = KnowledgeNeed.Status


@pytest.fixture
def reference():
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "reference.json", verbosity=0)


def load():
    call_command("load_demo", stdout=None)


def counts() -> dict:
    return {
        "organisations": Organisation.objects.count(),
        "partnerships": Partnership.objects.count(),
        "memberships": Membership.objects.count(),
        "stakeholders": Stakeholder.objects.count(),
        "products": KnowledgeProduct.objects.count(),
        "involvements": Involvement.objects.count(),
        "needs": KnowledgeNeed.objects.count(),
        "matches": KnowledgeNeed.matched_products.through.objects.count(),
        "activities": LearningActivity.objects.count(),
    }


def test_it_loads_every_file_through_the_import(reference):
    real = counts()
    load()
    added = {name: count - real[name] for name, count in counts().items()}
    assert added == {
        "organisations": 55,
        "partnerships": 15,
        "memberships": 87,
        "stakeholders": 36,
        "products": 95,
        "involvements": 182,
        "needs": 31,
        "matches": 24,
        "activities": 9,
    }
    assert KnowledgeProduct.objects.published().count() == 80


def test_a_second_load_changes_nothing(reference):
    load()
    before = counts()
    stamps = list(KnowledgeProduct.objects.order_by("pk").values_list("updated_at", flat=True))
    load()
    assert counts() == before
    assert list(KnowledgeProduct.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_matches_are_data_not_computed_at_load(reference, monkeypatch):
    import needs.matching

    monkeypatch.setattr(needs.matching, "suggest_products", lambda *args, **kwargs: pytest.fail("computed"))
    load()
    matched = KnowledgeNeed.objects.filter(status=Status.MATCHED)
    assert matched.exists()
    assert all(need.matched_products.exists() for need in matched)
    assert set(KnowledgeNeed.objects.values_list("status", flat=True)) == set(Status.values)


def test_fictional_data_is_never_attached_to_real_partnerships_or_organisations(reference):
    real_partnerships = set(Partnership.objects.values_list("pk", flat=True))
    real_organisations = set(Organisation.objects.values_list("pk", flat=True))
    load()
    assert not KnowledgeProduct.objects.filter(partnerships__in=real_partnerships).exists()
    assert not KnowledgeProduct.objects.filter(organisations__in=real_organisations).exists()
    assert not KnowledgeNeed.objects.filter(partnership__in=real_partnerships).exists()
    assert not LearningActivity.objects.filter(organisations__in=real_organisations).exists()
    assert all(need.contact_email.endswith("@example.org") for need in KnowledgeNeed.objects.all())


def test_dates_move_with_the_day_it_loads_so_upcoming_stays_upcoming(reference, monkeypatch):
    later = load_demo.AS_OF + datetime.timedelta(days=400)
    monkeypatch.setattr(timezone, "localdate", lambda *args: later)
    load()
    activities = LearningActivity.objects.public()
    assert activities.upcoming(today=later).exists() and activities.past(today=later).exists()
    newest = KnowledgeNeed.objects.order_by("-created_at").first().created_at.date()
    assert later - datetime.timedelta(days=30) <= newest <= later


def test_the_files_say_the_data_is_fictional():
    readme = (settings.BASE_DIR / "fixtures" / "demo" / "README.md").read_text()
    assert "fictional" in readme.lower()
    reference = json.loads((settings.BASE_DIR / "fixtures" / "reference.json").read_text())
    real_names = {row["fields"]["name"] for row in reference if "name" in row["fields"]}
    organisations = (settings.BASE_DIR / "fixtures" / "demo" / "organisations.csv").read_text()
    assert not [name for name in real_names if f",{name}," in organisations]
