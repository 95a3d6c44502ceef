"""Reviewers see the nominations and publish or return them; they change nothing else."""

import pytest
from django.urls import reverse

from inventory.models import KnowledgeProduct
from tests.factories import ProductFactory, ThemeFactory, complete_product, reviewer

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status
PRODUCT_ADMIN = "admin:inventory_knowledgeproduct"


@pytest.fixture
def reviewer_client(client):
    client.force_login(reviewer())
    return client


@pytest.fixture
def nomination():
    return complete_product(
        title="Community score cards",
        summary="Nominated by a partner.",
        status=Status.SUBMITTED,
        nominator_name="Amina",
        nominator_email="amina@example.org",
    )


def change_form(product, **overrides):
    """Every field of the product's change form, as a browser would post it."""
    return {
        "title": product.title,
        "slug": product.slug,
        "product_type": product.product_type_id,
        "status": product.status,
        "summary": product.summary,
        "involvements-TOTAL_FORMS": "0",
        "involvements-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "licence": "unknown",
        **overrides,
    }


class TestWhatAReviewerSees:
    def test_a_reviewer_sees_the_nominations_and_nothing_else(self, reviewer_client, nomination):
        ProductFactory(title="Published guide")
        ProductFactory(title="Unfinished draft", status=Status.DRAFT, published_at=None)
        response = reviewer_client.get(reverse(f"{PRODUCT_ADMIN}_changelist"))
        assert [p.title for p in response.context["cl"].result_list] == ["Community score cards"]

    def test_a_reviewer_reads_a_nomination_with_the_nominators_details(self, reviewer_client, nomination):
        response = reviewer_client.get(reverse(f"{PRODUCT_ADMIN}_change", args=[nomination.pk]))
        assert response.status_code == 200
        content = response.content.decode()
        assert "amina@example.org" in content
        assert 'name="title"' not in content  # Read only: no input to type into.

    @pytest.mark.parametrize("model", ["theme", "organisation", "partnership", "programme"])
    def test_a_reviewer_has_no_other_inventory_list(self, reviewer_client, model):
        assert reviewer_client.get(reverse(f"admin:inventory_{model}_changelist")).status_code == 403

    def test_a_reviewer_cannot_import_export_or_add(self, reviewer_client):
        assert reviewer_client.get(reverse(f"{PRODUCT_ADMIN}_import")).status_code == 403
        assert reviewer_client.get(reverse(f"{PRODUCT_ADMIN}_export")).status_code == 403
        assert reviewer_client.get(reverse(f"{PRODUCT_ADMIN}_add")).status_code == 403

    def test_a_reviewer_is_offered_only_the_review_actions(self, reviewer_client, nomination):
        response = reviewer_client.get(reverse(f"{PRODUCT_ADMIN}_changelist"))
        actions = {name for name, _ in response.context["action_form"].fields["action"].choices if name}
        assert actions == {"publish", "return_to_draft"}


class TestAReviewerCannotEdit:
    def test_posting_the_change_form_is_refused_and_changes_nothing(self, reviewer_client, nomination):
        url = reverse(f"{PRODUCT_ADMIN}_change", args=[nomination.pk])
        response = reviewer_client.post(
            url, change_form(nomination, title="Edited by a reviewer", summary="No.")
        )
        assert response.status_code == 403
        nomination.refresh_from_db()
        assert (nomination.title, nomination.summary) == ("Community score cards", "Nominated by a partner.")

    def test_bulk_editing_actions_are_refused(self, reviewer_client, nomination):
        theme = ThemeFactory()
        response = reviewer_client.post(
            reverse(f"{PRODUCT_ADMIN}_changelist"),
            {"action": "add_theme", "_selected_action": [nomination.pk], "theme": theme.pk, "apply": "1"},
        )
        assert response.status_code == 302  # Back to the list: Django knows no such action for them.
        assert theme not in nomination.themes.all()

    def test_a_reviewer_cannot_archive_or_feature(self, reviewer_client):
        product = ProductFactory(title="Published guide")
        for action in ("archive", "mark_featured"):
            reviewer_client.post(
                reverse(f"{PRODUCT_ADMIN}_changelist"), {"action": action, "_selected_action": [product.pk]}
            )
        product.refresh_from_db()
        assert (product.status, product.featured) == (Status.PUBLISHED, False)

    def test_a_reviewer_cannot_revert_to_an_older_version(self, reviewer_client, nomination):
        nomination.title = "Renamed"
        nomination.save()
        first = nomination.history.earliest()
        url = reverse(f"{PRODUCT_ADMIN}_simple_history", args=[nomination.pk, first.history_id])
        response = reviewer_client.post(url, change_form(nomination, title="Community score cards"))
        assert response.status_code == 403
        nomination.refresh_from_db()
        assert nomination.title == "Renamed"


class TestAReviewerChangesTheStatus:
    def test_the_publish_action_publishes_a_nomination(self, reviewer_client, nomination):
        response = reviewer_client.post(
            reverse(f"{PRODUCT_ADMIN}_changelist"),
            {"action": "publish", "_selected_action": [nomination.pk]},
            follow=True,
        )
        assert "1 product(s) now published." in response.content.decode()
        nomination.refresh_from_db()
        assert nomination.status == Status.PUBLISHED and nomination.published_at is not None

    def test_the_buttons_on_the_nomination_return_it_to_draft(self, reviewer_client, nomination):
        page = reviewer_client.get(reverse(f"{PRODUCT_ADMIN}_change", args=[nomination.pk])).content.decode()
        review_url = reverse(f"{PRODUCT_ADMIN}_review", args=[nomination.pk])
        assert f'action="{review_url}"' in page
        waiting = complete_product(title="Waiting next", status=Status.SUBMITTED)
        response = reviewer_client.post(review_url, {"status": Status.DRAFT})
        assert response["Location"] == reverse(f"{PRODUCT_ADMIN}_change", args=[waiting.pk])
        nomination.refresh_from_db()
        assert nomination.status == Status.DRAFT

    def test_the_review_buttons_refuse_other_moves(self, reviewer_client, nomination):
        review_url = reverse(f"{PRODUCT_ADMIN}_review", args=[nomination.pk])
        assert reviewer_client.post(review_url, {"status": Status.ARCHIVED}).status_code == 403
        nomination.refresh_from_db()
        assert nomination.status == Status.SUBMITTED

    def test_the_history_records_which_reviewer_published(self, client, nomination):
        user = reviewer(username="rosa")
        client.force_login(user)
        client.post(
            reverse(f"{PRODUCT_ADMIN}_changelist"), {"action": "publish", "_selected_action": [nomination.pk]}
        )
        assert nomination.history.latest().history_user == user


def test_staff_without_a_role_cannot_use_the_review_buttons(client, nomination):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse(f"{PRODUCT_ADMIN}_review", args=[nomination.pk]), {"status": Status.PUBLISHED}
    )
    assert response.status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED
