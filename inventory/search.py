"""Full-text search over knowledge products.

On PostgreSQL each product keeps a stored, weighted `search_vector` (GIN-indexed): the title weighs most (A);
the summary, why it is valuable and the tags next (B); the description least (C). English stemming lets
"toolkits" find "toolkit". Nothing updates the vector implicitly (no save() override, no signal): whoever
changes a product's text or tags calls `update_search_vectors()` — the admin, the services, the
`update_search_vectors` command after data is loaded.

On SQLite (development, the quick test run) searching falls back to case-insensitive substring matching.
"""

from collections.abc import Iterable

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from inventory.cache import invalidate_public_aggregates
from inventory.models import KnowledgeProduct, TaggedProduct

SEARCH_CONFIG = "english"
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

    Returns the number of products updated; does nothing on databases without full-text search. Whoever
    calls it has changed what products say, so the cached counts of searches and facets are stale."""
    invalidate_public_aggregates()
    if not uses_full_text_search():
        return 0
    products = KnowledgeProduct.objects.all()
    if product_ids is not None:
        products = products.filter(pk__in=list(product_ids))
    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        # SearchVector coalesces each part to "": a product without tags or description still gets a vector.
        + SearchVector("summary", "why_valuable", _tag_names(), weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG)
    )
    return products.update(search_vector=vector)


def search_products(products: QuerySet, text: str) -> QuerySet:
    """Products matching `text`. On PostgreSQL they carry a `rank` annotation (higher is better)."""
    if uses_full_text_search():
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return products.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    return _search_by_substring(products, text)


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
