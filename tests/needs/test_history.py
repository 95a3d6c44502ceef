"""Who changed a need or a learning activity, what and when, with revert."""

import pytest
from django.urls import reverse

from needs import services
from needs.models import KnowledgeNeed
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    ProductFactory,
    ThemeFactory,
    curator,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeNeed.Status
NEED_ADMIN = "admin:needs_knowledgeneed"
ACTIVITY_ADMIN = "admin:needs_learningactivity"


def need_form(need, **overrides):
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
        "themes": [t.pk for t in need.themes.all()],
        **overrides,
    }


class TestNeedHistory:
    def test_a_submitted_need_is_one_entry_with_its_reference_and_themes(self):
        need = services.need_submit(
            organisation_name="Nyota Rights Collective",
            contact_name="Amina Okello",
            contact_email="amina@example.org",
            title="Budgets",
            description="How did others get budget lines adopted?",
            partnership_name="Open Budgets Coalition",
            themes=[ThemeFactory(name="Civic space")],
        )
        (entry,) = need.history.all()
        assert (entry.history_type, entry.reference) == ("+", need.reference)
        assert [row.theme.name for row in entry.themes.all()] == ["Civic space"]

    def test_a_need_made_elsewhere_keeps_its_reference_in_the_first_entry(self):
        need = KnowledgeNeedFactory()
        assert need.reference and need.history.earliest().reference == need.reference

    def test_an_edit_in_the_admin_is_recorded_with_its_author(self, client):
        editor = curator(username="vera")
        client.force_login(editor)
        need = KnowledgeNeedFactory(title="Budgets")
        response = client.post(
            reverse(f"{NEED_ADMIN}_change", args=[need.pk]), need_form(need, title="Budgets!")
        )
        assert response.status_code == 302
        latest = need.history.latest()
        assert (latest.title, latest.history_user) == ("Budgets!", editor)
        assert latest.diff_against(latest.prev_record).changed_fields == ["title"]

    def test_matching_a_product_is_one_entry_with_the_product_and_the_new_status(self):
        need = KnowledgeNeedFactory()
        product = ProductFactory(title="Score cards")
        before = need.history.count()
        services.need_match_product(need=need, product=product)
        assert need.history.count() == before + 1
        latest = need.history.latest()
        assert latest.status == Status.MATCHED
        assert [row.knowledgeproduct.title for row in latest.matched_products.all()] == ["Score cards"]

    def test_the_history_page_lists_the_changes(self, curator_client):
        need = KnowledgeNeedFactory(title="Budgets")
        need.title = "Budgets, refined"
        need.save()
        response = curator_client.get(reverse(f"{NEED_ADMIN}_history", args=[need.pk]))
        assert response.status_code == 200
        assert len(response.context["page_obj"]) == 2
        assert "Budgets, refined" in response.content.decode()

    def test_a_curator_reverts_a_need_to_an_earlier_version(self, curator_client):
        civic = ThemeFactory(name="Civic space")
        need = KnowledgeNeedFactory(title="Budgets", themes=[civic])
        first = need.history.latest()
        need.title = "Vandalised"
        need.save()
        need.themes.clear()

        url = reverse(f"{NEED_ADMIN}_simple_history", args=[need.pk, first.history_id])
        form = curator_client.get(url).context["adminform"].form
        response = curator_client.post(url, need_form(need, title=form.initial["title"], themes=[civic.pk]))
        assert response.status_code == 302
        need.refresh_from_db()
        assert need.title == "Budgets"
        assert list(need.themes.all()) == [civic]


class TestActivityHistory:
    def test_theme_changes_are_part_of_the_history(self):
        activity = LearningActivityFactory()
        activity.themes.add(ThemeFactory(name="Civic space"))
        assert [row.theme.name for row in activity.history.latest().themes.all()] == ["Civic space"]

    def test_the_history_page_shows_an_activitys_changes(self, curator_client):
        activity = LearningActivityFactory(title="Peer exchange")
        activity.title = "Peer exchange on budgets"
        activity.save()
        response = curator_client.get(reverse(f"{ACTIVITY_ADMIN}_history", args=[activity.pk]))
        assert response.status_code == 200
        assert len(response.context["page_obj"]) == 2

    def test_a_curator_reverts_an_activity(self, curator_client):
        activity = LearningActivityFactory(title="Peer exchange")
        first = activity.history.earliest()
        activity.title = "Vandalised"
        activity.save()
        url = reverse(f"{ACTIVITY_ADMIN}_simple_history", args=[activity.pk, first.history_id])
        form = curator_client.get(url).context["adminform"].form
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and not isinstance(value, list)
        }
        data.update(themes=[], organisations=[], needs=[], products=[])
        response = curator_client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        activity.refresh_from_db()
        assert activity.title == "Peer exchange"
