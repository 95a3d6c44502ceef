"""The public list of learning activities and an activity's page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import KnowledgeProduct
from needs.models import LearningActivity
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    OrganisationFactory,
    ProductFactory,
    ThemeFactory,
    learning_format,
)

pytestmark = pytest.mark.django_db
Status = LearningActivity.Status
LIST = reverse("pages:activity-list")
DAY = datetime.timedelta(days=1)


def listed(response) -> list[str]:
    return [activity.title for activity in response.context["page"].object_list]


def detail(activity) -> str:
    return reverse("pages:activity-detail", args=[activity.slug])


@pytest.fixture
def today():
    return timezone.localdate()


class TestTheList:
    def test_upcoming_first_soonest_first_then_past_latest_first(self, client, today):
        LearningActivityFactory(title="Past, long ago", start_date=today - 90 * DAY, status=Status.COMPLETED)
        LearningActivityFactory(title="Next month", start_date=today + 30 * DAY)
        LearningActivityFactory(title="Past, last week", start_date=today - 7 * DAY, status=Status.COMPLETED)
        LearningActivityFactory(title="Running", start_date=today - 2 * DAY, end_date=today + 2 * DAY)
        LearningActivityFactory(title="Tomorrow", start_date=today + DAY)
        LearningActivityFactory(title="Today", start_date=today)
        response = client.get(LIST)
        assert listed(response) == [
            "Running",
            "Today",
            "Tomorrow",
            "Next month",
            "Past, last week",
            "Past, long ago",
        ]
        page = response.content.decode()
        assert page.index("<h2>Upcoming</h2>") < page.index("Next month") < page.index("<h2>Past</h2>")

    def test_undated_activities_are_not_public_and_cancelled_ones_are_marked(self, client, today):
        LearningActivityFactory(title="Still a plan", start_date=None, status=Status.PLANNED)
        LearningActivityFactory(title="Called off", start_date=today + DAY, status=Status.CANCELLED)
        response = client.get(LIST)
        assert listed(response) == ["Called off"]
        assert '<span class="badge badge-cancelled">Cancelled</span>' in response.content.decode()

    def test_it_filters_by_theme_with_its_sub_themes_format_and_status(self, client, today):
        core = ThemeFactory(slug="governance")
        sub = ThemeFactory(slug="civic-space", parent=core)
        LearningActivityFactory(title="On the sub-theme", themes=[sub])
        LearningActivityFactory(title="On the core theme", themes=[core, sub])
        LearningActivityFactory(
            title="Coaching",
            learning_format=learning_format("coaching"),
            status=Status.PLANNED,
            themes=[ThemeFactory()],
        )
        assert sorted(listed(client.get(LIST, {"theme": "governance"}))) == [
            "On the core theme",
            "On the sub-theme",
        ]
        assert listed(client.get(LIST, {"theme": "civic-space"})) == ["On the core theme", "On the sub-theme"]
        assert listed(client.get(LIST, {"format": "coaching"})) == ["Coaching"]
        assert listed(client.get(LIST, {"status": "planned"})) == ["Coaching"]
        assert len(listed(client.get(LIST, {"status": ["planned", "open"]}))) == 3

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"theme": "no-such-theme"}, "There is no theme “no-such-theme”."),
            ({"format": "opera"}, "There is no learning format “opera”."),
            ({"status": "postponed"}, "There is no such value: “postponed”."),
            ({"theme": ["x"] * 51}, "Choose at most 50 values."),
        ],
    )
    def test_a_value_that_names_nothing_gives_400_with_the_reason(self, client, query, message):
        LearningActivityFactory(title="Still listed")
        response = client.get(LIST, {**query, "page": "nonsense"})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert listed(response) == ["Still listed"]  # the other parameters still apply

    def test_the_list_makes_the_same_queries_however_many_activities(
        self, client, today, django_assert_num_queries
    ):
        def add(n):
            for i in range(n):
                LearningActivityFactory(
                    start_date=today + (i - n // 2) * DAY,
                    themes=[ThemeFactory(), ThemeFactory()],
                    learning_format=learning_format("webinar"),
                )

        add(2)
        # 1 the count, 2 the page of activities with their formats, 3 their themes, 4 the themes and
        # 5 the formats to choose from.
        with django_assert_num_queries(5):
            client.get(LIST)
        add(30)
        with django_assert_num_queries(5):
            response = client.get(LIST)
        assert len(listed(response)) == 20
        with django_assert_num_queries(7):  # the chosen theme and format are looked up: two more
            client.get(LIST, {"theme": ThemeFactory().slug, "format": "webinar", "status": "open"})


class TestAnActivity:
    def test_it_shows_what_when_where_and_how_to_register(self, client, today):
        activity = LearningActivityFactory(
            title="Budgets councillors cannot ignore",
            summary="Women's groups compare what worked.",
            description="Field visits and sessions.",
            start_date=datetime.date(2031, 3, 4),
            end_date=datetime.date(2031, 3, 5),
            is_online=False,
            location="Kampala, Uganda",
            registration_url="https://example.org/register",
            open_to=LearningActivity.Audience.EVERYONE,
        )
        page = client.get(detail(activity)).content.decode()
        for shown in [
            "Budgets councillors cannot ignore",
            "Women&#x27;s groups compare what worked.",
            "Field visits and sessions.",
            "4 March 2031",
            "5 March 2031",
            "Kampala, Uganda",
            'href="https://example.org/register"',
            "Everyone",
            reverse("pages:activity-ics", args=[activity.slug]),
        ]:
            assert shown in page, shown

    def test_the_needs_it_answers_are_anonymised(self, client):
        shared = KnowledgeNeedFactory(
            title="Consenting need title",
            description="Private description",
            consent_to_publish=True,
            contact_name="Amina Shown-Nowhere",
            organisation_name="Consenting Org",
        )
        private = [
            KnowledgeNeedFactory(
                title=f"Private need title {i}",
                contact_name="Zebulon Hidden",
                contact_email=f"zebulon{i}@private.example.org",
                organisation_name="Private Org",
                partnership_name="Hidden Partnership",
            )
            for i in range(2)
        ]
        activity = LearningActivityFactory(needs=[shared, *private])
        page = client.get(detail(activity)).content.decode()
        assert "Consenting need title" in page
        assert "2 needs from partnerships, not published at their submitters' wish." in page
        for secret in [
            "Private description",
            "Amina Shown-Nowhere",
            "Consenting Org",
            "Private need title",
            "Zebulon Hidden",
            "Private Org",
            "Hidden Partnership",
            shared.contact_email,
            *[need.contact_email for need in private],
        ]:
            assert secret not in page, secret

    def test_it_shows_published_products_and_co_creating_organisations(self, client):
        activity = LearningActivityFactory(
            products=[
                ProductFactory(title="Published toolkit"),
                ProductFactory(
                    title="Draft toolkit", status=KnowledgeProduct.Status.DRAFT, published_at=None
                ),
            ],
            organisations=[OrganisationFactory(name="Chenja Budget Collective")],
        )
        page = client.get(detail(activity)).content.decode()
        assert "Published toolkit" in page
        assert "Draft toolkit" not in page
        assert "Chenja Budget Collective" in page

    def test_a_cancelled_activity_says_so_and_offers_no_registration(self, client, today):
        activity = LearningActivityFactory(
            status=Status.CANCELLED, registration_url="https://example.org/register"
        )
        page = client.get(detail(activity)).content.decode()
        assert "This activity has been cancelled." in page
        assert ">Register<" not in page

    def test_an_undated_activity_is_not_found(self, client):
        activity = LearningActivityFactory(start_date=None, status=Status.PLANNED)
        assert client.get(detail(activity)).status_code == 404
        assert client.get(reverse("pages:activity-ics", args=[activity.slug])).status_code == 404

    def test_the_page_makes_the_same_queries_however_many_links(self, client, django_assert_num_queries):
        activity = LearningActivityFactory(
            themes=[ThemeFactory()],
            needs=[KnowledgeNeedFactory(consent_to_publish=True)],
            products=[ProductFactory()],
            organisations=[OrganisationFactory()],
        )
        # 1 the activity with its format, 2 its themes, 3 organisations with countries, 4 products with
        # their types, partnerships and countries (read in their rows), 5 the needs (titles only).
        with django_assert_num_queries(5):
            client.get(detail(activity))
        activity.themes.add(*[ThemeFactory() for _ in range(10)])
        activity.needs.add(*[KnowledgeNeedFactory(consent_to_publish=i % 2) for i in range(10)])
        activity.products.add(*[ProductFactory() for _ in range(10)])
        activity.organisations.add(*[OrganisationFactory() for _ in range(10)])
        with django_assert_num_queries(5):
            client.get(detail(activity))
