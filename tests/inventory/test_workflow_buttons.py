"""The change form's own buttons, "Save and publish" and "Save and return to draft": what the curator typed is
saved with the move, in one transaction; publishing needs a complete record; then the next of the queue."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import Involvement, KnowledgeProduct, Organisation
from tests.factories import (
    OrganisationFactory,
    ProductFactory,
    StakeholderFactory,
    ThemeFactory,
    complete_product,
    reviewer,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


def nomination_url(product) -> str:
    return reverse("admin:inventory_nomination_change", args=[product.pk])


def nominated(days_ago: int, **kwargs) -> KnowledgeProduct:
    product = complete_product(status=Status.SUBMITTED, nominator_name="Grace Banda", **kwargs)
    KnowledgeProduct.objects.filter(pk=product.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return KnowledgeProduct.objects.get(pk=product.pk)


def typed(product, **overrides) -> dict:
    """The change form as the browser sends it, with what the curator typed over what was there."""
    values = {
        "title": product.title,
        "slug": product.slug,
        "product_type": product.product_type_id,
        "status": product.status,
        "summary": product.summary,
        "description": product.description,
        "why_valuable": product.why_valuable,
        "year": product.year or "",
        "url": product.url,
        "themes": [theme.pk for theme in product.themes.all()],
        "tags": ", ".join(product.tags.names()),
        "partnerships": [partnership.pk for partnership in product.partnerships.all()],
        "organisations": [organisation.pk for organisation in product.organisations.all()],
        "countries": [country.pk for country in product.countries.all()],
        "languages": [language.pk for language in product.languages.all()],
        "nominator_name": product.nominator_name,
        "nominator_email": product.nominator_email,
        "nominator_organisation": product.nominator_organisation,
        "nominated_partnership": product.nominated_partnership,
        "nominated_organisations": product.nominated_organisations,
        "nominated_stakeholders": product.nominated_stakeholders,
        "involvements-TOTAL_FORMS": "0",
        "involvements-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "licence": "unknown",
        "involvements-MIN_NUM_FORMS": "0",
        "involvements-MAX_NUM_FORMS": "1000",
    }
    return {**values, **overrides}


class TestEveryEditIsSavedWithTheMove:
    @pytest.mark.parametrize(
        ("button", "status"), [("_publish", Status.PUBLISHED), ("_return_to_draft", Status.DRAFT)]
    )
    def test_every_field_typed_before_the_button_is_saved_with_the_move(self, curator_client, button, status):
        product = nominated(days_ago=3)
        theme = ThemeFactory(name="Civic space")
        organisation = OrganisationFactory(name="Sahel Women Network")
        stakeholder = StakeholderFactory(name="District council")
        edits = typed(
            product,
            title="Score cards, edited",
            summary="A new summary.",
            description="A longer description.",
            why_valuable="What others reuse.",
            year="2018",
            url="https://example.org/edited",
            themes=[theme.pk],
            tags="budgets, gender",
            organisations=[organisation.pk],
            countries=["UG", "TZ"],
            languages=["fr"],
            nominated_stakeholders="Typed again",
            **{
                "involvements-TOTAL_FORMS": "1",
                "involvements-0-stakeholder": stakeholder.pk,
                "involvements-0-role": Involvement.Role.USER,
            },
        )
        response = curator_client.post(nomination_url(product), {**edits, button: "1"})
        assert response.status_code == 302, response.context["adminform"].form.errors

        product.refresh_from_db()
        assert product.status == status
        assert (product.title, product.summary, product.description, product.why_valuable) == (
            "Score cards, edited",
            "A new summary.",
            "A longer description.",
            "What others reuse.",
        )
        assert (product.year, product.url, product.nominated_stakeholders) == (
            2018,
            "https://example.org/edited",
            "Typed again",
        )
        assert [t.name for t in product.themes.all()] == ["Civic space"]
        assert sorted(product.tags.names()) == ["budgets", "gender"]
        assert [o.name for o in product.organisations.all()] == ["Sahel Women Network"]
        assert sorted(c.code for c in product.countries.all()) == ["TZ", "UG"]
        assert [language.code for language in product.languages.all()] == ["fr"]
        assert [(i.stakeholder.name, i.role) for i in product.involvements.all()] == [
            ("District council", "user")
        ]
        # The history names who did it: the edits and the move are one change of theirs.
        assert product.history.filter(title="Score cards, edited", status=status).exists()

    def test_a_refused_publication_saves_nothing_and_keeps_what_was_typed_in_the_form(self, curator_client):
        product = nominated(days_ago=3)
        edits = typed(product, title="Edited title", organisations=[], languages=[])
        response = curator_client.post(nomination_url(product), {**edits, "_publish": "1"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "It cannot be published yet: it needs an organisation, a language." in page
        assert 'value="Edited title"' in page
        product.refresh_from_db()
        assert (product.status, product.title) == (Status.SUBMITTED, product.title)
        assert product.title != "Edited title"

    def test_an_incomplete_nomination_names_everything_it_lacks(self, curator_client):
        product = ProductFactory(status=Status.SUBMITTED, published_at=None, year=None)
        response = curator_client.post(nomination_url(product), {**typed(product), "_publish": "1"})
        form = response.context["adminform"].form
        assert form.non_field_errors() == [
            "It cannot be published yet: it needs a year, an organisation, a theme, a country, a language, "
            "a link or a file."
        ]
        for field in ["year", "organisations", "themes", "countries", "languages", "url"]:
            assert form.errors[field] == ["Needed to publish."]

    def test_choosing_published_in_the_status_field_asks_for_the_same(self, curator_client):
        product = ProductFactory(status=Status.DRAFT, published_at=None)
        response = curator_client.post(
            reverse("admin:inventory_knowledgeproduct_change", args=[product.pk]),
            typed(product, status=Status.PUBLISHED),
        )
        assert response.status_code == 200
        assert "It cannot be published yet" in response.content.decode()
        product.refresh_from_db()
        assert product.status == Status.DRAFT

    def test_the_publish_action_of_the_list_refuses_an_incomplete_product_and_says_why(self, curator_client):
        product = ProductFactory(title="Half done", status=Status.SUBMITTED, published_at=None)
        response = curator_client.post(
            reverse("admin:inventory_nomination_changelist"),
            {"action": "publish", "_selected_action": [product.pk]},
            follow=True,
        )
        assert "“Half done” cannot be published yet: it needs an organisation" in response.content.decode()
        product.refresh_from_db()
        assert product.status == Status.SUBMITTED


class TestTheNextOfTheQueue:
    def test_after_publishing_the_curator_lands_on_the_next_nomination(self, curator_client):
        oldest, middle, newest = nominated(9, title="Oldest"), nominated(5, title="Middle"), nominated(1)
        response = curator_client.post(nomination_url(middle), {**typed(middle), "_publish": "1"})
        assert response["Location"] == nomination_url(newest)
        response = curator_client.post(nomination_url(newest), {**typed(newest), "_publish": "1"})
        assert response["Location"] == nomination_url(oldest), "after the last, the first still waiting"

    def test_after_the_last_nomination_the_curator_lands_on_the_empty_queue(self, curator_client):
        last = nominated(2)
        response = curator_client.post(nomination_url(last), {**typed(last), "_publish": "1"}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("admin:inventory_nomination_changelist")
        assert f"“{last.title}” saved and now published." in response.content.decode()

    def test_the_list_filters_the_curator_came_with_are_kept(self, curator_client):
        first, second = nominated(3), nominated(2)
        filters = "_changelist_filters=q%3Dscore"
        response = curator_client.post(
            f"{nomination_url(first)}?{filters}", {**typed(first), "_publish": "1"}
        )
        assert response["Location"] == f"{nomination_url(second)}?{filters}"


class TestTheButtons:
    def test_they_sit_in_the_row_of_buttons_after_save_styled_as_the_admins(self, curator_client):
        product = nominated(1)
        page = curator_client.get(nomination_url(product)).content.decode()
        assert (
            page.index('name="_save"') < page.index('name="_publish"') < page.index('name="_return_to_draft"')
        )
        assert '<input type="submit" value="Save and publish" name="_publish"' in page
        assert "review-form" not in page, "no separate form that drops what was typed"

    def test_a_published_product_offers_return_to_draft_only(self, curator_client):
        product = complete_product(status=Status.PUBLISHED, published_at=timezone.now())
        page = curator_client.get(
            reverse("admin:inventory_knowledgeproduct_change", args=[product.pk])
        ).content.decode()
        assert 'name="_return_to_draft"' in page and 'name="_publish"' not in page

    def test_a_reviewer_keeps_the_review_buttons_styled_and_cannot_post_the_form(self, client):
        client.force_login(reviewer())
        product = nominated(1)
        url = reverse("admin:inventory_knowledgeproduct_change", args=[product.pk])
        page = client.get(url).content.decode()
        assert 'class="button default"' in page and 'name="_publish"' not in page
        assert client.post(url, {**typed(product, title="No"), "_publish": "1"}).status_code == 403
        product.refresh_from_db()
        assert product.status == Status.SUBMITTED


class TestTypedOrganisations:
    def test_each_typed_name_is_offered_its_closest_organisations(self, curator_client):
        delta = OrganisationFactory(name="Delta Rights Foundation")
        OrganisationFactory(name="Unrelated Trust")
        product = nominated(1, nominated_organisations="Delta Rights\nSahel Women")
        page = curator_client.get(nomination_url(product)).content.decode()
        assert "Organisations the nominator typed" in page
        assert f'name="_link_organisation" value="{delta.pk}"' in page
        assert 'name="_create_organisation" value="Sahel Women"' in page
        assert "Unrelated Trust" not in page

    def test_linking_one_saves_what_was_typed_too(self, curator_client):
        delta = OrganisationFactory(name="Delta Rights Foundation")
        product = nominated(1, nominated_organisations="Delta Rights")
        edits = typed(product, title="Edited before linking")
        response = curator_client.post(nomination_url(product), {**edits, "_link_organisation": delta.pk})
        assert response["Location"] == nomination_url(product)
        product.refresh_from_db()
        assert product.title == "Edited before linking"
        assert delta in product.organisations.all()
        assert product.status == Status.SUBMITTED

    def test_a_name_not_in_the_inventory_becomes_an_organisation_once(self, curator_client):
        product = nominated(1, nominated_organisations="Sahel Women")
        for _ in range(2):
            curator_client.post(
                nomination_url(product), {**typed(product), "_create_organisation": "Sahel Women"}
            )
        assert Organisation.objects.filter(name="Sahel Women").count() == 1
        assert product.organisations.filter(name="Sahel Women").exists()
        page = curator_client.get(nomination_url(product)).content.decode()
        assert "Linked: Sahel Women" in page


def test_the_change_form_reads_a_fixed_number_of_queries_however_many_organisations(
    curator_client, django_assert_max_num_queries
):
    product = nominated(1, nominated_organisations="\n".join(f"Typed {n}" for n in range(20)))
    OrganisationFactory.create_batch(50)
    url = nomination_url(product)
    curator_client.get(url)
    with django_assert_max_num_queries(60) as few:
        curator_client.get(url)
    OrganisationFactory.create_batch(50)
    with django_assert_max_num_queries(len(few.captured_queries)):
        curator_client.get(url)


class TestBadButtonValuesSayWhyAndKeepTheEdits:
    @pytest.mark.parametrize("value", ["", "abc", "999999", "99999999999999999999999"])
    def test_an_organisation_that_is_no_id_or_gone(self, curator_client, value):
        product = nominated(1, nominated_organisations="Delta Rights")
        edits = typed(product, title="Edited anyway")
        response = curator_client.post(
            nomination_url(product), {**edits, "_link_organisation": value}, follow=True
        )
        assert (
            "Saved, but no organisation linked: That organisation no longer exists."
            in response.content.decode()
        )
        product.refresh_from_db()
        assert product.title == "Edited anyway"

    @pytest.mark.parametrize(
        ("name", "reason"),
        [
            ("   ", "Give the organisation a name."),
            ("x" * 300, "Ensure this value has at most 200 characters"),
        ],
    )
    def test_a_new_organisation_without_a_fitting_name(self, curator_client, name, reason):
        product = nominated(1, nominated_organisations="Delta Rights")
        response = curator_client.post(
            nomination_url(product), {**typed(product), "_create_organisation": name}, follow=True
        )
        assert response.status_code == 200
        assert reason in response.content.decode()
        assert not product.organisations.filter(name__startswith="xxx").exists()
