"""On a need's admin page, curators see the products that may answer it and match one with one click."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed, SuggestionDecision
from tests.factories import (
    KnowledgeNeedFactory,
    PartnershipFactory,
    ProductFactory,
    ThemeFactory,
    UserFactory,
    curator,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeNeed.Status


def change_page(need) -> str:
    return reverse("admin:needs_knowledgeneed_change", args=[need.pk])


def match_url(need) -> str:
    return reverse("admin:needs_knowledgeneed_match", args=[need.pk])


@pytest.fixture
def need_and_products():
    theme = ThemeFactory(name="Local budgets")
    need = KnowledgeNeedFactory(
        title="Budget tracking", description="Tracking district budgets.", themes=[theme]
    )
    best = ProductFactory(title="Budget tracking guide", summary="District budgets.", themes=[theme])
    other = ProductFactory(title="Score cards", themes=[theme])
    ProductFactory(title="Draft budget toolkit", status=KnowledgeProduct.Status.DRAFT, published_at=None)
    ProductFactory(title="Forest mapping")
    return need, best, other


def test_the_change_page_lists_suggested_products_best_first_each_with_a_match_button(
    curator_client, need_and_products
):
    need, best, other = need_and_products
    response = curator_client.get(change_page(need))
    assert [product.title for product, _ in response.context["suggestions"]] == [
        "Budget tracking guide",
        "Score cards",
    ]
    page = response.content.decode()
    assert page.count('name="_match_product"') == 2
    assert f'name="_match_product" value="{best.pk}"' in page
    assert "Draft budget toolkit" not in page and "Forest mapping" not in page
    # The match buttons are the change form's own, after its first "Save": Enter still only saves.
    form_starts = page.index('id="knowledgeneed_form"')
    assert form_starts < page.index('name="_save"') < page.index('name="_match_product"')


def test_one_click_records_the_match_and_marks_a_new_need_matched(curator_client, need_and_products):
    need, best, _ = need_and_products
    response = curator_client.post(match_url(need), {"product": best.pk}, follow=True)
    assert response.redirect_chain == [(change_page(need), 302)]
    need.refresh_from_db()
    assert list(need.matched_products.all()) == [best]
    assert need.status == Status.MATCHED
    page = response.content.decode()
    assert f"Matched “Budget tracking guide” to {need.reference}; {need.reference} is now matched" in page
    # Matched already: no button for it any more.
    assert f'name="product" value="{best.pk}"' not in page


def test_matching_leaves_an_addressed_need_addressed(curator_client, need_and_products):
    need, best, _ = need_and_products
    KnowledgeNeed.objects.filter(pk=need.pk).update(status=Status.ADDRESSED)
    curator_client.post(match_url(need), {"product": best.pk})
    need.refresh_from_db()
    assert (need.status, need.matched_products.count()) == (Status.ADDRESSED, 1)


def test_an_unpublished_product_is_refused(curator_client, need_and_products):
    need, _, _ = need_and_products
    draft = KnowledgeProduct.objects.get(title="Draft budget toolkit")
    response = curator_client.post(match_url(need), {"product": draft.pk}, follow=True)
    assert "is not published; only published products answer needs." in response.content.decode()
    assert not need.matched_products.exists()


@pytest.mark.parametrize("product", ["", "abc", "999999"])
def test_a_missing_or_unknown_product_is_404(curator_client, need_and_products, product):
    need, _, _ = need_and_products
    assert curator_client.post(match_url(need), {"product": product}).status_code == 404


def test_matching_is_a_post_only(curator_client, need_and_products):
    need, best, _ = need_and_products
    assert curator_client.get(match_url(need), {"product": best.pk}).status_code == 405
    assert not need.matched_products.exists()


def test_matching_needs_the_csrf_token(need_and_products):
    need, best, _ = need_and_products
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator())
    assert client.post(match_url(need), {"product": best.pk}).status_code == 403
    assert not need.matched_products.exists()


def test_staff_outside_the_curators_cannot_match(client, need_and_products):
    need, best, _ = need_and_products
    client.force_login(UserFactory(is_staff=True))
    assert client.post(match_url(need), {"product": best.pk}).status_code == 403
    assert not need.matched_products.exists()


def test_staff_who_may_only_view_needs_see_no_buttons_and_cannot_match(client, need_and_products):
    need, best, _ = need_and_products
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_knowledgeneed"))
    client.force_login(viewer)
    page = client.get(change_page(need)).content.decode()
    # The suggestion listed (its title, with the need's words marked), without a button.
    assert "<mark>Budget tracking</mark> guide" in page and 'name="_match_product"' not in page
    assert client.post(match_url(need), {"product": best.pk}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, need_and_products):
    need, best, _ = need_and_products
    response = client.post(match_url(need), {"product": best.pk})
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert not need.matched_products.exists()


def need_form(need, **overrides) -> dict:
    """The need's change form as the browser sends it, with what the curator typed over what was there."""
    values = {
        "status": need.status,
        "title": need.title,
        "description": need.description,
        "themes": [theme.pk for theme in need.themes.all()],
        "learning_formats": [f.pk for f in need.learning_formats.all()],
        "urgency": need.urgency,
        "countries": [c.pk for c in need.countries.all()],
        "region": need.region,
        "partnership": need.partnership_id or "",
        "partnership_name": need.partnership_name,
        "organisation_name": need.organisation_name,
        "contact_name": need.contact_name,
        "contact_email": need.contact_email,
        "matched_products": [p.pk for p in need.matched_products.all()],
        "curator_notes": need.curator_notes,
    }
    return {**values, **overrides}


class TestWhatWasTypedIsSavedWithTheMatch:
    def test_a_suggestions_match_button_saves_the_notes_typed_just_before(
        self, curator_client, need_and_products
    ):
        need, best, _ = need_and_products
        edits = need_form(need, curator_notes="Called them: budgets at district level.", urgency="high")
        response = curator_client.post(change_page(need), {**edits, "_match_product": best.pk}, follow=True)
        assert response.redirect_chain == [(change_page(need), 302)]
        need.refresh_from_db()
        assert need.curator_notes == "Called them: budgets at district level."
        assert need.urgency == "high"
        assert (list(need.matched_products.all()), need.status) == ([best], Status.MATCHED)
        assert f"Saved, and matched “Budget tracking guide” to {need.reference}" in response.content.decode()

    def test_save_and_match_saves_every_edit_and_opens_the_next_new_need(
        self, curator_client, need_and_products
    ):
        need, best, other = need_and_products
        following = KnowledgeNeedFactory(title="The next need")
        edits = need_form(
            need,
            title="Budget tracking, edited",
            description="Edited description.",
            curator_notes="Two guides answer it.",
            matched_products=[best.pk, other.pk],
        )
        response = curator_client.post(change_page(need), {**edits, "_match": "1"})
        assert response["Location"] == change_page(following)
        need.refresh_from_db()
        assert (need.title, need.description, need.curator_notes, need.status) == (
            "Budget tracking, edited",
            "Edited description.",
            "Two guides answer it.",
            Status.MATCHED,
        )
        assert set(need.matched_products.all()) == {best, other}

    def test_save_and_match_without_a_product_saves_nothing_and_says_why(
        self, curator_client, need_and_products
    ):
        need, _, _ = need_and_products
        edits = need_form(need, curator_notes="Typed, kept in the form.")
        response = curator_client.post(change_page(need), {**edits, "_match": "1"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Add the products that answer it first, then match it." in page
        assert "Typed, kept in the form." in page
        need.refresh_from_db()
        assert (need.curator_notes, need.status) == ("", Status.NEW)

    def test_the_button_sits_after_save_in_the_row_of_buttons(self, curator_client, need_and_products):
        need, _, _ = need_and_products
        page = curator_client.get(change_page(need)).content.decode()
        assert page.index('name="_save"') < page.index('value="Save and match" name="_match"')


def test_the_need_page_reads_a_fixed_number_of_queries_however_many_products_match(
    curator_client, need_and_products, django_assert_max_num_queries
):
    need, _, _ = need_and_products
    theme = need.themes.get()
    curator_client.get(change_page(need))
    with django_assert_max_num_queries(80) as few:
        curator_client.get(change_page(need))
    queries = len(few.captured_queries)  # read now: the next request clears the log it is read from
    ProductFactory.create_batch(20, themes=[theme], summary="District budgets.")
    curator_client.get(change_page(need))  # the suggestions' index, once per change to the catalogue
    with django_assert_max_num_queries(queries):
        curator_client.get(change_page(need))


@pytest.mark.parametrize("value", ["", "abc", "999999", "99999999999999999999999"])
def test_a_match_button_naming_no_product_says_so_and_keeps_the_notes(
    curator_client, need_and_products, value
):
    need, _, _ = need_and_products
    edits = need_form(need, curator_notes="Kept.")
    response = curator_client.post(change_page(need), {**edits, "_match_product": value}, follow=True)
    assert "Saved, but not matched: That product no longer exists." in response.content.decode()
    need.refresh_from_db()
    assert (need.curator_notes, need.matched_products.count()) == ("Kept.", 0)


def dismiss_url(need) -> str:
    return reverse("admin:needs_knowledgeneed_dismiss", args=[need.pk])


def test_each_suggestion_shows_why_it_is_suggested(curator_client, need_and_products):
    need, _, _ = need_and_products
    page = curator_client.get(change_page(need)).content.decode()
    assert "words found: “budget tracking” (title)" in page
    assert "themes shared: Local budgets" in page


def test_each_suggestion_shows_its_type_year_and_partnership(curator_client, need_and_products):
    need, best, _ = need_and_products
    KnowledgeProduct.objects.filter(pk=best.pk).update(year=2019)
    best.partnerships.set([PartnershipFactory(name="Open Budgets Alliance")])
    page = curator_client.get(change_page(need)).content.decode()
    row = page[page.index("<mark>Budget tracking</mark> guide</a>") :].split("</tr>")[0]
    assert f"<td>{best.product_type.name}</td>" in row
    assert "<td>2019</td>" in row and "<td>Open Budgets Alliance</td>" in row


def test_the_needs_words_are_marked_in_each_suggestions_title_and_summary(curator_client, need_and_products):
    need, _, _ = need_and_products
    page = curator_client.get(change_page(need)).content.decode()
    assert '"><mark>Budget tracking</mark> guide</a>' in page
    assert '<div class="help"><mark>District</mark> budgets.</div>' in page
    assert "<mark>Score</mark>" not in page  # a word of the product's only, not the need's


def test_a_match_is_stored_with_the_suggestions_rank_and_score(curator_client, need_and_products):
    need, best, _ = need_and_products
    curator_client.post(change_page(need), {**need_form(need), "_match_product": best.pk})
    decision = SuggestionDecision.objects.get(need=need)
    assert (decision.product, decision.decision, decision.rank) == (best, "matched", 1)
    assert decision.score > 0 and decision.decided_by.username


class TestDismissing:
    def test_the_button_saves_what_was_typed_and_the_product_leaves_the_suggestions_for_good(
        self, curator_client, need_and_products
    ):
        need, best, other = need_and_products
        edits = need_form(need, curator_notes="Not about districts.")
        response = curator_client.post(change_page(need), {**edits, "_dismiss_product": best.pk}, follow=True)
        assert response.redirect_chain == [(change_page(need), 302)]
        assert "Saved, and dismissed “Budget tracking guide”" in response.content.decode()
        assert [product for product, _ in response.context["suggestions"]] == [other]
        need.refresh_from_db()
        assert need.curator_notes == "Not about districts." and not need.matched_products.exists()
        decision = SuggestionDecision.objects.get(need=need)
        assert (decision.decision, decision.rank) == ("dismissed", 1)

    def test_a_matched_product_cannot_be_dismissed(self, curator_client, need_and_products):
        need, best, _ = need_and_products
        curator_client.post(match_url(need), {"product": best.pk})
        need.refresh_from_db()
        response = curator_client.post(
            change_page(need), {**need_form(need), "_dismiss_product": best.pk}, follow=True
        )
        assert "is matched to this need; it cannot be dismissed." in response.content.decode()
        assert SuggestionDecision.objects.get(need=need).decision == "matched"

    @pytest.mark.parametrize("value", ["", "abc", "999999"])
    def test_a_button_naming_no_product_says_so(self, curator_client, need_and_products, value):
        need, _, _ = need_and_products
        response = curator_client.post(
            change_page(need), {**need_form(need), "_dismiss_product": value}, follow=True
        )
        assert "Saved, but not dismissed: That product no longer exists." in response.content.decode()
        assert not SuggestionDecision.objects.exists()

    def test_the_dismiss_address_does_the_same_for_a_post_alone(self, curator_client, need_and_products):
        need, best, other = need_and_products
        response = curator_client.post(dismiss_url(need), {"product": best.pk}, follow=True)
        assert [product for product, _ in response.context["suggestions"]] == [other]
        assert curator_client.post(dismiss_url(need), {"product": "abc"}).status_code == 404

    def test_staff_outside_the_curators_cannot_dismiss(self, client, need_and_products):
        need, best, _ = need_and_products
        client.force_login(UserFactory(is_staff=True))
        assert client.post(dismiss_url(need), {"product": best.pk}).status_code == 403
        assert client.get(dismiss_url(need), {"product": best.pk}).status_code == 405
        assert not SuggestionDecision.objects.exists()
