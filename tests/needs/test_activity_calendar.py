"""An activity's dates as an iCalendar file that calendars import."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from needs.models import LearningActivity
from tests.factories import LearningActivityFactory

pytestmark = pytest.mark.django_db
Status = LearningActivity.Status
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def ics(client, activity, **headers):
    return client.get(reverse("pages:activity-ics", args=[activity.slug]), **headers)


def event_of(response):
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_it_is_a_calendar_file_to_download(client):
    activity = LearningActivityFactory(slug="civic-space-webinar")
    response = ics(client, activity)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="civic-space-webinar.ics"'
    calendar, event = event_of(response)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert str(event["SUMMARY"]) == activity.title
    assert str(event["URL"]) == "http://testserver/activities/civic-space-webinar/"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_timed_activity_has_its_times_in_amsterdam_time_with_the_zone_described(client):
    activity = LearningActivityFactory(
        start_date=datetime.date(2031, 7, 3), start_time=datetime.time(14), end_time=datetime.time(15, 30)
    )
    calendar, event = event_of(ics(client, activity))
    assert event.decoded("DTSTART") == datetime.datetime(2031, 7, 3, 14, tzinfo=AMSTERDAM)
    assert event.decoded("DTEND") == datetime.datetime(2031, 7, 3, 15, 30, tzinfo=AMSTERDAM)
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]


def test_an_activity_over_days_is_an_all_day_event_ending_the_day_after_its_last(client):
    activity = LearningActivityFactory(
        start_date=datetime.date(2031, 3, 4),
        end_date=datetime.date(2031, 3, 6),
        is_online=True,
        location="Kampala, Uganda",
        registration_url="https://example.org/register",
    )
    _, event = event_of(ics(client, activity))
    assert event.decoded("DTSTART") == datetime.date(2031, 3, 4)
    assert event.decoded("DTEND") == datetime.date(2031, 3, 7)  # exclusive, RFC 5545
    assert str(event["LOCATION"]) == "Online and Kampala, Uganda"
    assert "https://example.org/register" in str(event["DESCRIPTION"])


def test_a_cancelled_activity_is_cancelled_in_calendars_too(client):
    _, event = event_of(ics(client, LearningActivityFactory(status=Status.CANCELLED)))
    assert str(event["STATUS"]) == "CANCELLED"


def test_its_uid_stays_the_same_when_the_activity_changes_and_its_sequence_grows(client):
    activity = LearningActivityFactory()
    _, before = event_of(ics(client, activity))
    activity.title = "A better title"
    activity.save()
    _, after = event_of(ics(client, activity))
    assert str(after["SUMMARY"]) == "A better title"
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1


def test_its_uid_and_links_come_from_the_sites_address_not_the_one_used(client, settings):
    settings.SITE_URL = "https://kennis.example.org"
    settings.ALLOWED_HOSTS = ["kennis.example.org", "127.0.0.1"]
    activity = LearningActivityFactory()
    _, event = event_of(ics(client, activity, HTTP_HOST="127.0.0.1:8850"))
    assert str(event["UID"]) == f"learning-activity-{activity.pk}@kennis.example.org"
    assert str(event["URL"]) == f"https://kennis.example.org{activity.get_absolute_url()}"


def test_its_sequence_is_a_small_counter_not_a_timestamp(client):
    activity = LearningActivityFactory()
    for _ in range(3):
        activity.save()
    _, event = event_of(ics(client, activity))
    assert event["SEQUENCE"] == 3


def test_it_takes_one_query(client, django_assert_num_queries):
    activity = LearningActivityFactory()
    with django_assert_num_queries(1):  # the activity with its format
        assert ics(client, activity).status_code == 200
