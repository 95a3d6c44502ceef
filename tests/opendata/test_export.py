"""/products/export.csv: the browse filters as a CSV file, streamed in chunks, with relations by name and
no cell a spreadsheet would run."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from opendata import exports
from search import facets
from search.fulltext import update_search_vectors
from tests.factories import (
    InvolvementFactory,
    MembershipFactory,
    ProductFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
EXPORT = reverse("opendata:product-export")


def export(client, query: str = "", status: int = 200):
    response = client.get(f"{EXPORT}?{query}")
    assert response.status_code == status
    return response


def rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "a byte-order mark, for Excel"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_address_is_the_one_in_the_design():
    assert EXPORT == "/products/export.csv"


def test_it_is_a_csv_attachment_streamed_not_built_in_memory(client):
    ProductFactory()
    response = export(client)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="knowledge-products.csv"'
    assert list(rows(response)[0]) == exports.COLUMNS


def test_a_row_gives_relations_by_name(client):
    theme = ThemeFactory(name="Land rights")
    membership = MembershipFactory(
        partnership__name="Green Alliance", partnership__programme__name="Dialogue and Dissent"
    )
    product = ProductFactory(
        title="Budget toolkit",
        themes=[theme],
        tags=["budget", "audit"],
        partnerships=[membership.partnership],
        organisations=[membership.organisation],
        countries=["KE", "UG"],
        languages=["en"],
        year=2019,
        featured=True,
        url="https://example.org/toolkit",
    )
    InvolvementFactory(product=product, stakeholder__name="District council", role="user")
    (row,) = rows(export(client))
    assert row["title"] == "Budget toolkit"
    assert row["page"] == f"http://testserver/products/{product.slug}/"
    assert row["type"] == product.product_type.name
    assert row["themes"] == "Land rights"
    assert row["tags"] == "audit; budget"
    assert row["partnerships"] == "Green Alliance"
    assert row["programmes"] == "Dialogue and Dissent"
    assert row["organisations"] == membership.organisation.name
    assert row["stakeholders"] == "District council (user)"
    assert row["countries"] == "Kenya; Uganda"
    assert row["languages"] == "English"
    assert row["year"] == "2019" and row["featured"] == "yes" and row["link"] == "https://example.org/toolkit"
    assert row["published"] == product.published_at.date().isoformat()


def test_it_exports_published_products_only_and_no_private_column(client):
    ProductFactory(title="Public", nominator_email="nominator@private.example")
    for status in ("draft", "submitted", "archived"):
        ProductFactory(title=f"Hidden {status}", status=status, published_at=None)
    response = export(client)
    assert [row["title"] for row in rows(response)] == ["Public"]
    for column in exports.COLUMNS:
        assert "nominat" not in column and "status" not in column


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_as_a_formula_are_defused(client, start):
    ProductFactory(title=f'{start}HYPERLINK("http://evil.example")', summary=f"{start}1+1")
    (row,) = rows(export(client))
    assert row["title"] == f'\'{start}HYPERLINK("http://evil.example")'
    assert row["summary"] == f"'{start}1+1"


def test_ordinary_cells_are_left_as_they_are(client):
    ProductFactory(title="Budget = power? A 100% guide", summary="Costs: -5% (not a formula)")
    (row,) = rows(export(client))
    assert row["title"] == "Budget = power? A 100% guide" and row["summary"] == "Costs: -5% (not a formula)"


def test_it_takes_the_browse_filters_and_sort(client):
    land = ThemeFactory(slug="land")
    ProductFactory(title="B on land", themes=[land])
    ProductFactory(title="A on land", themes=[land])
    ProductFactory(title="Elsewhere")
    assert [row["title"] for row in rows(export(client, "theme=land&sort=title"))] == [
        "A on land",
        "B on land",
    ]


@pytest.mark.parametrize("walking", [1, 10**6], ids=["groups-sorted", "order-walked"])
@pytest.mark.parametrize(
    "query", ["", "sort=oldest", "sort=title", "q=water", "q=water&sort=oldest", "q=water+land&sort=title"]
)
def test_the_export_lists_the_products_in_the_browse_pages_order(client, monkeypatch, query, walking):
    """The export walks the results in order one at a time (search.facets.Selection.in_order) where the
    page takes a slice of them: the same order, a search's groups of equal relevance included, whether a
    group is put in order by sorting it or by walking the newest-first order."""
    monkeypatch.setattr(facets, "IN_ORDER_BY_WALKING", walking)
    for n in range(14):
        ProductFactory(
            title=f"Water {n}" if n % 3 == 0 else f"Product {n}",
            description="water and land" if n % 2 else "land rights",
            year=2010 + n % 4,
        )
    update_search_vectors()
    page = client.get(f"/products/?{query}").context["page"]
    expected = [product.title for product in page.paginator.object_list]
    assert len(expected) >= 7
    assert [row["title"] for row in rows(export(client, query))] == expected


def test_a_filter_that_names_nothing_is_a_400_saying_which_and_why(client):
    response = export(client, "theme=no-such-theme&year_max=later", status=400)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "theme: There is no theme “no-such-theme”." in text
    assert "year_max: Give the year as a number, such as 2018." in text


def test_rows_are_fetched_a_chunk_at_a_time_with_their_relations(
    client, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 10)
    theme = ThemeFactory()
    for _ in range(25):
        product = ProductFactory(themes=[theme], tags=["a"], countries=["KE"], languages=["en"])
        product.partnerships.add(MembershipFactory().partnership)
        InvolvementFactory(product=product)
    export(client)  # the facet index, which gives the products in order, built once per data version
    # Per chunk of 10 (3 chunks): one query for the chunk's products with their types, by id, then one for
    # each of the seven relations: themes, tags, partnerships with programmes, organisations, countries,
    # languages, stakeholders. A fourth chunk would add eight more. (The first chunk is read before the
    # response starts.)
    with django_assert_num_queries(3 * (1 + 7)):
        assert len(rows(export(client))) == 25


def test_the_browse_page_links_to_its_results_as_csv_and_feed(client):
    ProductFactory.create_batch(30, countries=["NL"])
    page = client.get("/products/?country=NL&page=2&theme=unknown").content.decode()
    # The filters in effect, without the page number or the refused parameter (which would give a 400).
    assert f'<a href="{EXPORT}?country=NL" download>Download these results</a>' in page
    assert '<a href="/feeds/?country=NL">Follow new ones</a>' in page
    assert f'<a href="{EXPORT}" download>' in client.get("/products/").content.decode()


def test_an_empty_result_offers_no_download(client):
    ProductFactory(countries=["NL"])
    assert "Download these results" not in client.get("/products/?country=KE").content.decode()
