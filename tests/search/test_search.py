"""Full-text search: stored, weighted vectors on PostgreSQL, an FTS5 table on SQLite, both stemmed and ranked.
The documents are kept current by the admin, the services and a command, never by save() or signals."""

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from inventory import services
from inventory.models import KnowledgeProduct
from search.filters import ProductFilter
from search.fulltext import update_search_vectors
from tests.factories import (
    ProductFactory,
    ProductTypeFactory,
    ProgrammeFactory,
    ThemeFactory,
    complete_product,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


def search(text: str, **params) -> list[str]:
    query = QueryDict(mutable=True)
    query.update({"q": text, **params})
    return [p.title for p in ProductFilter(query).qs]


class TestFullTextSearch:
    def test_english_stemming_finds_toolkit_when_asked_for_toolkits(self):
        ProductFactory(title="Budget monitoring toolkit")
        ProductFactory(title="Land rights guide")
        update_search_vectors()
        assert search("toolkits") == ["Budget monitoring toolkit"]
        assert search("monitored budgets") == ["Budget monitoring toolkit"]

    def test_a_match_in_the_title_ranks_above_summary_and_tags_above_description(self):
        ProductFactory(title="Community radio", description="How to lobby a district council.")
        ProductFactory(title="Score cards", summary="Lobby the council with evidence.")
        ProductFactory(title="Lobby guide for councils")
        ProductFactory(title="Case files", tags=["lobby"])
        ProductFactory(title="Unrelated", summary="Nothing to see.")
        update_search_vectors()
        ranked = search("lobby")
        assert ranked[0] == "Lobby guide for councils"
        assert set(ranked[1:3]) == {"Score cards", "Case files"}
        assert ranked[3] == "Community radio"
        assert "Unrelated" not in ranked

    def test_why_it_is_valuable_and_tags_are_searched(self):
        ProductFactory(title="One", why_valuable="Partners reused the scorecards elsewhere.")
        ProductFactory(title="Two", tags=["pastoralism"])
        update_search_vectors()
        assert search("scorecard") == ["One"]
        assert search("pastoralism") == ["Two"]

    def test_web_search_syntax_phrases_and_exclusions(self):
        ProductFactory(title="Gender budget toolkit")
        ProductFactory(title="Budget for gender work")
        update_search_vectors()
        assert search('"gender budget"') == ["Gender budget toolkit"]
        assert search("budget -toolkit") == ["Budget for gender work"]

    def test_sorting_by_title_overrides_relevance(self):
        ProductFactory(title="Zebra crossing water", description="water")
        ProductFactory(title="Apple water water", summary="water water")
        update_search_vectors()
        assert search("water", sort="title") == ["Apple water water", "Zebra crossing water"]

    def test_a_query_of_only_stop_words_or_symbols_finds_nothing_and_does_not_fail(self):
        ProductFactory(title="The toolkit")
        update_search_vectors()
        assert search("the") == []
        assert search("!!! & | :*") == []

    def test_drafts_are_never_found(self):
        ProductFactory(title="Public toolkit")
        ProductFactory(title="Draft toolkit", status=Status.DRAFT, published_at=None)
        update_search_vectors()
        assert search("toolkit") == ["Public toolkit"]

    def test_a_product_without_a_vector_is_not_found_until_vectors_are_updated(self):
        ProductFactory(title="Fresh toolkit")
        assert search("toolkit") == []
        call_command("update_search_vectors", verbosity=0)
        assert search("toolkit") == ["Fresh toolkit"]

    def test_setting_up_a_development_database_brings_the_vectors_up_to_date(self, settings):
        settings.DEBUG = True
        ProgrammeFactory()  # reference and demo data are "already there": nothing is loaded
        ProductFactory(title="Loaded toolkit")
        call_command("setup_dev", stdout=StringIO())
        assert search("toolkit") == ["Loaded toolkit"]

    def test_update_search_vectors_can_update_only_some_products(self):
        first = ProductFactory(title="First toolkit")
        ProductFactory(title="Second toolkit")
        assert update_search_vectors([first.pk]) == 1
        assert search("toolkit") == ["First toolkit"]
        assert update_search_vectors() == 2
        assert set(search("toolkit")) == {"First toolkit", "Second toolkit"}
        assert update_search_vectors([]) == 0

    def test_publishing_through_the_service_makes_a_product_searchable(
        self, django_capture_on_commit_callbacks
    ):
        # The documents follow once the change commits (the test's transaction never does).
        with django_capture_on_commit_callbacks(execute=True):
            product = complete_product(title="Nominated toolkit", status=Status.SUBMITTED)
            services.product_set_status(product=product, status=Status.PUBLISHED)
        assert search("toolkit") == ["Nominated toolkit"]

    def test_saving_in_the_admin_updates_the_vector_with_the_tags(
        self, curator_client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            product = ProductFactory(title="Score cards", product_type=ProductTypeFactory(name="Toolkit"))
            theme = ThemeFactory()
        form = {
            "title": "Score cards",
            "slug": product.slug,
            "product_type": product.product_type_id,
            "status": Status.PUBLISHED,
            "summary": product.summary,
            "tags": "pastoralism",
            "themes": [theme.pk],
            "involvements-TOTAL_FORMS": "0",
            "involvements-INITIAL_FORMS": "0",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "licence": "unknown",
            "involvements-MIN_NUM_FORMS": "0",
            "involvements-MAX_NUM_FORMS": "1000",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = curator_client.post(
                reverse("admin:inventory_knowledgeproduct_change", args=[product.pk]), form
            )
        assert response.status_code == 302
        assert search("pastoralism") == ["Score cards"]

    def test_renaming_a_tag_in_the_admin_updates_the_vectors_of_its_products(
        self, curator_client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            product = ProductFactory(title="Score cards", tags=["pastoralism"])
        assert search("pastoralism") == ["Score cards"]
        tag = product.tags.get()
        with django_capture_on_commit_callbacks(execute=True):
            response = curator_client.post(
                reverse("admin:taggit_tag_change", args=[tag.pk]), {"name": "nomadism", "slug": "nomadism"}
            )
        assert response.status_code == 302
        assert search("nomadism") == ["Score cards"]
        assert search("pastoralism") == []


def test_sqlite_searches_its_fts5_table():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's vectors are tested above")
    with connection.cursor() as cursor:
        # A test run with real transactions (the browser tests) leaves rows a flush does not empty.
        cursor.execute("DELETE FROM search_fts")
    ProductFactory(title="Toolkits for all")
    assert update_search_vectors() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM search_fts WHERE search_fts MATCH 'toolkit'")
        assert cursor.fetchall() == [("Toolkits for all",)]


def test_a_product_removed_beneath_the_site_is_forgotten_by_sqlites_search_after_a_flush_or_migrate():
    from django.core.management.sql import emit_post_migrate_signal

    from search.fulltext import matching_ids

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's search documents are rows of a table the flush empties")
    kept, removed = ProductFactory(title="Water kept"), ProductFactory(title="Water removed")
    update_search_vectors()
    with connection.cursor() as cursor:  # as a flush empties the table: no signal, no change followed
        cursor.execute("DELETE FROM inventory_knowledgeproduct WHERE id = %s", [removed.pk])
    assert sorted(matching_ids("water").tolist()) == sorted([kept.pk, removed.pk])
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what flush and migrate send
    assert matching_ids("water").tolist() == [kept.pk]


def test_a_search_ranks_alike_on_the_browse_page_page_after_page_in_the_api_and_in_the_csv(client):
    """A search puts first the products with its word in more of their fields (title, summary, tags), and
    the browse page, page after page, the API's list and the CSV export give them in the same order."""
    for n in range(45):
        ProductFactory(
            title=f"Lobby {'toolkit' if n % 3 else 'guide'} {n}",
            summary="Lobby the council." if n % 4 == 1 else "Work with councils.",
            year=2016 + n % 5,
            tags=["lobby"] if n % 4 == 1 else [],
        )
    ProductFactory(title="Unrelated")
    update_search_vectors()
    shown, number, last = [], 1, 1
    while number <= last:
        page = client.get(reverse("pages:product-list"), {"q": "lobby", "page": number}).context["page"]
        shown += [product.slug for product in page.object_list]
        number, last = number + 1, page.paginator.num_pages
    assert last > 1
    numbers = [int(slug.rsplit("-", 1)[1]) for slug in shown]
    assert len(numbers) == 45
    assert {n % 4 for n in numbers[:11]} == {1}  # in the title, the summary and the tags
    assert 1 not in {n % 4 for n in numbers[11:]}  # in the title only
    in_api, url = [], "/api/products/?q=lobby&page_size=10"
    while url:
        body = client.get(url).json()
        in_api += [product["slug"] for product in body["results"]]
        url = body["next"]
    assert in_api == shown
    text = b"".join(client.get(reverse("opendata:product-export"), {"q": "lobby"}).streaming_content)
    rows = csv.DictReader(io.StringIO(text.decode("utf-8-sig")))
    assert [row["page"].rstrip("/").rsplit("/", 1)[1] for row in rows] == shown


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's vectors")
class TestDocumentWordsWithoutPositions:
    """A document's words are searched at the lowest weight without their positions, which made most of the
    search table's size; the record's words keep theirs."""

    @pytest.fixture
    def products(self):
        from inventory.models import DocumentText

        in_document = ProductFactory(title="Annual report", summary="What the year brought.")
        DocumentText.objects.create(product=in_document, text="Pastoralist cooperatives met. " * 300)
        ProductFactory(title="Pastoralist cooperatives", summary="How herders organise.")
        update_search_vectors()
        return in_document

    def vector_parts(self, product) -> tuple[int, int]:
        """(lexemes with positions at weight D, lexemes in all)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT length(ts_filter(vector, '{d}')), length(vector) FROM inventory_searchdocument "
                "WHERE product_id = %s",
                [product.pk],
            )
            return cursor.fetchone()

    def test_a_word_only_in_the_document_is_found_and_ranks_below_the_record(self, products):
        assert search("cooperatives") == ["Pastoralist cooperatives", "Annual report"]
        positioned, lexemes = self.vector_parts(products)
        assert positioned == 0 and lexemes >= 5  # 'pastoralist', 'cooper', 'met' and the record's words

    def test_vectors_written_before_lose_the_documents_positions_and_keep_the_records(self, products):
        import importlib

        migration = importlib.import_module("search.migrations.0002_document_words_without_positions")
        with connection.cursor() as cursor:  # as the search documents were written before
            cursor.execute(
                "UPDATE inventory_searchdocument SET vector = "
                "setweight(to_tsvector('english', 'Annual report'), 'A') "
                "|| setweight(to_tsvector('english', %s), 'D') WHERE product_id = %s",
                ["Pastoralist cooperatives met. " * 300, products.pk],
            )
        assert self.vector_parts(products)[0] > 0
        with connection.schema_editor() as editor:
            migration.strip_documents(None, editor)
        positioned, _lexemes = self.vector_parts(products)
        assert positioned == 0
        assert search("cooperatives") == ["Pastoralist cooperatives", "Annual report"]
        assert search('"annual report"') == ["Annual report"]  # the record's phrase, positions kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ranking vectors")
class TestRankedByTheRecordsOwnWords:
    """A search finds a product by every name it carries, and ranks it by its own words (the head): the
    names of the organisations and places that made a product are no measure of what it is about."""

    @pytest.fixture
    def products(self):
        from tests.factories import OrganisationFactory

        by_name = ProductFactory(
            title="Annual review",
            summary="What the year brought.",
            organisations=[OrganisationFactory(name="Pastoralist Voices Network")],
            published_at="2026-01-01T00:00:00Z",
        )
        about = ProductFactory(
            title="Mobile schools",
            summary="How pastoralist families keep children learning.",
            published_at="2020-01-01T00:00:00Z",
        )
        tagged = ProductFactory(
            title="Grazing maps", tags=["pastoralist herders"], published_at="2019-01-01T00:00:00Z"
        )
        update_search_vectors()
        return by_name, about, tagged

    def heads(self) -> dict[int, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT product_id, head::text FROM inventory_searchdocument")
            return dict(cursor.fetchall())

    def test_a_product_found_by_an_organisations_name_ranks_below_one_about_the_word(self, products):
        # The newest, found only by its organisation's name, comes after the older ones about pastoralism.
        assert search("pastoralist") == ["Mobile schools", "Grazing maps", "Annual review"]
        assert search("pastoralist", sort="newest")[0] == "Annual review"

    def test_documents_written_before_get_the_head_that_writing_them_again_gives(self, products):
        import importlib

        migration = importlib.import_module("search.migrations.0003_ranking_heads")
        written = self.heads()
        assert all(written.values())
        assert "'pastoralist':" in written[products[2].pk] and "'voic'" not in written[products[0].pk]
        with connection.cursor() as cursor:
            cursor.execute("UPDATE inventory_searchdocument SET head = NULL")
        with connection.schema_editor() as editor:
            migration.fill_heads(None, editor)
        assert self.heads() == written
        assert search("pastoralist") == ["Mobile schools", "Grazing maps", "Annual review"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner setting")
def test_matches_read_through_the_index_leave_the_transactions_other_queries_planned_as_usual():
    from pyroaring import FrozenBitMap

    from search.fulltext import matches_by_rank

    water = ProductFactory(title="Water toolkit")
    update_search_vectors()
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]
        # Within the test's transaction, as in a request's; unranked (no relevance index), as a bitmap
        assert matches_by_rank("water", None) == [FrozenBitMap([water.pk])]
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == workers
