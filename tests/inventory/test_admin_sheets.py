"""Spreadsheets in the curators' admin: preview, confirm, template, and export of every list."""

import io

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory.models import KnowledgeProduct, Organisation, Partnership
from inventory.resources import OrganisationResource, PartnershipResource, ProductResource
from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ThemeFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db
CSV, XLSX = "0", "1"  # The formats' positions in the import and export forms.


def upload(client, model, content: str, name="sheet.csv", fmt=CSV):
    url = reverse(f"admin:inventory_{model}_import")
    file = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
    return client.post(url, {"import_file": file, "format": fmt, "resource": "0"})


@pytest.fixture
def reference(db):
    ProductTypeFactory(name="Toolkit")
    ThemeFactory(name="Civic space")


class TestImportInTheAdmin:
    def test_the_preview_shows_each_row_and_saves_nothing_until_confirmed(self, curator_client, reference):
        existing = ProductFactory(title="Old guide", summary="Old.")
        content = (
            "slug,title,type,summary,themes\n"
            f"{existing.slug},Old guide,{existing.product_type.name},Old.,\n"
            ",New guide,Toolkit,New.,Civic space\n"
        )
        response = upload(curator_client, "knowledgeproduct", content)
        assert response.status_code == 200
        result = response.context["result"]
        assert [row.import_type for row in result.rows] == ["skip", "new"]
        assert "confirm_form" in response.context
        assert KnowledgeProduct.objects.count() == 1

        confirm = response.context["confirm_form"].initial
        response = curator_client.post(reverse("admin:inventory_knowledgeproduct_process_import"), confirm)
        assert response.status_code == 302
        new = KnowledgeProduct.objects.get(title="New guide")
        assert [t.name for t in new.themes.all()] == ["Civic space"]
        # The history knows who imported it.
        assert new.history.get().history_user.groups.filter(name="Curators").exists()

    def test_a_bad_row_is_named_and_no_confirm_button_is_offered(self, curator_client, reference):
        content = "title,type,summary,themes\nA,Toolkit,A.,Civic space\nB,Toolkit,B.,Xyz\n"
        response = upload(curator_client, "knowledgeproduct", content)
        assert response.status_code == 200
        assert "confirm_form" not in response.context
        assert "Row 3, column “Themes”: unknown theme “Xyz”" in response.content.decode()
        assert not KnowledgeProduct.objects.exists()

    def test_a_misspelt_name_gets_the_closest_known_names_and_rows_count_as_in_the_spreadsheet(
        self, curator_client, reference
    ):
        content = "title,type,summary,themes\nA,Toolkit,A.,Civic space\nB,Toolkit,B.,Civic spaec\n"
        response = upload(curator_client, "knowledgeproduct", content)
        page = response.content.decode()
        assert "Row 3, column “Themes”: unknown theme “Civic spaec” (did you mean “Civic space”?)" in page
        # The problems alone: no second table numbering the rows otherwise, a column for every field.
        assert "validation-error-count" not in page and "Some rows failed to validate" not in page

    def test_a_link_without_a_scheme_is_read_as_the_forms_read_it(self, curator_client, reference):
        content = "title,type,summary,url\nA guide,Toolkit,A.,example.org/guide\n"
        response = upload(curator_client, "knowledgeproduct", content)
        assert "confirm_form" in response.context, response.context["result"].problems
        curator_client.post(
            reverse("admin:inventory_knowledgeproduct_process_import"),
            response.context["confirm_form"].initial,
        )
        assert KnowledgeProduct.objects.get(title="A guide").url == "https://example.org/guide"

    def test_a_file_that_is_not_a_sheet_gets_a_message_not_an_error_page(self, curator_client, reference):
        url = reverse("admin:inventory_knowledgeproduct_import")
        file = SimpleUploadedFile("sheet.xlsx", b"not a spreadsheet", content_type="application/octet-stream")
        response = curator_client.post(url, {"import_file": file, "format": XLSX, "resource": "0"})
        assert response.status_code == 200
        assert response.context["form"].errors["import_file"]

    def test_organisations_and_partnerships_import_too(self, curator_client):
        lead = OrganisationFactory(name="Mama Cash", country=country("NL"))
        content = "name,kind,country,partos_member\nVoices of the Valley,Southern CSO,Uganda,no\n"
        assert [r.import_type for r in upload(curator_client, "organisation", content).context["result"]] == [
            "new"
        ]
        programme = PartnershipFactory().programme
        content = (
            f"name,programme,lead_organisation,members\nCount Me In!,{programme.name},Mama Cash,{lead.slug}\n"
        )
        result = upload(curator_client, "partnership", content).context["result"]
        assert [r.import_type for r in result] == ["new"], result.problems

    def test_staff_outside_the_curators_cannot_import(self, client):
        client.force_login(UserFactory(is_staff=True))
        assert client.get(reverse("admin:inventory_knowledgeproduct_import")).status_code == 403


class TestTemplate:
    @pytest.mark.parametrize(
        ("model", "resource"),
        [
            ("knowledgeproduct", ProductResource),
            ("organisation", OrganisationResource),
            ("partnership", PartnershipResource),
        ],
    )
    def test_the_csv_template_has_the_columns_and_an_example_row_that_imports(
        self, curator_client, model, resource
    ):
        ProductTypeFactory(name="Toolkit")
        ThemeFactory(name="Civic space")
        PartnershipFactory()
        response = curator_client.get(reverse(f"admin:inventory_{model}_import_template", args=["csv"]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{model}-import-template.csv"'
        dataset = tablib.Dataset().load(response.content.decode(), format="csv")
        assert dataset.headers == resource().labels()
        assert len(dataset) == 1
        result = resource().import_data(dataset, dry_run=True)
        assert result.problems == [] and [r.import_type for r in result] == ["new"]

    def test_the_excel_template_opens_in_a_spreadsheet_program(self, curator_client):
        response = curator_client.get(
            reverse("admin:inventory_knowledgeproduct_import_template", args=["xlsx"])
        )
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert [cell.value for cell in sheet[1]][:3] == ["Slug", "Title", "Type"]
        assert sheet.max_row == 2

    def test_the_import_page_links_to_the_templates(self, curator_client):
        response = curator_client.get(reverse("admin:inventory_knowledgeproduct_import"))
        assert (
            reverse("admin:inventory_knowledgeproduct_import_template", args=["xlsx"])
            in response.content.decode()
        )

    def test_an_unknown_template_format_is_a_404(self, curator_client):
        url = reverse("admin:inventory_knowledgeproduct_import_template", args=["pdf"])
        assert curator_client.get(url).status_code == 404


def export_form(resource_class) -> dict:
    """What the export page posts: CSV, the first resource, every column ticked."""
    data = {"format": CSV, "resource": "0"}
    for name in resource_class().get_export_order():
        data[f"{resource_class.__name__.lower()}_{name}"] = "on"
    return data


class TestExportFromTheAdmin:
    @pytest.mark.parametrize(
        "model",
        [
            "programme",
            "theme",
            "producttype",
            "organisation",
            "partnership",
            "stakeholder",
            "knowledgeproduct",
            "country",
            "language",
        ],
    )
    def test_every_inventory_list_exports_to_csv(self, curator_client, model):
        ProductFactory()
        admin_class = (
            curator_client.get(reverse(f"admin:inventory_{model}_changelist")).context["cl"].model_admin
        )
        resource_class = admin_class.get_export_resource_classes(None)[0]
        response = curator_client.post(
            reverse(f"admin:inventory_{model}_export"), export_form(resource_class)
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")

    def test_a_partnership_export_names_its_programme_members_and_themes(self, curator_client):
        partnership = PartnershipFactory(name="Count Me In!")
        partnership.members.add(OrganisationFactory(name="Mama Cash"))
        partnership.themes.add(ThemeFactory(name="Civic space"))
        response = curator_client.post(
            reverse("admin:inventory_partnership_export"), export_form(PartnershipResource)
        )
        row = tablib.Dataset().load(response.content.decode(), format="csv").dict[0]
        assert (row["Programme"], row["Members"], row["Themes"]) == (
            partnership.programme.name,
            "Mama Cash (member)",
            "Civic space",
        )

    def test_the_export_action_exports_only_the_selected_products(self, curator_client):
        chosen, _ = ProductFactory(title="Chosen"), ProductFactory(title="Other")
        data = {**export_form(ProductResource), "export_items": [chosen.pk]}
        response = curator_client.post(reverse("admin:inventory_knowledgeproduct_export"), data)
        titles = [row["Title"] for row in tablib.Dataset().load(response.content.decode(), format="csv").dict]
        assert titles == ["Chosen"]

    def test_an_organisation_export_gives_the_country_by_name(self, curator_client):
        OrganisationFactory(name="Delta Rights", country=country("NL"))
        response = curator_client.post(
            reverse("admin:inventory_organisation_export"), export_form(OrganisationResource)
        )
        assert (
            tablib.Dataset().load(response.content.decode(), format="csv").dict[0]["Country"] == "Netherlands"
        )


def test_an_imported_sheet_reproduces_the_organisations_and_partnerships_it_came_from(db):
    """Organisations and partnerships make the same round trip as products."""
    partnership = PartnershipFactory(name="Green Livelihoods Alliance", acronym="GLA")
    partnership.members.add(OrganisationFactory(name="Tropenbos", country=country("NL")))
    partnership.themes.add(ThemeFactory(name="Forests"))
    for resource in (OrganisationResource, PartnershipResource):
        exported = resource().export()
        again = tablib.Dataset().load(exported.export("csv"), format="csv")
        result = resource().import_data(again)
        assert {r.import_type for r in result} == {"skip"}, result.problems
    assert Organisation.objects.count() == 1 and Partnership.objects.count() == 1


def test_a_sheet_with_an_unknown_column_gets_a_sentence_not_a_traceback(curator_client, reference):
    response = upload(
        curator_client, "knowledgeproduct", "title,type,summary,theme\nA,Toolkit,A.,Civic space\n"
    )
    content = response.content.decode()
    assert "Unknown column(s): theme." in content
    assert "Traceback" not in content
