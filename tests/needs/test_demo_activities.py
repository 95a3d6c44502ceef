"""The fictional demo activities: past and upcoming, built on the demo needs, made with demo organisations."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from inventory.models import Organisation
from needs.models import KnowledgeNeed, LearningActivity
from tests.factories import OrganisationFactory, ProductFactory, ThemeFactory

pytestmark = pytest.mark.django_db
Status = LearningActivity.Status


@pytest.fixture
def demo_world():
    themes = [
        ThemeFactory(slug=slug)
        for slug in ["local-governance", "civic-space", "environmental-rights", "land-and-forest-rights"]
    ]
    for theme in themes:
        ProductFactory(themes=[theme])
    # The real organisations of the reference data have small primary keys, the demo ones 1000 and up.
    OrganisationFactory(pk=7, slug="meridiaan-centre-for-evaluation-studies", name="A real one")
    OrganisationFactory(pk=1001, slug="kitoma-community-land-trust", name="Kitoma Community Land Trust")
    call_command("load_demo_needs", verbosity=0)


def test_it_adds_past_upcoming_cancelled_and_unpublished_activities(demo_world):
    call_command("load_demo_activities", verbosity=0)
    activities = LearningActivity.objects.all()
    assert activities.count() >= 8
    today = timezone.localdate()
    public = activities.public()
    assert public.upcoming(today).exclude(status=Status.CANCELLED).count() >= 3
    assert public.past(today).filter(status=Status.COMPLETED).count() >= 3
    assert set(activities.values_list("status", flat=True)) == set(Status.values)
    assert activities.exclude(pk__in=public).exists()  # one still being planned, without a date
    assert activities.values("learning_format").distinct().count() >= 5
    assert activities.filter(is_online=True).exists() and activities.exclude(location="").exists()
    for activity in activities:
        activity.full_clean()


def test_activities_are_built_on_demo_needs_and_products_and_made_with_demo_organisations_only(demo_world):
    call_command("load_demo_activities", verbosity=0)
    assert KnowledgeNeed.objects.filter(learning_activities__isnull=False).distinct().count() >= 10
    assert LearningActivity.objects.filter(products__isnull=False).exists()
    used = Organisation.objects.filter(learning_activities__isnull=False).distinct()
    assert list(used.values_list("name", flat=True)) == ["Kitoma Community Land Trust"]


def test_a_completed_activity_answered_needs_that_are_addressed_already(demo_world):
    call_command("load_demo_activities", verbosity=0)
    completed = LearningActivity.objects.filter(status=Status.COMPLETED)
    assert KnowledgeNeed.objects.filter(
        learning_activities__in=completed, status=KnowledgeNeed.Status.ADDRESSED
    ).exists()


def test_running_it_twice_adds_nothing_the_second_time(demo_world):
    call_command("load_demo_activities", verbosity=0)
    count = LearningActivity.objects.count()
    call_command("load_demo_activities", verbosity=0)
    assert LearningActivity.objects.count() == count


def test_it_works_on_an_empty_database():
    call_command("load_demo_activities", verbosity=0)
    assert LearningActivity.objects.count() >= 8
