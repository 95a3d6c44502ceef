"""What crawlers and link previews read: robots.txt keeps them out of every language's private and
combinatorial pages, a filtered page's feed link keeps its filters, activities are schema.org Events."""

import json
import re

import pytest

from needs.models import LearningActivity
from tests.factories import LearningActivityFactory, ProductFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        f"{prefix}{path}"
        for prefix in ["", "/nl", "/fr", "/es"]
        for path in ["/needs/", "/products/nominate/", "/products/?"]
    ],
)
def test_robots_keeps_crawlers_out_of_forms_and_filter_combinations_in_every_language(client, path):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert f"Disallow: {path}" in lines


def test_a_filtered_browse_page_offers_the_feed_of_its_own_filters(client):
    theme = ThemeFactory(slug="civic-space")
    ProductFactory(themes=[theme])
    content = client.get("/products/?theme=civic-space&page=1").content.decode()
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]*)"', content)
    assert links == ["/feeds/products/?theme=civic-space"]


def test_other_pages_offer_the_feed_of_all_new_products(client):
    content = client.get("/").content.decode()
    assert re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]*)"', content) == [
        "/feeds/products/"
    ]


def event_of(content: str) -> dict:
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    return json.loads(script)


def test_an_activity_page_describes_an_event_with_its_time_place_and_organiser(client):
    activity = LearningActivityFactory(is_online=True, location="Utrecht")
    event = event_of(client.get(activity.get_absolute_url()).content.decode())
    assert event["@type"] == "Event"
    assert event["name"] == activity.title
    assert event["url"] == f"http://testserver{activity.get_absolute_url()}"
    assert event["startDate"].startswith(activity.start_date.isoformat())
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert {place["@type"] for place in event["location"]} == {"VirtualLocation", "Place"}
    assert event["organizer"]["name"] == "Partos"


def test_a_cancelled_activity_says_so_to_search_engines(client):
    activity = LearningActivityFactory(status=LearningActivity.Status.CANCELLED)
    event = event_of(client.get(activity.get_absolute_url()).content.decode())
    assert event["eventStatus"] == "https://schema.org/EventCancelled"


def test_a_product_names_its_publisher_and_its_own_licence(client, settings):
    product = ProductFactory(licence="cc-by-sa-4.0")
    content = client.get(product.get_absolute_url()).content.decode()
    data = event_of(content)
    assert data["publisher"]["name"] == "Partos"
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert '<meta property="og:image" content="http://testserver/static/img/share.png">' in content
    assert '<meta property="og:locale" content="en_GB">' in content
