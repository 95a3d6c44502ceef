"""The spreadsheets curators import needs and learning activities from, and the stakeholders and partnership
members of the inventory's: the format the demo data is kept in."""

import pytest
import tablib

from inventory.models import Membership, Stakeholder
from inventory.resources import PartnershipResource, StakeholderResource
from needs.models import KnowledgeNeed, LearningActivity
from needs.resources import ActivityResource, NeedResource
from tests.factories import (
    KnowledgeNeedFactory,
    OrganisationFactory,
    ProductFactory,
    ProgrammeFactory,
    ThemeFactory,
    learning_format,
)

pytestmark = pytest.mark.django_db


def sheet(rows: list[dict]) -> tablib.Dataset:
    headers = list(dict.fromkeys(key for row in rows for key in row))
    return tablib.Dataset(*[[row.get(h, "") for h in headers] for row in rows], headers=headers)


def imported(resource, rows):
    result = resource.import_data(sheet(rows), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.problems
    return result


def test_a_need_comes_with_its_matched_products_status_and_received_date():
    ProductFactory(title="Score cards for district budgets")
    theme = ThemeFactory(name="Local governance")
    row = {
        "received": "2026-05-04 10:30",
        "status": "Matched to products",
        "title": "Getting councils to publish budgets",
        "description": "How did others do it?",
        "partnership_typed_in": "Open Budgets Coalition",
        "organisation": "Nyota Rights Collective",
        "contact_name": "Amina Okello",
        "contact_email": "amina@example.org",
        "themes": theme.name,
        "learning_formats": learning_format("peer-exchange").name,
        "countries": "UG; Kenya",
        "may_be_contacted": "yes",
        "may_be_shown": "no",
        "matched_products": "Score cards for district budgets",
    }
    imported(NeedResource(), [row])
    need = KnowledgeNeed.objects.get()
    assert need.status == KnowledgeNeed.Status.MATCHED
    assert [p.title for p in need.matched_products.all()] == ["Score cards for district budgets"]
    assert need.created_at.date().isoformat() == "2026-05-04"
    assert need.reference.startswith("KN-")
    assert sorted(need.countries.values_list("code", flat=True)) == ["KE", "UG"]
    # The same row again changes nothing: it is matched by title and organisation.
    assert imported(NeedResource(), [row]).totals["skip"] == 1


def test_a_need_naming_an_unknown_product_says_which_row_and_saves_nothing():
    result = NeedResource().import_data(
        sheet(
            [
                {
                    "title": "A need",
                    "description": "x",
                    "organisation": "Org",
                    "contact_name": "A",
                    "contact_email": "a@example.org",
                    "partnership_typed_in": "P",
                    "matched_products": "No such product",
                }
            ]
        ),
        dry_run=False,
    )
    assert result.has_validation_errors()
    assert "unknown product “No such product”" in " ".join(result.problems)
    assert not KnowledgeNeed.objects.exists()


def test_an_activity_names_its_needs_products_and_organisations():
    need = KnowledgeNeedFactory(title="Budgets")
    ProductFactory(title="Score cards")
    OrganisationFactory(name="Delta Rights")
    row = {
        "title": "Budget advocacy peer exchange",
        "status": "open",
        "summary": "Compare notes.",
        "format": learning_format("peer-exchange").name,
        "start_date": "2027-01-12",
        "start_time": "14:00",
        "end_time": "15:30",
        "online": "yes",
        "open_to": "everyone",
        "organisations": "Delta Rights",
        "needs": need.reference,
        "products": "Score cards",
    }
    imported(ActivityResource(), [row])
    activity = LearningActivity.objects.get()
    assert (activity.start_date.isoformat(), activity.start_time.isoformat()) == ("2027-01-12", "14:00:00")
    assert [n.title for n in activity.needs.all()] == ["Budgets"]
    assert [p.title for p in activity.products.all()] == ["Score cards"]


def test_stakeholders_keep_their_scope_and_category_and_match_by_name_and_scope():
    imported(
        StakeholderResource(), [{"name": "Land Commission", "scope": "external", "category": "government"}]
    )
    imported(StakeholderResource(), [{"name": "Land Commission", "scope": "internal", "category": "other"}])
    assert sorted(Stakeholder.objects.values_list("scope", "category")) == [
        ("external", "government"),
        ("internal", "other"),
    ]


def test_partnership_members_keep_their_roles():
    ProgrammeFactory(name="Power of Voices")
    OrganisationFactory(name="Delta Rights")
    OrganisationFactory(name="Nyota Rights Collective")
    row = {
        "name": "Voices for Water Justice",
        "programme": "Power of Voices",
        "members": "Delta Rights (lead); Nyota Rights Collective (southern partner)",
    }
    imported(PartnershipResource(), [row])
    roles = dict(Membership.objects.values_list("organisation__name", "role"))
    assert roles == {"Delta Rights": "lead", "Nyota Rights Collective": "southern-partner"}
    exported = PartnershipResource().export().dict[0]["Members"]
    assert exported == "Delta Rights (lead); Nyota Rights Collective (southern partner)"
    # Changing a role is a change; the same roles are not.
    assert imported(PartnershipResource(), [row]).totals["skip"] == 1
    imported(PartnershipResource(), [{**row, "members": "Delta Rights; Nyota Rights Collective (lead)"}])
    assert dict(Membership.objects.values_list("organisation__name", "role")) == {
        "Delta Rights": "member",
        "Nyota Rights Collective": "lead",
    }
