"""The admin's home is the work queue: what waits, how long the oldest has waited, a link to each list,
and the latest changes; every app has a heading in the admin's language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import KnowledgeProduct, LinkCheck
from needs.models import KnowledgeNeed, LearningActivity
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    ProductFactory,
    UserFactory,
    reviewer,
)

pytestmark = pytest.mark.django_db
HOME = reverse("admin:index")


def aged(model, row, days: int):
    model.objects.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))


@pytest.fixture
def waiting():
    for days in (9, 2, 1):
        aged(KnowledgeNeed, KnowledgeNeedFactory(), days)
    aged(KnowledgeNeed, KnowledgeNeedFactory(status=KnowledgeNeed.Status.IN_REVIEW), 4)
    for days in (9, 3):
        product = ProductFactory(status=KnowledgeProduct.Status.SUBMITTED, published_at=None, url="x")
        aged(KnowledgeProduct, product, days)
    LearningActivityFactory(start_date=None, status=LearningActivity.Status.PLANNED)
    LearningActivityFactory(start_date=None, status=LearningActivity.Status.CANCELLED)
    ProductFactory(url="https://example.org/fine")
    ProductFactory(url="")  # Published with nothing to open.
    gone = ProductFactory(url="https://example.org/gone")
    LinkCheck.objects.create(
        product=gone,
        checked_at=timezone.now(),
        url=gone.url,
        problem="The page is gone (404).",
        broken_since=timezone.now() - datetime.timedelta(days=5),
    )


def queue(response) -> dict:
    return {row.label: (row.count, row.days, row.url) for row in response.context["work_queue"]}


def test_the_home_counts_each_queue_with_the_age_of_its_oldest(curator_client, waiting):
    response = curator_client.get(HOME)
    rows = queue(response)
    assert rows["New knowledge needs"][:2] == (3, 9)
    assert rows["Knowledge needs in review"][:2] == (1, 4)
    assert rows["Nominations to review"][:2] == (2, 9)
    assert rows["Learning activities without a date"][:2] == (1, 0)
    assert rows["Published products without a link or a file"][0] == 1
    assert rows["Published products whose link or file is broken"][:2] == (1, 5)
    page = response.content.decode()
    assert "What waits" in page and "9 days" in page


def test_each_queue_links_to_the_list_of_just_those(curator_client, waiting):
    expected = {
        "New knowledge needs": 3,
        "New knowledge needs the catalogue may already answer": 0,
        "Knowledge needs in review": 1,
        "Nominations to review": 2,
        "Learning activities without a date": 1,
        "Published products without a link or a file": 1,
        "Published products whose link or file is broken": 1,
    }
    for label, (count, _days, url) in queue(curator_client.get(HOME)).items():
        response = curator_client.get(url)
        assert response.status_code == 200, url
        assert response.context["cl"].result_count == count == expected[label], label


def test_the_latest_changes_come_from_the_history_newest_first(curator_client):
    first = ProductFactory(title="Older guide")
    KnowledgeNeedFactory(title="Newest need")
    changes = curator_client.get(HOME).context["latest_changes"]
    assert changes[0].name.endswith("Newest need")
    assert [change.name for change in changes].index("Older guide") > 0
    assert changes[-1].url == reverse("admin:inventory_knowledgeproduct_history", args=[first.pk])


def test_every_app_has_a_translated_heading_and_none_shouts_taggit(curator_client):
    page = curator_client.get(HOME).content.decode()
    assert "Taggit" not in page and "TAGGIT" not in page
    names = {app["name"] for app in curator_client.get(HOME).context["app_list"]}
    assert {"Catalogue", "Needs and learning", "Tags"} <= names


def test_a_reviewer_sees_the_queues_they_work_on_only(client, waiting):
    client.force_login(reviewer())
    rows = queue(client.get(HOME))
    assert set(rows) == {
        "New knowledge needs",
        "New knowledge needs the catalogue may already answer",
        "Knowledge needs in review",
        "Nominations to review",
    }


def test_staff_without_a_role_see_no_queue(client, waiting):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(HOME)
    assert response.status_code == 200 and queue(response) == {}
    assert response.context["latest_changes"] == []


def test_the_home_reads_the_same_number_of_queries_however_much_waits(
    curator_client, django_assert_max_num_queries
):
    KnowledgeNeedFactory.create_batch(3)
    curator_client.get(HOME)
    with django_assert_max_num_queries(40) as few:
        curator_client.get(HOME)
    KnowledgeNeedFactory.create_batch(30)
    ProductFactory.create_batch(30, status=KnowledgeProduct.Status.SUBMITTED, published_at=None)
    LearningActivityFactory.create_batch(10, start_date=None, status=LearningActivity.Status.PLANNED)
    # Session and user, five queues, five histories: none of them per row.
    with django_assert_max_num_queries(len(few.captured_queries)):
        curator_client.get(HOME)


def test_new_needs_the_catalogue_may_answer_are_counted_once_a_job_has_ranked_them(
    curator_client, django_capture_on_commit_callbacks
):
    from needs import services

    ProductFactory(title="Budget tracking guide", summary="Tracking district budgets with citizens.")
    submit = {"organisation_name": "Forum", "contact_name": "Amina", "contact_email": "a@example.org"}
    submit["partnership_name"] = "Open Budgets Coalition"
    with django_capture_on_commit_callbacks(execute=True):  # The job runs once the need is committed.
        answered = services.need_submit(
            **submit, title="Budget tracking", description="How do we track district budgets?"
        )
        services.need_submit(**submit, title="Radio drama", description="Making radio plays on land rights.")
    rows = queue(curator_client.get(HOME))
    count, _days, url = rows["New knowledge needs the catalogue may already answer"]
    assert count == 1
    listed = curator_client.get(url).context["cl"].result_list
    assert [need.pk for need in listed] == [answered.pk]
    none_found = curator_client.get(reverse("admin:needs_knowledgeneed_changelist") + "?suggestions=none")
    assert [need.title for need in none_found.context["cl"].result_list] == ["Radio drama"]


def test_dismissing_the_only_suggestion_takes_the_need_out_of_that_queue(
    curator_client, django_capture_on_commit_callbacks
):
    from needs import services

    product = ProductFactory(title="Budget tracking guide", summary="Tracking district budgets.")
    with django_capture_on_commit_callbacks(execute=True):
        need = services.need_submit(
            organisation_name="Forum",
            contact_name="Amina",
            contact_email="amina@example.org",
            partnership_name="Open Budgets Coalition",
            title="Budget tracking",
            description="Tracking district budgets.",
        )
    assert queue(curator_client.get(HOME))["New knowledge needs the catalogue may already answer"][0] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.need_dismiss_product(need=need, product=product)
    assert queue(curator_client.get(HOME))["New knowledge needs the catalogue may already answer"][0] == 0
