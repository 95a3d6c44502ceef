"""Reviewers see the needs and change their status; they edit no need and touch no learning activity."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from needs.models import KnowledgeNeed, LearningActivity
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    ProductFactory,
    UserFactory,
    curator,
    learning_format,
    reviewer,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeNeed.Status
NEED_ADMIN = "admin:needs_knowledgeneed"
ACTIVITY_ADMIN = "admin:needs_learningactivity"
STATUS_ACTIONS = {"mark_in_review", "mark_matched", "mark_addressed", "mark_closed"}


@pytest.fixture
def reviewer_client(client):
    client.force_login(reviewer())
    return client


@pytest.fixture
def need():
    return KnowledgeNeedFactory(
        title="Budgets for women-led groups",
        description="How did others get budget lines adopted?",
        contact_email="amina@example.org",
    )


def change_form(need, **overrides):
    """Every field of the need's change form, as a browser would post it."""
    return {
        "status": need.status,
        "title": need.title,
        "description": need.description,
        "urgency": need.urgency,
        "partnership_name": need.partnership_name,
        "organisation_name": need.organisation_name,
        "contact_name": need.contact_name,
        "contact_email": need.contact_email,
        "curator_notes": need.curator_notes,
        **overrides,
    }


def offered_actions(client) -> set[str]:
    response = client.get(reverse(f"{NEED_ADMIN}_changelist"))
    return {name for name, _ in response.context["action_form"].fields["action"].choices if name}


def act(client, action, needs):
    data = {"action": action, "_selected_action": [n.pk for n in needs]}
    return client.post(reverse(f"{NEED_ADMIN}_changelist"), data, follow=True)


def test_the_reviewers_group_may_view_and_review_needs_and_nothing_else_in_the_needs_app():
    group = Group.objects.get(name="Reviewers")
    codenames = set(
        group.permissions.filter(content_type__app_label="needs").values_list("codename", flat=True)
    )
    assert codenames == {"view_knowledgeneed", "review_knowledgeneed"}


class TestWhatAReviewerSees:
    def test_a_reviewer_sees_every_need(self, reviewer_client, need):
        KnowledgeNeedFactory(title="Closed one", status=Status.CLOSED)
        response = reviewer_client.get(reverse(f"{NEED_ADMIN}_changelist"))
        assert {n.title for n in response.context["cl"].result_list} == {need.title, "Closed one"}

    def test_a_reviewer_reads_a_need_without_a_field_to_type_into(self, reviewer_client, need):
        response = reviewer_client.get(reverse(f"{NEED_ADMIN}_change", args=[need.pk]))
        assert response.status_code == 200
        content = response.content.decode()
        assert "amina@example.org" in content
        assert 'name="title"' not in content and 'name="_save"' not in content
        assert "Match</button>" not in content

    def test_a_reviewer_is_offered_only_the_status_actions(self, reviewer_client, need):
        assert offered_actions(reviewer_client) == STATUS_ACTIONS


class TestAReviewerChangesTheStatus:
    def test_the_action_moves_a_need_into_review_and_the_history_names_the_reviewer(self, client, need):
        user = reviewer(username="rosa")
        client.force_login(user)
        response = act(client, "mark_in_review", [need])
        assert "1 need(s) now in review." in response.content.decode()
        need.refresh_from_db()
        assert need.status == Status.IN_REVIEW
        assert need.history.latest().history_user == user

    def test_a_reviewer_closes_a_need(self, reviewer_client, need):
        act(reviewer_client, "mark_closed", [need])
        need.refresh_from_db()
        assert need.status == Status.CLOSED

    def test_staff_without_a_role_cannot_run_the_status_actions(self, client, need):
        client.force_login(UserFactory(is_staff=True))
        act(client, "mark_closed", [need])
        need.refresh_from_db()
        assert need.status == Status.NEW


class TestAReviewerCannotEdit:
    def test_posting_the_change_form_is_refused_and_changes_nothing(self, reviewer_client, need):
        response = reviewer_client.post(
            reverse(f"{NEED_ADMIN}_change", args=[need.pk]),
            change_form(need, title="Edited by a reviewer", status=Status.CLOSED),
        )
        assert response.status_code == 403
        need.refresh_from_db()
        assert (need.title, need.status) == ("Budgets for women-led groups", Status.NEW)

    def test_a_reviewer_cannot_match_a_product(self, reviewer_client, need):
        product = ProductFactory()
        response = reviewer_client.post(
            reverse(f"{NEED_ADMIN}_match", args=[need.pk]), {"product": product.pk}
        )
        assert response.status_code == 403
        assert not need.matched_products.exists()

    def test_a_reviewer_cannot_add_delete_or_start_an_activity(self, reviewer_client, need):
        assert reviewer_client.get(reverse(f"{NEED_ADMIN}_add")).status_code == 403
        assert reviewer_client.post(reverse(f"{NEED_ADMIN}_delete", args=[need.pk])).status_code == 403
        act(reviewer_client, "start_learning_activity", [need])
        assert not need.learning_activities.exists()
        assert KnowledgeNeed.objects.filter(pk=need.pk).exists()

    def test_a_reviewer_cannot_revert_a_need_to_an_older_version(self, reviewer_client, need):
        need.title = "Renamed"
        need.save()
        first = need.history.earliest()
        url = reverse(f"{NEED_ADMIN}_simple_history", args=[need.pk, first.history_id])
        response = reviewer_client.post(url, change_form(need, title="Budgets for women-led groups"))
        assert response.status_code == 403
        need.refresh_from_db()
        assert need.title == "Renamed"


class TestAReviewerHasNoActivities:
    def test_the_activity_list_is_refused(self, reviewer_client):
        LearningActivityFactory()
        assert reviewer_client.get(reverse(f"{ACTIVITY_ADMIN}_changelist")).status_code == 403

    def test_adding_an_activity_is_refused(self, reviewer_client):
        data = {"title": "Sneaked in", "summary": "No.", "learning_format": learning_format("webinar").pk}
        assert reviewer_client.get(reverse(f"{ACTIVITY_ADMIN}_add")).status_code == 403
        assert reviewer_client.post(reverse(f"{ACTIVITY_ADMIN}_add"), data).status_code == 403
        assert not LearningActivity.objects.filter(title="Sneaked in").exists()

    def test_changing_an_activity_is_refused(self, reviewer_client):
        activity = LearningActivityFactory(title="Peer exchange")
        url = reverse(f"{ACTIVITY_ADMIN}_change", args=[activity.pk])
        assert reviewer_client.get(url).status_code == 403
        assert reviewer_client.post(url, {"title": "Edited", "summary": "No."}).status_code == 403
        activity.refresh_from_db()
        assert activity.title == "Peer exchange"


class TestCuratorsStillDoEverything:
    def test_a_curator_is_offered_every_action(self, client, need):
        client.force_login(curator())
        others = {"start_learning_activity", "export_admin_action", "delete_selected"}
        assert offered_actions(client) == STATUS_ACTIONS | others

    def test_a_curator_edits_a_need(self, curator_client, need):
        response = curator_client.post(
            reverse(f"{NEED_ADMIN}_change", args=[need.pk]), change_form(need, title="Budgets, refined")
        )
        assert response.status_code == 302
        need.refresh_from_db()
        assert need.title == "Budgets, refined"

    def test_a_curator_opens_and_adds_activities(self, curator_client):
        assert curator_client.get(reverse(f"{ACTIVITY_ADMIN}_changelist")).status_code == 200
        assert curator_client.get(reverse(f"{ACTIVITY_ADMIN}_add")).status_code == 200
