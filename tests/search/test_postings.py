"""PostgreSQL: a search's matches read from the search documents' words kept in memory (search.postings) are
the database's own, and are read from there only while they are the catalogue's as it is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import DocumentText, KnowledgeProduct
from search import postings, relevance
from search.fulltext import matching_ids, update_search_vectors
from tests.factories import OrganisationFactory, ProductFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite's FTS5 table finds the matches itself"
    ),
]

# What people type: words, several words, "or", -excluded words, a search of exclusions only, phrases, stop
# words, accents, Dutch (the thesaurus's English besides), words in a name or a document only, nothing known.
QUERIES = [
    "water",
    "Water rights",
    "budgets",
    "women or youth",
    "water -budget",
    "-water",
    'water -"budget tracking"',
    '"budget tracking"',
    "the and of",
    "género",
    "genero",
    "waterbeheer",
    "klimaatverandering",
    "agua comunidades",
    "Nyota",
    "pastoralist",
    "Kenya farmers",
    "kenia",
    "zzqx",
    "water or zzqx",
    "water zzqx",
    "lobby -zzqx",
    "co-operation",
    "e-mail",
    "covid-19",
    "O'Brien",
    "2024",
    "(water)",
    "water || budget",
]


@pytest.fixture
def catalogue(django_capture_on_commit_callbacks):
    """Products as committed (their search documents written after the commit, as the site has them; the
    document's text is written here without a signal, and its search document with it)."""
    with django_capture_on_commit_callbacks(execute=True):
        nyota = OrganisationFactory(name="Nyota Rights Collective")
        ProductFactory(title="Water rights for women", summary="Budgets in the village.", tags=["water"])
        ProductFactory(
            title="Budget tracking", summary="Tracking district budgets, with youth.", countries=["KE"]
        )
        ProductFactory(
            title="Youth and water", summary="Lobby for e-mail and co-operation.", organisations=[nyota]
        )
        ProductFactory(
            title="Waterbeheer in de delta", summary="Klimaatverandering, water.", languages=["nl"]
        )
        ProductFactory(title="Agua y comunidades", summary="El género y el agua.", languages=["es"])
        ProductFactory(title="Farmers in Kenya", summary="COVID-19 and farmers, 2024.", countries=["KE"])
        ProductFactory(
            title="O'Brien's lessons", summary="Water for herders.", status=KnowledgeProduct.Status.DRAFT
        )
        report = ProductFactory(title="Annual report", summary="What the year brought.")
    text = "Pastoralist cooperatives met at the water. " * 50
    DocumentText.objects.bulk_create([DocumentText(product=report, text=text)])
    update_search_vectors([report.pk])


def from_the_database(query: str) -> list[int]:
    return sorted(matching_ids(query).tolist())


def built() -> postings.Postings:
    relevance.build_kept(postings.CACHE_NAME, postings.build)
    found = postings.current()
    assert found is not None
    return found


@pytest.mark.parametrize("common", [1, 10**9], ids=["every word in memory", "every word read when asked"])
def test_the_words_in_memory_find_what_the_database_finds(catalogue, monkeypatch, common):
    with monkeypatch.context() as database_only:
        database_only.setattr(postings, "current", lambda: None)
        expected = {query: from_the_database(query) for query in QUERIES}
    assert expected["water"] and expected["Kenya farmers"] and expected["pastoralist"]  # finds some
    monkeypatch.setattr(postings, "COMMON_PRODUCTS", common)
    kept = built()
    assert bool(kept.words) == (common == 1)
    assert {query: from_the_database(query) for query in QUERIES} == expected


def test_a_search_of_kept_words_asks_the_database_only_how_it_reads_them(catalogue, monkeypatch):
    monkeypatch.setattr(postings, "COMMON_PRODUCTS", 1)
    kept = built()
    with CaptureQueriesContext(connection) as queries:
        found = matching_ids("water -budget")
    assert len(found) == 4  # the draft too: the page keeps the published
    assert "websearch_to_tsquery" in queries[0]["sql"]
    # Besides, only the stems of other languages that no product has ("wat") are asked for, one by one.
    asked = [query["sql"] for query in queries if "@@" in query["sql"]]
    assert asked and all("water" not in sql and "budget" not in sql for sql in asked)
    assert "water" in kept.words and "budget" in kept.words
    with CaptureQueriesContext(connection) as queries:
        matching_ids('"budget tracking"')  # a phrase needs the words' positions: the database's
    assert any("<->" in query["sql"] for query in queries)


def test_after_a_change_the_database_finds_the_matches_until_the_words_are_built_again(
    catalogue, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(NotRunYet, "queued", 0)
    monkeypatch.setattr(postings, "COMMON_PRODUCTS", 1)
    before = built()
    build_job = postings.build_job
    monkeypatch.setattr(postings, "build_job", NotRunYet)  # as a worker that has not come to it yet
    with django_capture_on_commit_callbacks(execute=True):
        new = ProductFactory(title="Zebrafish water studies")
    assert postings.current() is None  # the catalogue changed: what is kept is the version before's
    assert NotRunYet.queued
    assert new.pk in matching_ids("zebrafish").tolist()  # found at once, by the database
    build_job.call()  # the worker comes to it
    after = postings.current()
    assert after is not None and after is not before and "zebrafish" in after.words
    assert new.pk in matching_ids("zebrafish").tolist()


class NotRunYet:
    queued = 0

    @classmethod
    def enqueue(cls):
        cls.queued += 1


def test_the_words_are_built_by_a_job_that_the_first_search_after_a_change_queues(catalogue, monkeypatch):
    monkeypatch.setattr(NotRunYet, "queued", 0)
    monkeypatch.setattr(postings, "build_job", NotRunYet)
    assert from_the_database("water")  # answered by the database meanwhile
    from_the_database("budget")
    assert NotRunYet.queued == 1  # once for the version, however many ask


def shape(node: tuple):
    kind, inner = node
    if kind == "word":
        return inner.text
    if kind == "not":
        return ("not", shape(inner))
    return (kind, [shape(part) for part in inner])


def test_a_query_is_read_as_postgresql_writes_it_and_a_phrase_is_left_to_the_database():
    assert shape(postings.parse("'water' | 'budget' & !'tax'")) == (
        "or",
        ["water", ("and", ["budget", ("not", "tax")])],
    )
    assert shape(postings.parse("( 'land' | 'land' ) & !( 'right' | 'recht' )")) == (
        "and",
        [("or", ["land", "land"]), ("not", ("or", ["right", "recht"]))],
    )
    assert shape(postings.parse("'o''brien' & 'back\\\\slash'")) == ("and", ["o'brien", "back\\slash"])
    for left_to_the_database in ("'civic' <-> 'space'", "'right' <2> 'land'", "'budg':*", "'water':A"):
        with pytest.raises(postings._Unanswerable):
            postings.parse(left_to_the_database)


def test_the_words_sets_are_read_by_another_process_from_the_machines_shared_file(catalogue, monkeypatch):
    """Kept serialized in one array, they are mapped from the file a machine's processes share
    (core.freshness), not copied into each; a word's set is read from it when a search asks."""
    monkeypatch.setattr(postings, "COMMON_PRODUCTS", 1)
    built()
    relevance.forget()  # as another process, which finds them in the shared cache
    first = postings.current()
    relevance.forget()
    second = postings.current()
    assert second is not first and not second.words.serialized.flags.writeable  # mapped, read-only
    assert set(second.words["water"]) == set(first.words["water"]) and len(second.words["water"]) >= 4
    assert "water" in second.words and "no such word" not in second.words
    assert list(second.words) == list(first.words)
