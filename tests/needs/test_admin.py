"""Curators work through the needs in the admin: filters, search, status actions, matching."""

import re

import pytest
from django.urls import reverse

from needs.models import KnowledgeNeed
from tests.factories import (
    KnowledgeNeedFactory,
    PartnershipFactory,
    ProductFactory,
    ProgrammeFactory,
    ThemeFactory,
    UserFactory,
    learning_format,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeNeed.Status
CHANGELIST = reverse("admin:needs_knowledgeneed_changelist")


def listed(response) -> set[str]:
    return {need.title for need in response.context["cl"].result_list}


def act(client, action, needs, **extra):
    data = {"action": action, "_selected_action": [n.pk for n in needs], **extra}
    return client.post(CHANGELIST, data, follow=True)


class TestTheList:
    def test_it_filters_by_status_theme_format_urgency_programme_and_partnership(self, curator_client):
        programme = ProgrammeFactory(name="Power of Voices", start_year=2021, end_year=2025)
        partnership = PartnershipFactory(name="Open Budgets", programme=programme)
        theme = ThemeFactory(name="Civic space")
        # Another of each, so every filter has a choice to make and is shown.
        other_programme = ProgrammeFactory(name="Dialogue and Dissent", start_year=2016, end_year=2020)
        KnowledgeNeedFactory(
            title="Other",
            themes=[ThemeFactory()],
            partnership=PartnershipFactory(programme=other_programme),
            learning_formats=[learning_format("coaching")],
        )
        KnowledgeNeedFactory(
            title="Wanted",
            status=Status.IN_REVIEW,
            urgency="high",
            partnership=partnership,
            themes=[theme],
            learning_formats=[learning_format("webinar")],
        )
        response = curator_client.get(CHANGELIST)
        shown = {spec.title for spec in response.context["cl"].filter_specs}
        assert {
            "status",
            "urgency",
            "themes",
            "preferred learning formats",
            "programme",
            "partnership",
        } <= shown
        for query in [
            {"status__exact": Status.IN_REVIEW},
            {"themes__id__exact": theme.pk},
            {"learning_formats__id__exact": learning_format("webinar").pk},
            {"urgency__exact": "high"},
            {"partnership__programme__id__exact": programme.pk},
            {"partnership__id__exact": partnership.pk},
        ]:
            assert listed(curator_client.get(CHANGELIST, query)) == {"Wanted"}, query

    @pytest.mark.parametrize("term", ["KN-", "amina@", "Nyota", "Rising Grounds", "district budgets"])
    def test_it_searches_references_contacts_organisations_partnerships_and_text(self, curator_client, term):
        need = KnowledgeNeedFactory(
            title="Budgets",
            description="Tracking district budgets",
            organisation_name="Nyota Rights Collective",
            contact_email="amina@example.org",
            partnership_name="Rising Grounds Alliance",
        )
        KnowledgeNeedFactory(title="Other", organisation_name="Elsewhere", partnership_name="Other")
        if term == "KN-":
            term = need.reference
        assert listed(curator_client.get(CHANGELIST, {"q": term})) == {"Budgets"}

    def test_it_lists_many_needs_in_a_fixed_number_of_queries(
        self, curator_client, django_assert_max_num_queries
    ):
        for partnership in PartnershipFactory.create_batch(12):
            KnowledgeNeedFactory.create_batch(3, partnership=partnership)
        # The session, the user, the count, the page with partnerships and programmes, the filters' options
        # (the partnership filter names each partnership with its programme, read in the same query): a
        # number that grows neither with the needs nor with the partnerships they come from.
        with django_assert_max_num_queries(16):
            response = curator_client.get(CHANGELIST)
        assert response.status_code == 200

    def test_each_row_opens_its_need_with_the_lists_filters_to_return_to(self, curator_client):
        urgent = KnowledgeNeedFactory(title="Urgent need", status=Status.NEW, urgency="high")
        KnowledgeNeedFactory(title="Calm need", status=Status.NEW, urgency="low")
        page = curator_client.get(CHANGELIST, {"status__exact": "new", "urgency__exact": "high"})
        change = reverse("admin:needs_knowledgeneed_change", args=[urgent.pk])
        link = f"{change}?_changelist_filters=status__exact%3Dnew%26urgency__exact%3Dhigh"
        assert f'<a href="{link}">Urgent need</a>' in page.content.decode()
        assert "Calm need" not in page.content.decode()
        # Django's change page sends the curator back to the list these filters name once the need is saved.

    def test_many_partnerships_are_a_drop_down_that_keeps_the_other_filters(self, curator_client):
        programme = ProgrammeFactory(name="Power of Voices", start_year=2021, end_year=2025)
        partnerships = [PartnershipFactory(name=f"Alliance {n:02}", programme=programme) for n in range(35)]
        for partnership in partnerships:
            KnowledgeNeedFactory(title=f"Need of {partnership.name}", partnership=partnership, urgency="high")
        KnowledgeNeedFactory(
            title="Typed in", partnership=None, partnership_name="Not listed", urgency="high"
        )
        page = curator_client.get(CHANGELIST, {"urgency__exact": "high", "_facets": "True", "p": "1"})
        html = page.content.decode()
        # One form: the other filters (not the page) carried, a labelled drop-down of every partnership with
        # its programme and count, a button; no link per partnership.
        form = re.search(r'<li class="select-filter"><form method="get">(.*?)</form>', html, re.S).group(1)
        assert re.search(r"<summary>\s*By partnership\s*</summary>", html)
        assert '<input type="hidden" name="urgency__exact" value="high">' in form
        assert '<input type="hidden" name="_facets" value="True">' in form
        assert 'name="p"' not in form
        assert '<label for="filter-partnership" class="visually-hidden">Partnership</label>' in form
        first = partnerships[0]
        assert f'<option value="{first.pk}">Alliance 00 (Power of Voices) (1)</option>' in form
        assert form.count("<option ") == 35 and '<button type="submit" class="button">Filter</button>' in form
        assert f"partnership__id__exact={first.pk}" not in html
        # Choosing sends the form: the list of that partnership's needs, the choice shown as chosen.
        chosen = curator_client.get(
            CHANGELIST, {"urgency__exact": "high", "partnership__id__exact": first.pk}
        )
        assert listed(chosen) == {"Need of Alliance 00"}
        assert (
            f'<option value="{first.pk}" selected>Alliance 00 (Power of Voices)</option>'
            in chosen.content.decode()
        )
        # "All" and the needs of no listed partnership stay links.
        empty = curator_client.get(CHANGELIST + "?partnership__isnull=True")
        assert listed(empty) == {"Typed in"}

    def test_the_change_form_matches_products_by_autocomplete(self, curator_client):
        need = KnowledgeNeedFactory()
        html = curator_client.get(
            reverse("admin:needs_knowledgeneed_change", args=[need.pk])
        ).content.decode()
        assert 'data-field-name="matched_products"' in html and "admin-autocomplete" in html
        ProductFactory(title="Budget tracking toolkit")
        url = reverse("admin:autocomplete")
        params = {
            "term": "budget",
            "app_label": "needs",
            "model_name": "knowledgeneed",
            "field_name": "matched_products",
        }
        results = curator_client.get(url, params).json()["results"]
        assert [r["text"] for r in results] == ["Budget tracking toolkit"]

    def test_saving_matched_without_products_is_refused_kindly(self, curator_client):
        need = KnowledgeNeedFactory()
        url = reverse("admin:needs_knowledgeneed_change", args=[need.pk])
        form = {
            "status": Status.MATCHED,
            "title": need.title,
            "description": need.description,
            "urgency": "medium",
            "region": "",
            "partnership_name": need.partnership_name,
            "organisation_name": need.organisation_name,
            "contact_name": need.contact_name,
            "contact_email": need.contact_email,
            "curator_notes": "",
        }
        response = curator_client.post(url, form)
        assert "A matched need needs at least one matched product." in response.content.decode()
        product = ProductFactory()
        response = curator_client.post(url, {**form, "matched_products": [product.pk]})
        assert response.status_code == 302
        need.refresh_from_db()
        assert need.status == Status.MATCHED

    def test_needs_with_and_without_suggestions_are_filtered_and_counted(self, curator_client):
        from django.utils import timezone

        KnowledgeNeedFactory(title="Answered", suggestion_count=3, suggested_at=timezone.now())
        KnowledgeNeedFactory(title="A gap", suggestion_count=0, suggested_at=timezone.now())
        KnowledgeNeedFactory(title="Not ranked yet", suggestion_count=0, suggested_at=None)
        assert listed(curator_client.get(CHANGELIST, {"suggestions": "some"})) == {"Answered"}
        assert listed(curator_client.get(CHANGELIST, {"suggestions": "none"})) == {"A gap"}
        response = curator_client.get(CHANGELIST, {"_facets": "True"})
        cl = response.context["cl"]
        [spec] = [spec for spec in cl.filter_specs if spec.title == "suggested products"]
        assert [choice["display"] for choice in spec.choices(cl)] == ["All", "Some (1)", "None found (1)"]


class TestActions:
    def test_actions_move_needs_along_the_workflow(self, curator_client):
        needs = KnowledgeNeedFactory.create_batch(2)
        response = act(curator_client, "mark_in_review", needs)
        assert "2 need(s) now in review." in response.content.decode()
        act(curator_client, "mark_closed", needs)
        assert set(KnowledgeNeed.objects.values_list("status", flat=True)) == {Status.CLOSED}

    def test_an_action_explains_what_it_refused(self, curator_client):
        matched = KnowledgeNeedFactory(matched_products=[ProductFactory()])
        bare = KnowledgeNeedFactory()
        response = act(curator_client, "mark_matched", [matched, bare])
        html = response.content.decode()
        assert "1 need(s) now matched to products." in html
        assert f"{bare.reference} has no matched products yet" in html
        bare.refresh_from_db()
        assert bare.status == Status.NEW


class TestAccess:
    def test_anonymous_visitors_are_sent_to_the_login(self, client):
        KnowledgeNeedFactory()
        response = client.get(CHANGELIST)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    def test_staff_without_the_curators_group_see_no_needs(self, client):
        client.force_login(UserFactory(is_staff=True))
        assert client.get(CHANGELIST).status_code == 403
