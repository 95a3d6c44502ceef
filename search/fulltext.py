"""Full-text search over knowledge products.

On PostgreSQL each product has a stored, weighted vector in its SearchDocument (GIN-indexed): the title
weighs most (A); the summary, why it is valuable and the tags next (B); the description least (C). English
stemming lets "toolkits" find "toolkit". The documents follow the products: once a change to a product, its
tags or a tag's name commits, `follow_changes` (called by core.freshness) updates the documents it touched.
Data written with `bulk_create()` or SQL needs `update_search_vectors` (the command of that name).

On SQLite (development, the quick test run) searching falls back to case-insensitive substring matching.
"""

from collections.abc import Iterable

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Floor, Greatest, Ln

from core.freshness import Changes
from inventory.models import KnowledgeProduct, SearchDocument, TaggedProduct

SEARCH_CONFIG = "english"
# Relevance in steps: results whose ranks differ by less than about 5% are equally relevant, and shown
# newest first. PostgreSQL's rank of a search of several words depends on how far apart they are in each
# product, so nearly every match of a broad search ranks differently, by amounts no reader would notice;
# in steps, tens of thousands of matches fall into a hundred or so groups (see matches_by_rank).
RELEVANCE_STEPS_PER_E = 20  # a step is a factor e^(1/20), about 1.05
LOWEST_RANK = 1e-30  # ranks below (a search of excluded words only ranks 0) share the lowest step
# Words beyond this many are ignored by the SQLite fallback, which makes one condition per word.
FALLBACK_MAX_WORDS = 10


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def _tag_names():
    """The product's tag names as one string, for the vector."""
    return Subquery(
        TaggedProduct.objects.filter(content_object=OuterRef("pk"))
        .values("content_object")
        .annotate(names=StringAgg("tag__name", delimiter=" "))
        .values("names")
    )


def update_search_vectors(product_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored search vector of the given products (all when None) in one UPDATE.

    Returns the number of products updated; does nothing on databases without full-text search."""
    if not uses_full_text_search():
        return 0
    products = KnowledgeProduct.objects.order_by()
    if product_ids is not None:
        product_ids = list(product_ids)
        if not product_ids:
            return 0
        products = products.filter(pk__in=product_ids)
    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        # SearchVector coalesces each part to "": a product without tags or description still gets a vector.
        + SearchVector("summary", "why_valuable", _tag_names(), weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG)
    )
    select, params = products.annotate(vector=vector).values_list("pk", "vector").query.sql_with_params()
    table = SearchDocument._meta.db_table
    # One statement, new documents and changed ones alike.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (product_id, vector) {select} "
            "ON CONFLICT (product_id) DO UPDATE SET vector = EXCLUDED.vector",
            params,
        )
        return cursor.rowcount


def follow_changes(changes: Changes) -> None:
    """Update the documents of the products a committed change touched: their own text, their tags, or
    the name of a tag they carry."""
    if not uses_full_text_search():
        return
    products = changes.touched("inventory.knowledgeproduct")
    if renamed := changes.saved.get("taggit.tag"):
        products |= set(
            TaggedProduct.objects.filter(tag__in=renamed).values_list("content_object_id", flat=True)
        )
    if products:
        update_search_vectors(products)


def search_products(products: QuerySet, text: str) -> QuerySet:
    """Products matching `text`. On PostgreSQL they carry a `rank` annotation (higher is better)."""
    if uses_full_text_search():
        query = full_text_query(text)
        return products.filter(search_document__vector=query).annotate(
            rank=relevance(F("search_document__vector"), query)
        )
    return _search_by_substring(products, text)


def relevance(vector, query: SearchQuery):
    """How relevant a product is to a search (higher is better), in steps of about 5% of PostgreSQL's rank."""
    rank = Greatest(SearchRank(vector, query), Value(LOWEST_RANK))
    return Floor(Ln(rank) * Value(RELEVANCE_STEPS_PER_E))


def full_text_query(text: str) -> SearchQuery:
    """What a visitor typed, read as a web search: words, "quoted phrases", -excluded words, or."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def matches_by_rank(text: str) -> list[list[int]]:
    """The ids of the products (published or not) a search finds on PostgreSQL, grouped by relevance as
    `search_products` ranks them, the most relevant group first.

    For a page of results ranked in memory (search.facets): a broad search finds most products, and
    tens of thousands of (id, rank) pairs cost more to carry and sort than the groups of equal relevance
    they fall into."""
    query = full_text_query(text)
    found = (
        SearchDocument.objects.filter(vector=query)
        .annotate(rank=relevance(F("vector"), query))
        .values_list("product_id", "rank")
    )
    sql, params = found.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT array_agg(product_id) FROM ({sql}) AS matches(product_id, rank) "
            "GROUP BY rank ORDER BY rank DESC",
            params,
        )
        return [ids for (ids,) in cursor.fetchall()]


def _search_by_substring(products: QuerySet, text: str) -> QuerySet:
    """Every word must occur somewhere: in the title, summary, why valuable, description or a tag."""
    for word in text.split()[:FALLBACK_MAX_WORDS]:
        tagged = TaggedProduct.objects.filter(tag__name__icontains=word).values("content_object_id")
        products = products.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(why_valuable__icontains=word)
            | Q(description__icontains=word)
            | Q(pk__in=tagged)
        )
    return products
