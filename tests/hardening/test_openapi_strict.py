"""The OpenAPI schema describes every real answer strictly: each response body of each operation, for real
data with nulls in it (a theme without a parent, an organisation without a country, a partnership without a
lead), validates against the operation's schema with a JSON Schema validator, which ignores no keyword."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from tests.factories import OrganisationFactory, PartnershipFactory
from tests.open_data import build_inventory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def validator_for(schema: dict, path: str, status: str = "200") -> Draft202012Validator:
    body = schema["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    return Draft202012Validator(
        {**body, "components": schema["components"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def test_the_schema_declares_its_server_contact_licence_and_tags(schema, settings):
    assert schema["openapi"].startswith("3.1")
    assert schema["servers"] == [{"url": settings.SITE_URL, "description": "The knowledge map"}]
    assert schema["info"]["contact"]["email"] == settings.CONTACT_EMAIL
    assert schema["info"]["license"]["url"] == settings.OPEN_DATA_LICENCE_URL
    used = {tag for item in schema["paths"].values() for op in item.values() for tag in op.get("tags", [])}
    assert used <= {tag["name"] for tag in schema["tags"]}


def test_every_real_answer_validates_strictly_against_its_operation(client, schema):
    inventory = build_inventory()
    OrganisationFactory(country=None)
    PartnershipFactory(lead_organisation=None)
    checked = 0
    for path in schema["paths"]:
        if "{" in path:
            continue
        listing = client.get(path)
        assert listing.status_code == 200, path
        errors = [
            f"{list(e.absolute_path)}: {e.message}"
            for e in validator_for(schema, path).iter_errors(listing.json())
        ]
        assert errors == [], f"{path}: {errors[:3]}"
        checked += 1
        if listing.json().get("count", 0) >= 3:  # A middle page: both `next` and `previous` are links.
            middle = client.get(f"{path}?page_size=1&page=2").json()
            assert middle["next"] and middle["previous"]
            assert validator_for(schema, path).is_valid(middle), path
            checked += 1
        detail = next((p for p in schema["paths"] if p.startswith(path) and "{" in p), None)
        for row in listing.json().get("results", [])[:10] if detail else []:
            key = row.get("slug") or row.get("code")
            response = client.get(f"{path}{key}/")
            assert response.status_code == 200, response.content
            errors = [error.message for error in validator_for(schema, detail).iter_errors(response.json())]
            assert errors == [], f"{path}{key}/: {errors[:3]}"
            checked += 1
    assert checked > 20, inventory
