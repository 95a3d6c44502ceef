"""The fictional demo needs: enough of them, varied, attached to demo partnerships only."""

import pytest
from django.core.management import call_command

from needs.models import KnowledgeNeed
from tests.factories import PartnershipFactory, ProductFactory, ProgrammeFactory, ThemeFactory

pytestmark = pytest.mark.django_db
CORE_THEMES = [
    "gender-equality-and-inclusion",
    "environmental-rights",
    "local-governance",
    "resource-management",
]


@pytest.fixture
def demo_world():
    themes = [ThemeFactory(slug=slug, name=slug.replace("-", " ")) for slug in CORE_THEMES]
    newest = ProgrammeFactory(name="Power of Voices", start_year=2021, end_year=2025)
    PartnershipFactory(name="She Leads", programme=newest)  # real: never given fictional needs
    PartnershipFactory(name="Voices for Water Justice", programme=newest)
    PartnershipFactory(name="Open Roads Alliance", programme=newest)
    for theme in themes:
        ProductFactory(themes=[theme])


def test_it_adds_at_least_25_varied_needs(demo_world):
    call_command("load_demo_needs", verbosity=0)
    needs = KnowledgeNeed.objects.all()
    assert needs.count() >= 25
    assert set(needs.values_list("themes__slug", flat=True)) == set(CORE_THEMES)
    assert needs.values("learning_formats").distinct().count() == 7
    assert set(needs.values_list("urgency", flat=True)) == {"low", "medium", "high"}
    assert set(needs.values_list("status", flat=True)) == set(KnowledgeNeed.Status.values)
    assert 0 < needs.shareable().count() < needs.count()
    assert all(n.contact_email.endswith("@example.org") for n in needs)
    assert all(n.matched_products.exists() for n in needs.filter(status=KnowledgeNeed.Status.MATCHED))


def test_fictional_needs_go_to_demo_partnerships_or_typed_in_names_never_to_real_ones(demo_world):
    call_command("load_demo_needs", verbosity=0)
    used = set(KnowledgeNeed.objects.exclude(partnership=None).values_list("partnership__name", flat=True))
    assert used == {"Voices for Water Justice", "Open Roads Alliance"}
    assert KnowledgeNeed.objects.filter(partnership=None).exclude(partnership_name="").exists()


def test_running_it_twice_adds_nothing_the_second_time(demo_world):
    call_command("load_demo_needs", verbosity=0)
    count = KnowledgeNeed.objects.count()
    call_command("load_demo_needs", verbosity=0)
    assert KnowledgeNeed.objects.count() == count


def test_it_works_on_an_empty_database():
    call_command("load_demo_needs", verbosity=0)
    assert KnowledgeNeed.objects.count() >= 25
    assert not KnowledgeNeed.objects.filter(status=KnowledgeNeed.Status.MATCHED).exists()
