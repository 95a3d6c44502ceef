"""Curators plan learning activities in the admin: started from needs, and closing the needs they answered."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from needs.models import KnowledgeNeed, LearningActivity
from needs.services import WORKING_SUMMARY
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    ProductFactory,
    ThemeFactory,
    UserFactory,
    learning_format,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeNeed.Status
NEEDS = reverse("admin:needs_knowledgeneed_changelist")
ACTIVITIES = reverse("admin:needs_learningactivity_changelist")


def act(client, changelist, action, objects, follow=True):
    data = {"action": action, "_selected_action": [o.pk for o in objects]}
    return client.post(changelist, data, follow=follow)


class TestStartingAnActivityFromNeeds:
    def test_it_makes_a_planned_activity_with_their_themes_and_preferred_format(self, curator_client):
        civic, budgets = ThemeFactory(name="Civic space"), ThemeFactory(name="Local budgets")
        coaching, webinar = learning_format("coaching"), learning_format("webinar")
        needs = [
            KnowledgeNeedFactory(themes=[civic], learning_formats=[coaching, webinar]),
            KnowledgeNeedFactory(themes=[civic, budgets], learning_formats=[coaching]),
        ]
        KnowledgeNeedFactory(themes=[ThemeFactory()])  # not selected
        response = act(curator_client, NEEDS, "start_learning_activity", needs, follow=False)
        activity = LearningActivity.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:needs_learningactivity_change", args=[activity.pk])
        assert activity.status == LearningActivity.Status.PLANNED
        assert activity.start_date is None  # so not public until a curator gives it a date
        assert not LearningActivity.objects.public().exists()
        assert set(activity.needs.all()) == set(needs)
        assert set(activity.themes.all()) == {civic, budgets}
        assert activity.learning_format == coaching  # both needs ask for it
        assert activity.title == "Learning together on civic space"
        assert activity.summary == WORKING_SUMMARY
        page = curator_client.get(response["Location"]).content.decode()
        assert "Started the planned activity" in page

    def test_it_carries_the_products_matched_to_the_needs(self, curator_client):
        guide, toolkit, other = (
            ProductFactory(title=t) for t in ("Budget guide", "Hearings toolkit", "Other")
        )
        needs = [
            KnowledgeNeedFactory(status=Status.MATCHED, matched_products=[guide, toolkit]),
            KnowledgeNeedFactory(status=Status.MATCHED, matched_products=[guide]),
            KnowledgeNeedFactory(),
        ]
        KnowledgeNeedFactory(status=Status.MATCHED, matched_products=[other])  # not selected
        act(curator_client, NEEDS, "start_learning_activity", needs)
        activity = LearningActivity.objects.get()
        assert {product.title for product in activity.products.all()} == {"Budget guide", "Hearings toolkit"}

    def test_from_one_need_it_takes_the_need_s_title(self, curator_client):
        need = KnowledgeNeedFactory(title="Budget tracking by farmers")
        act(curator_client, NEEDS, "start_learning_activity", [need])
        activity = LearningActivity.objects.get()
        assert activity.title == "Budget tracking by farmers"
        assert activity.learning_format == learning_format("webinar")  # no preference: the first format

    def test_staff_who_may_not_add_activities_do_not_get_the_action(self, client):
        editor = UserFactory(is_staff=True)
        editor.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["view_knowledgeneed", "change_knowledgeneed", "review_knowledgeneed"]
            )
        )
        client.force_login(editor)
        need = KnowledgeNeedFactory()
        actions = [name for name, _ in client.get(NEEDS).context["action_form"].fields["action"].choices]
        assert "start_learning_activity" not in actions and "mark_in_review" in actions
        act(client, NEEDS, "start_learning_activity", [need])
        assert not LearningActivity.objects.exists()


class TestMarkingNeedsAddressed:
    def test_a_completed_activity_marks_its_open_needs_addressed_in_one_step(self, curator_client):
        needs = {
            status: KnowledgeNeedFactory(status=status, title=status, matched_products=[ProductFactory()])
            for status in Status.values
        }
        other = KnowledgeNeedFactory(title="Not linked")
        activity = LearningActivityFactory(status=LearningActivity.Status.COMPLETED, needs=needs.values())
        response = act(curator_client, ACTIVITIES, "mark_needs_addressed", [activity])
        assert f"“{activity.title}”: 3 need(s) now addressed." in response.content.decode()
        statuses = dict(KnowledgeNeed.objects.values_list("title", "status"))
        assert statuses == {
            "new": Status.ADDRESSED,
            "in-review": Status.ADDRESSED,
            "matched": Status.ADDRESSED,
            "addressed": Status.ADDRESSED,
            "closed": Status.CLOSED,  # a curator closed it: left as it is
            "Not linked": Status.NEW,
        }
        assert other.status == Status.NEW

    @pytest.mark.parametrize("status", ["planned", "open", "cancelled"])
    def test_an_activity_not_completed_marks_nothing(self, curator_client, status):
        need = KnowledgeNeedFactory()
        activity = LearningActivityFactory(status=status, needs=[need])
        response = act(curator_client, ACTIVITIES, "mark_needs_addressed", [activity])
        assert "only a completed activity has addressed its needs" in response.content.decode()
        need.refresh_from_db()
        assert need.status == Status.NEW


class TestTheActivityAdmin:
    def test_curators_edit_an_activity_with_autocomplete_for_its_links(self, curator_client):
        activity = LearningActivityFactory()
        page = curator_client.get(
            reverse("admin:needs_learningactivity_change", args=[activity.pk])
        ).content.decode()
        for field in ["themes", "organisations", "needs", "products"]:
            assert f'data-field-name="{field}"' in page, field
        assert activity.get_absolute_url() in page

    def test_the_list_takes_a_fixed_number_of_queries(self, curator_client, django_assert_max_num_queries):
        LearningActivityFactory.create_batch(25, needs=[KnowledgeNeedFactory()])
        with django_assert_max_num_queries(11):  # as with one activity: no query per row
            assert curator_client.get(ACTIVITIES).status_code == 200

    def test_a_need_s_page_links_to_the_activities_answering_it(self, curator_client):
        need = KnowledgeNeedFactory()
        activity = LearningActivityFactory(title="Peer exchange on budgets", needs=[need])
        page = curator_client.get(
            reverse("admin:needs_knowledgeneed_change", args=[need.pk])
        ).content.decode()
        assert reverse("admin:needs_learningactivity_change", args=[activity.pk]) in page
        assert "Peer exchange on budgets" in page
