"""Who changed what and when, on products, partnerships and organisations, with revert."""

import pytest
from django.urls import reverse

from search.fulltext import update_search_vectors
from tests.factories import OrganisationFactory, PartnershipFactory, ProductFactory, ThemeFactory, curator

pytestmark = pytest.mark.django_db
PRODUCT_ADMIN = "admin:inventory_knowledgeproduct"


def edit_form(product, **overrides):
    return {
        "title": product.title,
        "slug": product.slug,
        "product_type": product.product_type_id,
        "status": product.status,
        "summary": product.summary,
        "year": product.year,
        "themes": [t.pk for t in product.themes.all()],
        "involvements-TOTAL_FORMS": "0",
        "involvements-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "licence": "unknown",
        **overrides,
    }


class TestProductHistory:
    def test_an_edit_in_the_admin_is_recorded_with_its_author(self, client):
        editor = curator(username="vera")
        client.force_login(editor)
        product = ProductFactory(title="Score cards")
        response = client.post(
            reverse(f"{PRODUCT_ADMIN}_change", args=[product.pk]),
            edit_form(product, title="Score cards, 2nd ed."),
        )
        assert response.status_code == 302
        latest = product.history.latest()
        assert (latest.title, latest.history_user) == ("Score cards, 2nd ed.", editor)
        assert latest.diff_against(latest.prev_record).changed_fields == ["title"]

    def test_the_history_page_lists_the_changes(self, curator_client):
        product = ProductFactory(title="Score cards")
        product.title = "Score cards, 2nd ed."
        product.save()
        response = curator_client.get(reverse(f"{PRODUCT_ADMIN}_history", args=[product.pk]))
        assert response.status_code == 200
        assert len(response.context["page_obj"]) == 2
        assert "Score cards, 2nd ed." in response.content.decode()

    def test_a_curator_reverts_a_product_to_an_earlier_version(self, curator_client):
        civic = ThemeFactory(name="Civic space")
        product = ProductFactory(title="Score cards", themes=[civic])
        first = product.history.earliest()
        product.title = "Vandalised"
        product.save()
        product.themes.clear()

        url = reverse(f"{PRODUCT_ADMIN}_simple_history", args=[product.pk, first.history_id])
        form = curator_client.get(url).context["adminform"].form
        response = curator_client.post(
            url, edit_form(product, title=form.initial["title"], themes=[civic.pk])
        )
        assert response.status_code == 302
        product.refresh_from_db()
        assert product.title == "Score cards"
        assert list(product.themes.all()) == [civic]

    def test_theme_changes_are_part_of_the_history(self):
        product = ProductFactory()
        product.themes.add(ThemeFactory(name="Civic space"))
        latest = product.history.latest()
        assert [row.theme.name for row in latest.themes.all()] == ["Civic space"]

    def test_recomputing_the_search_vector_adds_nothing_to_the_history(self):
        product = ProductFactory()
        entries = product.history.count()
        update_search_vectors([product.pk])
        update_search_vectors()
        assert product.history.count() == entries


@pytest.mark.parametrize("model", ["organisation", "partnership"])
def test_organisations_and_partnerships_have_a_history_page(curator_client, model):
    record = OrganisationFactory() if model == "organisation" else PartnershipFactory()
    record.name = "Renamed"
    record.save()
    assert record.history.count() == 2
    response = curator_client.get(reverse(f"admin:inventory_{model}_history", args=[record.pk]))
    assert response.status_code == 200
