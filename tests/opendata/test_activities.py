"""/api/activities/: public learning activities only, with the activities page's filters; the products
they build on only when published, and nothing of the needs they answer."""

import pytest

from needs.models import LearningActivity
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    OrganisationFactory,
    ProductFactory,
    ThemeFactory,
    learning_format,
)
from tests.open_data import ACTIVITY_FILTER_QUERIES, build_inventory, slugs_on_activities_page

pytestmark = pytest.mark.django_db
ACTIVITIES = "/api/activities/"


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def slugs(body) -> list[str]:
    return [activity["slug"] for activity in body["results"]]


def test_it_lists_activities_with_a_start_date_only(client):
    LearningActivityFactory(slug="dated")
    LearningActivityFactory(slug="a-plan", start_date=None, status=LearningActivity.Status.PLANNED)
    assert slugs(get(client, ACTIVITIES)) == ["dated"]
    get(client, f"{ACTIVITIES}a-plan/", status=404)


def test_an_activity_gives_what_its_page_gives(client):
    theme = ThemeFactory(name="Land rights", slug="land")
    organisation = OrganisationFactory(name="Delta NGO", slug="delta")
    LearningActivityFactory(
        slug="budget-webinar",
        title="Budget webinar",
        themes=[theme],
        organisations=[organisation],
        learning_format=learning_format("webinar"),
        registration_url="https://example.org/register",
        location="",
    )
    body = get(client, f"{ACTIVITIES}budget-webinar/")
    assert body["web_url"] == "http://testserver/activities/budget-webinar/"
    assert body["format"] == {"slug": "webinar", "name": "Webinar"}
    assert body["themes"] == [{"slug": "land", "name": "Land rights"}]
    assert body["organisations"] == [{"slug": "delta", "name": "Delta NGO"}]
    assert body["registration_link"] == "https://example.org/register"
    assert body["calendar_url"] == "http://testserver/activities/budget-webinar/calendar.ics"
    assert body["status"] == "open" and body["is_online"] is True


def test_it_names_only_the_published_products_and_none_of_the_needs(client):
    public = ProductFactory(title="Public toolkit")
    hidden = ProductFactory(title="Hidden draft", status="draft", published_at=None)
    need = KnowledgeNeedFactory(
        title="What we need", contact_email="asker@private.example", consent_to_publish=True
    )
    LearningActivityFactory(slug="webinar", needs=[need], products=[public, hidden])
    body = get(client, f"{ACTIVITIES}webinar/")
    assert [p["slug"] for p in body["products"]] == [public.slug]
    assert "needs" not in body
    text = str(body)
    assert "Hidden draft" not in text and "What we need" not in text and "asker@private.example" not in text


def test_a_filter_value_that_names_nothing_is_a_400(client):
    body = get(client, f"{ACTIVITIES}?format=juggling", status=400)
    assert body["parameters"] == {"format": ["There is no learning format “juggling”."]}


@pytest.mark.parametrize("query", ACTIVITY_FILTER_QUERIES)
def test_it_selects_what_the_activities_page_selects(client, query):
    build_inventory()
    expected = slugs_on_activities_page(client, query)
    assert expected or query.startswith("status=open")
    assert set(slugs(get(client, f"{ACTIVITIES}?page_size=100&{query}"))) == expected


def test_activities_cost_the_same_queries_however_many(client, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            LearningActivityFactory(
                themes=[ThemeFactory()], organisations=[OrganisationFactory()], products=[ProductFactory()]
            )

    add(2)
    # The count, the page with formats, then themes, organisations and published products.
    with django_assert_num_queries(5):
        get(client, ACTIVITIES)
    add(25)
    with django_assert_num_queries(5):
        assert len(slugs(get(client, f"{ACTIVITIES}?page_size=100"))) == 27
