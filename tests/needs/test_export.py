"""Curators export the needs, the learning activities and the formats as CSV or Excel, relations as names."""

import io

import openpyxl
import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    OrganisationFactory,
    PartnershipFactory,
    ThemeFactory,
    learning_format,
    reviewer,
)

pytestmark = pytest.mark.django_db
CSV, XLSX = "0", "1"  # The formats' positions in the export form.
NEED_EXPORT = reverse("admin:needs_knowledgeneed_export")


def export(client, model: str, fmt=CSV, **extra):
    """Post the export page as a browser does: the first resource, every column ticked."""
    url = reverse(f"admin:needs_{model}_export")
    resource_class = client.get(url).context["form"].resources[0]
    data = {"format": fmt, "resource": "0", **extra}
    for name in resource_class().get_export_order():
        data[f"{resource_class.__name__.lower()}_{name}"] = "on"
    return client.post(url, data)


def csv_rows(response) -> list[dict]:
    return tablib.Dataset().load(response.content.decode(), format="csv").dict


class TestNeedsExport:
    def test_the_selected_needs_come_with_contacts_and_names(self, curator_client):
        need = KnowledgeNeedFactory(
            title="Budgets",
            partnership=PartnershipFactory(name="Count Me In!"),
            contact_email="amina@example.org",
            themes=[ThemeFactory(name="Civic space"), ThemeFactory(name="Gender")],
            learning_formats=[learning_format("webinar")],
        )
        KnowledgeNeedFactory(title="Not selected")
        response = export(curator_client, "knowledgeneed", export_items=[need.pk])
        assert response.status_code == 200
        assert "attachment; filename=" in response["Content-Disposition"]
        (row,) = csv_rows(response)
        assert row["Reference"] == need.reference
        assert row["Contact email"] == "amina@example.org"
        assert row["Partnership"] == str(need.partnership)  # "Count Me In! (Power of Voices)"
        assert row["Themes"] == "Civic space; Gender"
        assert row["Preferred learning formats"] == learning_format("webinar").name

    def test_text_that_looks_like_a_formula_is_never_run(self, curator_client):
        KnowledgeNeedFactory(title="=HYPERLINK(1)", curator_notes="@SUM(A1)")
        (row,) = csv_rows(export(curator_client, "knowledgeneed"))
        assert (row["Title"], row["Curator notes"]) == ("'=HYPERLINK(1)", "'@SUM(A1)")

    def test_the_needs_come_as_an_excel_workbook_too(self, curator_client):
        need = KnowledgeNeedFactory(title="Budgets", themes=[ThemeFactory(name="Civic space")])
        response = export(curator_client, "knowledgeneed", fmt=XLSX)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header, values = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
        row = dict(zip(header, values, strict=True))
        assert (row["Reference"], row["Title"], row["Themes"]) == (need.reference, "Budgets", "Civic space")

    def test_the_export_action_offers_the_selected_needs_to_export(self, curator_client):
        need = KnowledgeNeedFactory()
        response = curator_client.post(
            reverse("admin:needs_knowledgeneed_changelist"),
            {"action": "export_admin_action", "_selected_action": [need.pk]},
        )
        assert response.status_code == 200
        assert response.context["form"].initial["export_items"] == [need.pk]

    def test_the_export_takes_the_same_queries_for_many_needs_as_for_few(self, curator_client):
        partnership, theme = PartnershipFactory(), ThemeFactory()

        def queries_for(count: int) -> int:
            KnowledgeNeedFactory.create_batch(count, partnership=partnership, themes=[theme])
            with CaptureQueriesContext(connection) as queries:
                assert len(csv_rows(export(curator_client, "knowledgeneed"))) >= count
            return len(queries)

        # The export page, then the export: each time session, user and permissions, and the list's
        # filters; then the count, the needs with their partnerships and programmes, and one query per
        # many-to-many relation (themes, formats, countries, matched products), whatever the number of rows.
        assert queries_for(2) == queries_for(20)

    def test_reviewers_cannot_export_the_needs(self, client):
        client.force_login(reviewer())
        KnowledgeNeedFactory()
        assert client.get(NEED_EXPORT).status_code == 403
        assert client.post(NEED_EXPORT, {"format": CSV, "resource": "0"}).status_code == 403


def test_an_activity_export_names_its_format_themes_and_organisations(curator_client):
    activity = LearningActivityFactory(
        title="Peer exchange",
        themes=[ThemeFactory(name="Civic space")],
        organisations=[OrganisationFactory(name="Mama Cash")],
    )
    (row,) = csv_rows(export(curator_client, "learningactivity"))
    assert (row["Title"], row["Format"], row["Themes"], row["Co-creating organisations"]) == (
        "Peer exchange",
        activity.learning_format.name,
        "Civic space",
        "Mama Cash",
    )


def test_the_learning_formats_export(curator_client):
    names = [row["Name"] for row in csv_rows(export(curator_client, "learningformat"))]
    assert learning_format("webinar").name in names


class TestExportAll:
    def test_the_lists_button_exports_what_its_filters_find_with_no_row_selected(self, curator_client):
        KnowledgeNeedFactory(title="New one", status="new")
        KnowledgeNeedFactory(title="Another new one", status="new")
        KnowledgeNeedFactory(title="Closed one", status="closed")
        changelist = reverse("admin:needs_knowledgeneed_changelist")
        page = curator_client.get(changelist, {"status__exact": "new"}).content.decode()
        assert f'href="{NEED_EXPORT}?status__exact=new"' in page
        assert "Export these results" in page
        url = reverse("admin:needs_knowledgeneed_export")
        resource_class = curator_client.get(f"{url}?status__exact=new").context["form"].resources[0]
        data = {"format": CSV, "resource": "0"}
        for name in resource_class().get_export_order():
            data[f"{resource_class.__name__.lower()}_{name}"] = "on"
        response = curator_client.post(f"{url}?status__exact=new", data)
        assert sorted(row["Title"] for row in csv_rows(response)) == ["Another new one", "New one"]
