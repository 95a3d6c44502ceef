"""Which published products may already answer a knowledge need: ranked by the themes they share with it
and by how many of the need's key words they contain. On PostgreSQL a word also matches its other forms
through the products' stored search vector, and products scoring alike are ranked by full-text relevance
(a word in the title weighs more than one in the description); SQLite, without full-text search, matches
substrings and ranks equal scores by publication."""

import operator
import re
from collections import Counter
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When

from inventory.models import KnowledgeProduct, Theme
from needs.models import KnowledgeNeed
from search.fulltext import SEARCH_CONFIG

MAX_KEYWORDS = 8
TEXT_FIELDS = ["title", "summary", "why_valuable", "description"]
# Words too common in this field to say what a need is about.
STOPWORDS = {
    "about",
    "after",
    "also",
    "among",
    "been",
    "before",
    "being",
    "better",
    "between",
    "both",
    "could",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "from",
    "have",
    "having",
    "help",
    "into",
    "just",
    "know",
    "knowledge",
    "learn",
    "learning",
    "like",
    "make",
    "many",
    "more",
    "most",
    "much",
    "need",
    "needs",
    "organisation",
    "organisations",
    "organization",
    "organizations",
    "other",
    "ours",
    "over",
    "partner",
    "partners",
    "partnership",
    "partnerships",
    "same",
    "should",
    "some",
    "still",
    "such",
    "than",
    "that",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "under",
    "until",
    "very",
    "want",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "with",
    "work",
    "working",
    "would",
    "your",
}


def keywords(text: str, limit: int = MAX_KEYWORDS) -> list[str]:
    """The words that say most about `text`: the most frequent words of four letters or more."""
    words = [w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in STOPWORDS]
    return [word for word, _ in Counter(words).most_common(limit)]


def related_theme_ids(themes: list[Theme]) -> set[int]:
    """The need's themes, their core themes and their sub-themes: a product on "land rights" may help a
    need on the core theme "resource management", and the other way round."""
    ids = {t.pk for t in themes} | {t.parent_id for t in themes if t.parent_id}
    return (
        set(Theme.objects.filter(pk__in=ids).with_sub_themes().values_list("pk", flat=True)) if ids else ids
    )


def _matches(word: str) -> Q:
    condition = Q()
    for field in TEXT_FIELDS:
        condition |= Q(**{f"{field}__icontains": word})
    if connection.vendor == "postgresql":
        # Stemmed: "budgets" finds "budgeting". Only products whose vector is filled match this way.
        condition |= Q(search_document__vector=SearchQuery(word, config=SEARCH_CONFIG))
    return condition


def _text_rank(words: list[str]):
    """Full-text relevance of a product to any of `words` (PostgreSQL); nothing to rank by elsewhere."""
    if connection.vendor != "postgresql" or not words:
        return Value(0.0, output_field=FloatField())
    query = reduce(operator.or_, (SearchQuery(word, config=SEARCH_CONFIG) for word in words))
    return SearchRank(F("search_document__vector"), query)


def suggest_products(need: KnowledgeNeed, limit: int = 5) -> QuerySet[KnowledgeProduct]:
    """Up to `limit` published products that may help with `need`, best first: a shared theme counts as
    much as a key word found; among equal scores, the most relevant text (PostgreSQL), then the newest.
    Products that share nothing with the need are left out."""
    theme_ids = related_theme_ids(list(need.themes.all()))
    words = keywords(f"{need.title} {need.title} {need.description}")
    if not theme_ids and not words:
        return KnowledgeProduct.objects.none()
    text_score = sum(
        (Case(When(_matches(word), then=Value(1)), default=Value(0)) for word in words),
        start=Value(0),
    )
    # An empty IN () would make the whole query empty, not just the count.
    shared_themes = Count("themes", filter=Q(themes__in=theme_ids), distinct=True) if theme_ids else Value(0)
    return (
        KnowledgeProduct.objects.published()
        .for_cards()
        .annotate(shared_themes=shared_themes, text_score=text_score, text_rank=_text_rank(words))
        .annotate(score=F("shared_themes") + F("text_score"))
        .filter(score__gt=0)
        # A product without a stored vector has no rank (NULL): after those that have one.
        .order_by("-score", F("text_rank").desc(nulls_last=True), "-published_at", "pk")[:limit]
    )
