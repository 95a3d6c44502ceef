"""An activity as an iCalendar file (RFC 5545), for people to put it in their calendars."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from needs.models import LearningActivity

Status = LearningActivity.Status
# How calendars should show each status.
EVENT_STATUS = {
    Status.PLANNED: "TENTATIVE",
    Status.OPEN: "CONFIRMED",
    Status.COMPLETED: "CONFIRMED",
    Status.CANCELLED: "CANCELLED",
}
PRODUCT_ID = "-//Partos//Knowledge map//EN"


def activity_calendar(activity: LearningActivity, *, url: str, host: str) -> bytes:
    """A calendar with the one event of `activity` (which must have a start date). Times are Amsterdam
    time and carry their time zone; an activity without times is an all-day event over its days. `host` is
    the site's own domain, so the event keeps its identifier whatever address served the file."""
    event = Event()
    # Stable across changes, so that importing the file again updates the event instead of adding one.
    event.add("uid", f"learning-activity-{activity.pk}@{host}")
    event.add("sequence", activity.revision)
    event.add("dtstamp", activity.updated_at)
    event.add("summary", activity.title)
    event.add("description", _description(activity, url))
    event.add("url", url)
    event.add("status", EVENT_STATUS[Status(activity.status)])
    if location := _location(activity):
        event.add("location", location)
    start, end = _span(activity)
    event.add("dtstart", start)
    if end is not None:
        event.add("dtend", end)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _span(activity: LearningActivity):
    """(start, end): dates for an all-day event, whose end is the day after its last day (RFC 5545),
    or times in the site's time zone; no end when only the start time is known."""
    last_day = activity.end_date or activity.start_date
    if activity.start_time is None:
        return activity.start_date, last_day + datetime.timedelta(days=1)
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(activity.start_date, activity.start_time, tzinfo=zone)
    if activity.end_time is None:
        return start, None
    return start, datetime.datetime.combine(last_day, activity.end_time, tzinfo=zone)


def _location(activity: LearningActivity) -> str:
    if activity.is_online and activity.location:
        return _("Online and %(location)s") % {"location": activity.location}
    return _("Online") if activity.is_online else activity.location


def _description(activity: LearningActivity, url: str) -> str:
    if activity.open_to == LearningActivity.Audience.EVERYONE:
        audience = _("%(format)s, open to everyone.")
    else:
        audience = _("%(format)s, open to Partos members.")
    parts = [activity.summary, audience % {"format": activity.learning_format.name}]
    if activity.registration_url:
        parts.append(_("Register: %(url)s") % {"url": activity.registration_url})
    parts.append(url)
    return "\n\n".join(parts)
