"""A product as a record people can use: its licence (page, API, CSV, JSON-LD), what opens behind each file
and link, cards that say where it comes from; theme pages and collections, which show published products
only, in a fixed number of queries."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from inventory.models import Collection, CollectionItem, KnowledgeProduct, ProductDocument
from search.fulltext import update_search_vectors
from tests.factories import (
    KnowledgeNeedFactory,
    LearningActivityFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ThemeFactory,
    language,
)
from tests.hardening.test_openapi_strict import validator_for
from tests.pages.test_structured_data import json_ld

pytestmark = pytest.mark.django_db
DRAFT = KnowledgeProduct.Status.DRAFT


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# Licence ----------------------------------------------------------------------------------------------


def test_the_licence_is_shown_with_its_deed_and_what_it_allows(client):
    product = ProductFactory(licence="cc-by-nc-4.0")
    content = page(client, product.get_absolute_url())
    assert (
        '<a href="https://creativecommons.org/licenses/by-nc/4.0/" rel="license noopener">CC BY-NC 4.0</a>'
        in content
    )
    assert "You may share, translate and adapt it, with credit, but not commercially." in content


def test_a_product_without_known_terms_says_so_and_links_nothing(client):
    content = page(client, ProductFactory().get_absolute_url())
    assert "Unknown" in content
    assert "ask its makers before you reuse it" in content
    assert 'rel="license' not in content


def test_the_api_the_csv_and_the_api_root_carry_licences(client, settings):
    product = ProductFactory(licence="cc0-1.0")
    record = client.get(reverse("api:product-detail", args=[product.slug])).json()
    assert record["licence"] == {
        "code": "cc0-1.0",
        "name": "CC0 1.0",
        "url": "https://creativecommons.org/publicdomain/zero/1.0/",
    }
    rows = list(
        csv.DictReader(io.StringIO(client.get("/products/export.csv").getvalue().decode("utf-8-sig")))
    )
    assert (rows[0]["licence"], rows[0]["licence_url"]) == (
        "CC0 1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    )
    root = client.get("/api/").json()
    assert root["licence"] == {"name": settings.OPEN_DATA_LICENCE_NAME, "url": settings.OPEN_DATA_LICENCE_URL}


def test_the_api_schema_documents_and_validates_the_new_fields(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    theme = ThemeFactory()
    ProductFactory(licence="cc-by-4.0")
    ProductFactory(licence="all-rights-reserved")  # a licence without a deed: url null
    collection = Collection.objects.create(
        title="Start here", introduction="Read these first.", is_public=True, theme=theme
    )
    Collection.objects.create(title="No theme", introduction="Also fine.", is_public=True)
    for position, product in enumerate(ProductFactory.create_batch(2)):
        CollectionItem.objects.create(collection=collection, product=product, position=position)
    assert "licence" in schema["components"]["schemas"]["Product"]["properties"]
    for path in ("/api/products/", "/api/collections/"):
        body = client.get(path).json()
        assert body["count"] == 2 if path == "/api/collections/" else body["count"] >= 2
        errors = [error.message for error in validator_for(schema, path).iter_errors(body)]
        assert errors == [], path


# What opens -------------------------------------------------------------------------------------------


def test_each_file_and_link_says_what_opens(client):
    product = ProductFactory(url="https://example.org/toolkit", languages=["fr"])
    product.file.save("toolkit.pdf", ContentFile(b"%PDF-1.7 " + b"x" * 2_400_000))
    summary = ProductDocument(product=product, label="Summary", language=language("en"))
    summary.file.save("summary.docx", ContentFile(b"x" * 2048))
    ProductDocument.objects.create(product=product, label="Webinar", url="https://example.org/webinar")
    content = page(client, product.get_absolute_url())
    assert "Web page on another site · French" in content
    assert "PDF · 2.3\xa0MB · French" in content
    assert "Word document · 2.0\xa0KB · English" in content
    assert reverse("inventory:product-document-download", args=[product.slug, summary.pk]) in content
    assert '<a class="button button-secondary" href="https://example.org/webinar"' in content


def test_a_further_file_is_served_for_published_products_only(client):
    product = ProductFactory()
    document = ProductDocument(product=product, label="Annex")
    document.file.save("annex.pdf", ContentFile(b"%PDF-1.7 annex"))
    url = reverse("inventory:product-document-download", args=[product.slug, document.pk])
    assert client.get(url).status_code == 200
    KnowledgeProduct.objects.filter(pk=product.pk).update(status=DRAFT)
    assert client.get(url).status_code == 404


# Cards ------------------------------------------------------------------------------------------------


def test_cards_name_type_year_the_partnerships_full_name_and_the_places(client):
    partnership = PartnershipFactory(name="Voices for Water Justice", acronym="VWJ")
    ProductFactory(
        product_type=ProductTypeFactory(name="Toolkit"),
        year=2018,
        partnerships=[partnership],
        countries=["KE", "UG"],
    )
    ProductFactory(title="Many places", countries=["KE", "UG", "BO", "PE"])
    content = page(client, "/products/")
    assert "Toolkit · 2018" in content
    assert '<span class="card-partnership">Voices for Water Justice</span>' in content
    assert "Kenya, Uganda" in content
    assert "Latin America and the Caribbean, Sub-Saharan Africa" in content  # four countries: their regions


def test_a_cards_text_is_escaped_and_only_the_search_passages_marks_are_markup(client):
    partnership = PartnershipFactory(name="<b>Bold</b> partners")
    ProductFactory(
        title="Water <script>alert(1)</script> & co",
        summary="Water <i>talks</i> at the well.",
        partnerships=[partnership],
        featured=True,
    )
    update_search_vectors()
    content = page(client, "/products/?q=water")
    assert "Water &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in content
    assert "<script>alert" not in content
    assert "&lt;b&gt;Bold&lt;/b&gt; partners" in content
    # The passage: its words marked, no other markup (SQLite shows the tags as text, PostgreSQL drops them).
    assert '<p class="card-snippet">' in content and "<mark>Water</mark>" in content
    assert "<i>" not in content
    assert '<span class="badge badge-featured">Among the most valuable</span>' in content


# Theme pages ------------------------------------------------------------------------------------------


@pytest.fixture
def civic_space():
    theme = ThemeFactory(name="Civic space", slug="civic-space", description="Room for civil society to act.")
    ThemeFactory(name="Protest rights", slug="protest-rights", parent=theme)
    return theme


def test_a_theme_page_joins_products_needs_gaps_activities_and_collections(client, civic_space):
    sub = civic_space.children.get()
    ProductFactory(title="Featured guide", themes=[sub], featured=True)
    ProductFactory(title="Recent study", themes=[civic_space])
    ProductFactory(title="Draft never shown", themes=[civic_space], status=DRAFT, published_at=None)
    KnowledgeNeedFactory(title="How to defend protesters in court", themes=[sub], consent_to_publish=True)
    KnowledgeNeedFactory(title="A private need", themes=[civic_space], consent_to_publish=False)
    LearningActivityFactory(title="Webinar on assembly laws", themes=[civic_space])
    Collection.objects.create(
        title="Start here: civic space", introduction="Read these first.", theme=civic_space, is_public=True
    )
    Collection.objects.create(title="Hidden list", introduction="Not yet.", theme=civic_space)
    content = page(client, "/themes/civic-space/")
    for shown in (
        "Room for civil society to act.",
        'href="/themes/protest-rights/"',
        "Featured guide",
        "Recent study",
        "How to defend protesters in court",
        "Webinar on assembly laws",
        "Start here: civic space",
        'href="/products/?theme=civic-space"',
    ):
        assert shown in content, shown
    for hidden in ("Draft never shown", "A private need", "Hidden list"):
        assert hidden not in content, hidden
    assert "Open needs" in content
    assert page(client, "/nl/themes/civic-space/").count("Civic space") >= 1


def test_a_theme_page_shows_its_and_its_sub_themes_most_recently_published_products(client, civic_space):
    from datetime import timedelta

    from django.utils import timezone

    from pages.themes import THEME_FEATURED, THEME_RECENT

    sub, other = civic_space.children.get(), ThemeFactory(name="Water")
    start = timezone.now() - timedelta(days=100)
    for n in range(24):
        theme = [civic_space, sub, other][n % 3]
        ProductFactory(
            title=f"P{n}", themes=[theme], featured=n % 4 == 0, published_at=start + timedelta(days=n)
        )
    ProductFactory(title="Newest draft", themes=[civic_space], featured=True, status=DRAFT, published_at=None)
    for theme, tree in [(civic_space, [civic_space, sub]), (sub, [sub])]:
        products = KnowledgeProduct.objects.published().filter(themes__in=tree).distinct()
        featured = list(
            products.featured().recently_published().values_list("title", flat=True)[:THEME_FEATURED]
        )
        recent = list(
            products.exclude(featured=True)
            .recently_published()
            .values_list("title", flat=True)[:THEME_RECENT]
        )
        response = client.get(f"/themes/{theme.slug}/")
        assert [product.title for product in response.context["featured"]] == featured, theme
        assert [product.title for product in response.context["recent"]] == recent, theme
        assert featured and recent and "Newest draft" not in response.content.decode()


def test_an_unknown_theme_answers_404(client):
    page(client, "/themes/nothing-here/", status=404)


def test_the_theme_page_makes_the_same_queries_however_much_it_holds(
    client, civic_space, django_assert_num_queries
):
    def fill(n):
        for i in range(n):
            ProductFactory(
                themes=[civic_space],
                featured=i % 2 == 0,
                countries=["KE"],
                partnerships=[PartnershipFactory()],
            )
            LearningActivityFactory(themes=[civic_space])
        KnowledgeNeedFactory.create_batch(n, themes=[civic_space], consent_to_publish=True)

    fill(2)
    client.get("/themes/civic-space/")  # the gap figures, once per data version
    # 1 the theme with its parent, 2 its sub-themes; 3 the featured and the recent products, picked in the
    # facet index and read by id (each with their partnerships and countries, read in their rows);
    # 4 upcoming activities with formats; 5 collections.
    with django_assert_num_queries(5):
        client.get("/themes/civic-space/")
    fill(8)
    client.get("/themes/civic-space/")
    with django_assert_num_queries(5):
        client.get("/themes/civic-space/")


def test_every_theme_name_on_the_product_page_links_its_theme_page(client, civic_space):
    product = ProductFactory(themes=[civic_space])
    assert 'href="/themes/civic-space/"' in page(client, product.get_absolute_url())


# Collections ------------------------------------------------------------------------------------------


@pytest.fixture
def collection(civic_space):
    collection = Collection.objects.create(
        title="Five tools for budget advocacy",
        introduction="Start with the first.",
        theme=civic_space,
        is_public=True,
    )
    second, first = ProductFactory(title="Second tool"), ProductFactory(title="First tool")
    draft = ProductFactory(title="Unpublished tool", status=DRAFT, published_at=None)
    CollectionItem.objects.create(collection=collection, product=second, position=2)
    CollectionItem.objects.create(collection=collection, product=first, position=1, note="Begin here.")
    CollectionItem.objects.create(collection=collection, product=draft, position=0)
    return collection


def test_a_collection_lists_its_published_products_in_order_with_notes(client, collection):
    content = page(client, collection.get_absolute_url())
    assert "Start with the first." in content
    assert content.index("First tool") < content.index("Second tool")
    assert "Begin here." in content
    assert "Unpublished tool" not in content
    assert "Five tools for budget advocacy" in page(client, "/collections/")
    assert "2 products" in page(client, "/collections/")


def test_the_api_lists_only_published_products_of_a_collection(client, collection):
    record = client.get(reverse("api:collection-detail", args=[collection.slug])).json()
    assert [product["title"] for product in record["products"]] == ["First tool", "Second tool"]
    assert record["theme"]["slug"] == "civic-space"


def test_a_collection_not_yet_shown_is_not_found_anywhere(client, collection):
    Collection.objects.filter(pk=collection.pk).update(is_public=False)
    page(client, collection.get_absolute_url(), status=404)
    assert "Five tools" not in page(client, "/collections/")
    assert client.get(reverse("api:collection-detail", args=[collection.slug])).status_code == 404


def test_the_collection_page_makes_the_same_queries_however_long(
    client, collection, django_assert_num_queries
):
    # 1 the collection with its theme, 2 its published products in order, with their partnerships and
    # countries read in their rows.
    with django_assert_num_queries(2):
        client.get(collection.get_absolute_url())
    for position, product in enumerate(
        ProductFactory.create_batch(10, countries=["KE"], partnerships=[PartnershipFactory()])
    ):
        CollectionItem.objects.create(collection=collection, product=product, position=10 + position)
    with django_assert_num_queries(2):
        client.get(collection.get_absolute_url())


# The open data's own licence, and where the new pages are listed --------------------------------------


def test_the_open_data_page_names_its_licence_and_the_footer_links_it(client, settings):
    content = page(client, "/open-data/")
    link = f'<a href="{settings.OPEN_DATA_LICENCE_URL}" rel="license noopener">'
    assert f"{link}{settings.OPEN_DATA_LICENCE_NAME}</a>" in content
    assert 'href="/open-data/"' in page(client, "/")


def test_the_sitemap_lists_theme_pages_and_shown_collections_only(client, collection):
    Collection.objects.create(title="Hidden list", slug="hidden-list", introduction="Not yet.")
    themes = client.get("/sitemap-themes.xml").content.decode()
    assert "/themes/civic-space/" in themes and "/nl/themes/civic-space/" in themes
    collections = client.get("/sitemap-collections.xml").content.decode()
    assert collection.get_absolute_url() in collections
    assert "hidden-list" not in collections


def test_the_collection_list_and_the_open_data_page_make_fixed_queries(
    client, civic_space, django_assert_num_queries
):
    for n in range(6):
        collection = Collection.objects.create(
            title=f"List {n}", introduction="Read these.", theme=civic_space, is_public=True
        )
        for position, product in enumerate(ProductFactory.create_batch(3)):
            CollectionItem.objects.create(collection=collection, product=product, position=position)
    # 1 the shown collections with their themes and their published products counted.
    with django_assert_num_queries(1):
        assert "List 5" in page(client, "/collections/")
    with django_assert_num_queries(0):
        page(client, "/open-data/")


def test_the_json_ld_names_the_licence_by_its_deed_and_none_without_one(client):
    licensed = ProductFactory(licence="cc-by-sa-4.0")
    _text, data = json_ld(client.get(licensed.get_absolute_url()))
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    for terms in ("all-rights-reserved", "unknown"):
        _text, data = json_ld(client.get(ProductFactory(licence=terms).get_absolute_url()))
        assert "license" not in data, terms
