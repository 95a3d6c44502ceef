"""The OpenAPI 3 schema at /api/schema/ and the documentation page made from it at /api/docs/."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from opendata.docs import documentation_for
from search.filters import ProductFilter

pytestmark = pytest.mark.django_db

OPERATIONS = [
    "/api/activities/",
    "/api/activities/{slug}/",
    "/api/collections/",
    "/api/collections/{slug}/",
    "/api/organisations/",
    "/api/organisations/{slug}/",
    "/api/partnerships/",
    "/api/partnerships/{slug}/",
    "/api/product-types/",
    "/api/product-types/{slug}/",
    "/api/products/",
    "/api/products/{slug}/",
    "/api/themes/",
    "/api/themes/{slug}/",
]


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_it_is_a_valid_openapi_3_schema_of_every_operation(schema):
    validate_schema(schema)  # raises on an invalid schema
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == OPERATIONS
    assert all(list(methods) == ["get"] for methods in schema["paths"].values())


def test_it_is_the_schema_the_fuzzer_reads(schema):
    generated = SchemaGenerator().get_schema(request=None, public=True)
    assert schema == generated


def test_yaml_is_there_for_those_who_ask(client):
    response = client.get("/api/schema/?format=yaml")
    assert response.status_code == 200 and response.content.startswith(b"openapi: 3.")


def test_the_products_list_documents_every_browse_filter_and_its_errors(schema):
    operation = schema["paths"]["/api/products/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {*ProductFilter.base_filters, "page", "page_size"}
    assert parameters["theme"]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert parameters["theme"]["explode"] is True  # ?theme=a&theme=b
    assert parameters["region"]["schema"]["items"]["enum"][0] == "asia"
    assert set(operation["responses"]) == {"200", "400", "404"}


def test_the_documentation_page_lists_every_operation_parameter_and_field(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    listed = re.findall(r'<a href="#op-[^"]+"><code>GET ([^<]+)</code></a>', page)
    assert listed[:2] == ["/api/products/", "/api/products/{slug}/"]  # the main thing first
    assert sorted(listed) == OPERATIONS
    assert "<code>year_min</code>" in page and "<code>sub-saharan-africa</code>" in page
    assert '<h3 id="schema-Product-heading">Product</h3>' in page
    assert "<code>why_valuable</code>" in page
    assert '<a href="#schema-PaginatedProductList">PaginatedProductList</a>' in page


def test_the_documentation_page_needs_no_script_and_no_other_host(client):
    response = client.get("/api/docs/")
    page = response.content.decode()
    assert "<script" not in page and "style=" not in page
    assert not re.search(r'(src|href)="https?://(?!testserver)', page)
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_documentation_is_made_once_and_costs_no_query(client, django_assert_num_queries):
    documentation_for.cache_clear()
    client.get("/api/docs/")
    with django_assert_num_queries(0):
        assert client.get("/api/docs/").status_code == 200


def test_every_query_parameter_says_what_it_does(schema):
    """A filter added to the browse page shows up here without words until api/schema.py has them."""
    for path, methods in schema["paths"].items():
        for parameter in methods["get"].get("parameters", []):
            if parameter["in"] == "query":
                words = parameter["description"].partition("\n\n")[0]  # before the list of choices
                assert words.endswith(".") and len(words.split()) >= 3, (path, parameter["name"])
