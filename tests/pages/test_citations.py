"""Cite as: the formatted reference and the BibTeX, RIS and CSL-JSON files, for three kinds of product
(one organisation; several; no year), against reference output written by hand, and parsed back with real
parsers (bibtexparser, rispy)."""

import datetime
import json

import bibtexparser
import pytest
import rispy
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from inventory.models import KnowledgeProduct
from pages.citations import bibtex, citation_text, cited_product, csl_item, ris
from tests.factories import OrganisationFactory, PartnershipFactory, ProductFactory, ProductTypeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_url")]
ACCESSED = datetime.date(2026, 3, 9)


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://kennis.example.org"


@pytest.fixture
def one_organisation():
    return ProductFactory(
        title="Budget tracking toolkit",
        slug="budget-tracking-toolkit",
        year=2019,
        product_type=ProductTypeFactory(name="Toolkit"),
        organisations=[OrganisationFactory(name="Delta Rights")],
        partnerships=[PartnershipFactory(name="Voices for Water Justice", acronym="VWJ")],
        languages=["en"],
    )


@pytest.fixture
def several_organisations():
    return ProductFactory(
        title="What 40 district councils did with our budget proposals",
        slug="district-councils",
        year=2020,
        product_type=ProductTypeFactory(name="Research report"),
        organisations=[
            OrganisationFactory(name="Nyota Rights Collective"),
            OrganisationFactory(name="Dura Partners"),
            OrganisationFactory(name="Civic Lab & Co"),
        ],
        partnerships=[PartnershipFactory(name="Voices for Water Justice")],
    )


@pytest.fixture
def no_year():
    return ProductFactory(
        title="Lessons on 100% open budgets",
        slug="open-budgets",
        year=None,
        product_type=ProductTypeFactory(name="Method or tool"),
        organisations=[OrganisationFactory(name="Radio Kaya")],
    )


def item(product):
    return csl_item(cited_product(product.slug), ACCESSED)


REFERENCES = {
    "one_organisation": "Delta Rights (2019). Budget tracking toolkit. Voices for Water Justice. "
    "https://kennis.example.org/products/budget-tracking-toolkit/ (accessed 9 March 2026).",
    "several_organisations": "Civic Lab & Co, Dura Partners & Nyota Rights Collective (2020). "
    "What 40 district councils did with our budget proposals. Voices for Water Justice. "
    "https://kennis.example.org/products/district-councils/ (accessed 9 March 2026).",
    "no_year": "Radio Kaya (n.d.). Lessons on 100% open budgets. "
    "https://kennis.example.org/products/open-budgets/ (accessed 9 March 2026).",
}


@pytest.mark.parametrize("name", REFERENCES)
def test_the_reference_reads_as_written_by_hand(request, name):
    with translation.override("en"):
        assert citation_text(item(request.getfixturevalue(name))) == REFERENCES[name]


def test_the_reference_is_in_the_pages_language(no_year):
    with translation.override("nl"):
        text = citation_text(item(no_year))
    assert "Radio Kaya (z.j.)" in text
    assert "(geraadpleegd op 9 maart 2026)" in text


def test_bibtex_parses_with_a_real_parser_and_keeps_institutions_whole(several_organisations, no_year):
    library = bibtexparser.parse_string(bibtex(item(several_organisations)) + bibtex(item(no_year)))
    assert not library.failed_blocks
    report, paper = library.entries
    assert (report.entry_type, report.key) == ("techreport", "district-councils")
    fields = {key: field.value for key, field in report.fields_dict.items()}
    assert fields == {
        "author": "{Civic Lab \\& Co} and {Dura Partners} and {Nyota Rights Collective}",
        "title": "What 40 district councils did with our budget proposals",
        "year": "2020",
        "institution": "Voices for Water Justice",
        "type": "Research report",
        "url": "https://kennis.example.org/products/district-councils/",
        "urldate": "2026-03-09",
    }
    assert paper.entry_type == "misc"
    assert "year" not in paper.fields_dict  # no year is said as none, not as "n.d."
    assert paper.fields_dict["title"].value == "Lessons on 100\\% open budgets"


def test_ris_parses_with_a_real_parser(one_organisation, several_organisations):
    records = rispy.loads(ris(item(one_organisation)) + "\n" + ris(item(several_organisations)))
    assert [record["type_of_reference"] for record in records] == ["GEN", "RPRT"]
    toolkit, report = records
    assert toolkit["authors"] == ["Delta Rights"]
    assert toolkit["year"] == "2019"
    assert toolkit["publisher"] == "Voices for Water Justice"
    assert toolkit["urls"] == ["https://kennis.example.org/products/budget-tracking-toolkit/"]
    assert toolkit["access_date"] == "2026-03-09"
    assert toolkit["language"] == "en"
    assert report["authors"] == ["Civic Lab & Co", "Dura Partners", "Nyota Rights Collective"]


def test_csl_json_is_the_item_the_other_formats_come_from(client, no_year):
    response = client.get(reverse("pages:cite-csl-json", args=[no_year.slug]))
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    assert response["Content-Disposition"] == 'attachment; filename="open-budgets.json"'
    [record] = json.loads(response.content)
    assert record["author"] == [{"literal": "Radio Kaya"}]
    assert record["title"] == "Lessons on 100% open budgets"
    assert "issued" not in record
    assert record["URL"] == "https://kennis.example.org/products/open-budgets/"


@pytest.mark.parametrize("name", ["pages:cite-bibtex", "pages:cite-ris", "pages:cite-csl-json"])
def test_unpublished_products_have_no_citation(client, name):
    draft = ProductFactory(status=KnowledgeProduct.Status.DRAFT, published_at=None)
    assert client.get(reverse(name, args=[draft.slug])).status_code == 404


def test_the_product_page_shows_the_reference_and_links_the_files(client, one_organisation):
    page = client.get(one_organisation.get_absolute_url()).content.decode()
    assert "Cite as" in page
    assert "Delta Rights (2019). Budget tracking toolkit. Voices for Water Justice." in page
    for name in ("pages:cite-bibtex", "pages:cite-ris", "pages:cite-csl-json"):
        assert reverse(name, args=[one_organisation.slug]) in page


@override_settings(SITE_URL="https://kennis.example.org")
def test_a_citation_file_takes_the_same_four_queries_however_many_authors(
    client, several_organisations, django_assert_num_queries
):
    # 1 the product with its type, prefetched 2 organisations, 3 partnerships, 4 languages.
    with django_assert_num_queries(4):
        client.get(reverse("pages:cite-bibtex", args=[several_organisations.slug]))
