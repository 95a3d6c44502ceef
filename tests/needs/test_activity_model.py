"""Learning activities: the rules on dates, what is public, and who may edit them."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from needs.models import LearningActivity
from tests.factories import LearningActivityFactory

pytestmark = pytest.mark.django_db
Status = LearningActivity.Status
START = datetime.date(2031, 3, 4)


def refused_in_the_database(activity_id, constraint, **values):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        LearningActivity.objects.filter(pk=activity_id).update(**values)


def test_an_activity_cannot_end_before_it_starts():
    activity = LearningActivityFactory(start_date=START)
    activity.end_date = START - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        activity.full_clean()
    # SQLite names the failed constraint; PostgreSQL too.
    refused_in_the_database(activity.pk, "activity_ends_after_it_starts", end_date=activity.end_date)


def test_an_end_date_needs_a_start_date():
    activity = LearningActivityFactory(start_date=None, status=Status.PLANNED)
    activity.end_date = START
    with pytest.raises(ValidationError, match="Give the start date too"):
        activity.full_clean()
    refused_in_the_database(activity.pk, "activity_ends_after_it_starts", end_date=START)


@pytest.mark.parametrize("status", [Status.OPEN, Status.COMPLETED])
def test_an_open_or_completed_activity_has_a_date(status):
    activity = LearningActivityFactory(start_date=None, status=Status.PLANNED)
    activity.status = status
    with pytest.raises(ValidationError, match="needs a start date"):
        activity.full_clean()
    refused_in_the_database(activity.pk, "activity_open_or_completed_has_a_date", status=status)


@pytest.mark.parametrize("status", [Status.PLANNED, Status.CANCELLED])
def test_a_planned_or_cancelled_activity_may_have_no_date(status):
    LearningActivityFactory(start_date=None, status=status).full_clean()


def test_on_one_day_the_end_time_comes_after_the_start_time():
    activity = LearningActivityFactory(
        start_date=START, start_time=datetime.time(15), end_time=datetime.time(14)
    )
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        activity.full_clean()
    activity.end_date = START + datetime.timedelta(days=1)  # 15:00 one day to 14:00 the next: fine
    activity.full_clean()


def test_public_activities_are_those_with_a_date_cancelled_ones_included():
    LearningActivityFactory(title="Open", status=Status.OPEN)
    LearningActivityFactory(title="Dated plan", status=Status.PLANNED)
    LearningActivityFactory(title="Cancelled", status=Status.CANCELLED)
    LearningActivityFactory(title="Undated plan", status=Status.PLANNED, start_date=None)
    LearningActivityFactory(title="Undated cancelled", status=Status.CANCELLED, start_date=None)
    assert set(LearningActivity.objects.public().values_list("title", flat=True)) == {
        "Open",
        "Dated plan",
        "Cancelled",
    }


def test_the_slug_is_made_from_the_title_and_unique():
    first = LearningActivityFactory(title="Budget advocacy peer exchange")
    second = LearningActivityFactory(title="Budget advocacy peer exchange")
    assert (first.slug, second.slug) == ("budget-advocacy-peer-exchange", "budget-advocacy-peer-exchange-2")
    assert first.get_absolute_url() == "/activities/budget-advocacy-peer-exchange/"


def test_curators_may_manage_activities():
    codenames = set(
        Group.objects.get(name="Curators")
        .permissions.filter(content_type__model="learningactivity")
        .values_list("codename", flat=True)
    )
    assert codenames == {f"{action}_learningactivity" for action in ("add", "change", "delete", "view")}
