"""schema.org JSON-LD for the product and activity pages, so search engines know a page is a learning
resource or an event, who made it, what it is about, where and when. Only what the page itself shows."""

import datetime
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from django.conf import settings

from inventory.models import KnowledgeProduct
from needs.models import LearningActivity


def publisher() -> dict:
    """Who publishes the catalogue (and organises the activities)."""
    return {"@type": "Organization", "name": "Partos", "url": "https://www.partos.nl/"}


def product_json_ld(
    product: KnowledgeProduct,
    absolute: Callable[[str], str],
    *,
    themes: Iterable | None = None,
    countries: Iterable | None = None,
    languages: Iterable | None = None,
) -> dict:
    """A schema.org LearningResource. `absolute` turns a path into a full address. The product's relations
    must be prefetched; its themes, countries and languages may be given instead (the product page has them
    from the facet index)."""
    themes = product.themes.all() if themes is None else themes
    countries = product.countries.all() if countries is None else countries
    languages = product.languages.all() if languages is None else languages
    page = absolute(product.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "@id": page,
        "url": page,
        "name": product.title,
        "description": product.summary,
        "learningResourceType": product.product_type.display_name,
        "about": [{"@type": "Thing", "name": theme.display_name} for theme in themes],
        "keywords": ", ".join(sorted(tag.name for tag in product.tags.all())),
        "creator": [
            {
                "@type": "Organization",
                "name": organisation.name,
                "url": absolute(organisation.get_absolute_url()),
            }
            for organisation in product.organisations.all()
        ],
        "sourceOrganization": [
            {
                "@type": "Organization",
                "name": partnership.name,
                "url": absolute(partnership.get_absolute_url()),
            }
            for partnership in product.partnerships.all()
        ],
        "spatialCoverage": [
            {"@type": "Country", "name": country.name, "identifier": country.code} for country in countries
        ],
        "inLanguage": [language.code for language in languages],
        "dateCreated": str(product.year) if product.year else None,
        "datePublished": product.published_at.date().isoformat() if product.published_at else None,
        "dateModified": product.updated_at.isoformat(),
        "isAccessibleForFree": True,
        "sameAs": product.url or None,
        "publisher": publisher(),
        # The licence of this description, as of all the open data; the product's own terms are its makers'.
        "license": settings.OPEN_DATA_LICENCE_URL,
    }
    return {key: value for key, value in data.items() if value not in (None, "", [])}


ATTENDANCE = {
    (True, False): "https://schema.org/OnlineEventAttendanceMode",
    (False, True): "https://schema.org/OfflineEventAttendanceMode",
    (True, True): "https://schema.org/MixedEventAttendanceMode",
}
EVENT_STATUS = {LearningActivity.Status.CANCELLED: "https://schema.org/EventCancelled"}


def activity_json_ld(activity: LearningActivity, absolute: Callable[[str], str]) -> dict | None:
    """A schema.org Event for an activity with a date (one without is not yet an event); None otherwise.
    Times carry Amsterdam's offset; an activity without times gives its days."""
    if activity.start_date is None:
        return None
    page = absolute(activity.get_absolute_url())
    location = []
    if activity.is_online:
        location.append({"@type": "VirtualLocation", "url": activity.registration_url or page})
    if activity.location:
        location.append({"@type": "Place", "name": activity.location, "address": activity.location})
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": page,
        "url": page,
        "name": activity.title,
        "description": activity.summary,
        "startDate": _moment(activity.start_date, activity.start_time),
        "endDate": _moment(activity.end_date or activity.start_date, activity.end_time)
        if activity.end_date or activity.end_time
        else None,
        "eventStatus": EVENT_STATUS.get(activity.status, "https://schema.org/EventScheduled"),
        "eventAttendanceMode": ATTENDANCE.get((activity.is_online, bool(activity.location))),
        "location": location,
        "organizer": publisher(),
        "about": [{"@type": "Thing", "name": theme.display_name} for theme in activity.themes.all()],
    }
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def _moment(day: datetime.date, time: datetime.time | None) -> str:
    if time is None:
        return day.isoformat()
    return datetime.datetime.combine(day, time, tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()
