"""No cell of an admin export is ever a live formula, whatever a nominator or curator typed; the CSV exports
escape such text, and an exported sheet imported again keeps it exactly."""

import io

import openpyxl
import pytest
import tablib
from django.urls import reverse

from core.spreadsheets import SafeCSV
from inventory.models import KnowledgeProduct
from inventory.resources import ProductResource
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    curator,
)

pytestmark = pytest.mark.django_db
CSV, XLSX = "0", "1"
HOSTILE = ['=HYPERLINK("http://evil.example","nom")', "@SUM(1)", "+4+4", "-2+3", "=1+1"]
MODELS = [
    ("inventory", "nomination"),
    ("inventory", "knowledgeproduct"),
    ("inventory", "organisation"),
    ("inventory", "partnership"),
    ("needs", "knowledgeneed"),
    ("needs", "learningactivity"),
]


@pytest.fixture
def hostile_records(client, nomination):
    """A nomination typed into the public form, and records a curator named like formulas."""
    response = client.post(
        reverse("inventory:product-nominate"),
        nomination(
            title=HOSTILE[0],
            summary=HOSTILE[1],
            why_valuable=HOSTILE[2],
            nominator_name=HOSTILE[3],
            organisations=HOSTILE[4],
        ),
    )
    assert response.status_code == 302
    ProductFactory(title=HOSTILE[4], summary=HOSTILE[0], description=HOSTILE[1]).tags.add(HOSTILE[4])
    OrganisationFactory(name=HOSTILE[0], description=HOSTILE[2])
    PartnershipFactory(name=HOSTILE[1], summary=HOSTILE[0])
    KnowledgeNeedFactory(title=HOSTILE[0], description=HOSTILE[1], contact_name=HOSTILE[2])
    LearningActivityFactory(title=HOSTILE[0], summary=HOSTILE[3])


def export(client, app: str, model: str, fmt: str):
    """The export page posted as a browser does: the first resource, every column ticked."""
    url = reverse(f"admin:{app}_{model}_export")
    resource_class = client.get(url).context["form"].resources[0]
    data = {"format": fmt, "resource": "0"}
    for name in resource_class().get_export_order():
        data[f"{resource_class.__name__.lower()}_{name}"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_no_cell_of_an_excel_export_is_a_formula(client, hostile_records, app, model):
    client.force_login(curator())
    workbook = openpyxl.load_workbook(io.BytesIO(export(client, app, model, XLSX).content))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = {cell.value for cell in cells}
    assert texts & set(HOSTILE), "the hostile text is exported, as text"


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_no_cell_of_a_csv_export_starts_like_a_formula(client, hostile_records, app, model):
    client.force_login(curator())
    sheet = tablib.Dataset().load(export(client, app, model, CSV).content.decode("utf-8-sig"), format="csv")
    cells = [str(cell) for row in sheet for cell in row]
    assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    assert any(cell.startswith("'=") for cell in cells)


def test_an_exported_sheet_imported_again_keeps_the_text(client, hostile_records):
    titles = set(KnowledgeProduct.objects.values_list("title", flat=True))
    dataset = ProductResource().export(queryset=KnowledgeProduct.objects.order_by("title"))
    text = SafeCSV().export_data(dataset)
    result = ProductResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.problems
    assert set(KnowledgeProduct.objects.values_list("title", flat=True)) == titles
    assert KnowledgeProduct.objects.filter(title=HOSTILE[0]).exists()
