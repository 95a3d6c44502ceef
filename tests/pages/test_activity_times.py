"""An activity's times are Amsterdam's, shown with UTC beside them, for members in many time zones."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import LearningActivityFactory

pytestmark = pytest.mark.django_db


def shown(client, activity) -> str:
    return client.get(reverse("pages:activity-detail", args=[activity.slug])).content.decode()


@pytest.mark.parametrize(
    ("day", "utc"),
    [
        (datetime.date(2031, 1, 15), "13:00–15:00 UTC"),  # Winter: Amsterdam is UTC+1.
        (datetime.date(2031, 7, 15), "12:00–14:00 UTC"),  # Summer: UTC+2.
    ],
)
def test_the_times_are_amsterdams_with_utc_beside_them(client, day, utc):
    activity = LearningActivityFactory(
        start_date=day, start_time=datetime.time(14), end_time=datetime.time(16)
    )
    page = shown(client, activity)
    assert "14:00</time>–<time" in page
    assert f"(Amsterdam time; {utc})" in page
    starts = activity.starts_at.isoformat()
    assert f'<time datetime="{starts}" data-local-time>' in page
    assert 'src="/static/js/local-time.js"' in page


def test_a_start_past_midnight_utc_names_the_utc_day(client):
    activity = LearningActivityFactory(start_date=datetime.date(2031, 1, 15), start_time=datetime.time(0, 30))
    assert "(Amsterdam time; 23:30 UTC, 14 January)" in shown(client, activity)


def test_an_all_day_activity_shows_no_times(client):
    activity = LearningActivityFactory(start_date=datetime.date(2031, 1, 15))
    page = shown(client, activity)
    assert "UTC" not in page and "data-local-time" not in page


def test_the_dutch_page_says_it_in_dutch(client):
    activity = LearningActivityFactory(
        start_date=datetime.date(2031, 1, 15), start_time=datetime.time(14), end_time=datetime.time(16)
    )
    page = client.get("/nl" + reverse("pages:activity-detail", args=[activity.slug])).content.decode()
    assert "Amsterdamse tijd" in page or "tijd in Amsterdam" in page
