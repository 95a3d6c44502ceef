"""schema.org JSON-LD for the product and activity pages, so search engines know a page is a learning
resource or an event, who made it, what it is about, where and when. Only what the page itself shows.

The script is allowed by the content security policy through the hash of its text (`JsonLd`), not a
per-response nonce: the page stays the same for every visitor, so shared caches may keep it."""

import base64
import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from inventory.models import KnowledgeProduct
from needs.models import LearningActivity

# What could end the <script> element or start a comment inside it, written as JSON escapes instead
# (as Django's json_script does; that filter always says type="application/json").
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class JsonLd:
    """JSON-LD as the text of a <script> (the `json_ld` filter writes it) and the policy's source that
    allows exactly that text."""

    text: SafeString

    @property
    def csp_source(self) -> str:
        digest = base64.b64encode(hashlib.sha256(self.text.encode()).digest()).decode()
        return f"'sha256-{digest}'"


def json_ld(data: dict) -> JsonLd:
    return JsonLd(
        mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_ESCAPES))
    )


def allow_json_ld(response: HttpResponse, script: JsonLd | None) -> HttpResponse:
    """Add the script's hash to the response's `script-src` (django-csp reads `_csp_update`)."""
    if script is not None:
        response._csp_update = {"script-src": [script.csp_source]}
    return response


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
        # The product's own terms, when they have a deed to point to ("all rights reserved" and "unknown"
        # have none).
        "license": product.licence_url or None,
        # The first page of its document, once the thumbnail job made one.
        "image": absolute(reverse("inventory:product-thumbnail", args=[product.slug]))
        if product.thumbnail and product.is_public
        else None,
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
