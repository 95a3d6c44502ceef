"""Full-text search over knowledge products, on PostgreSQL and on SQLite alike.

Each product has a search document: its title (weighs most), then its summary, why it is valuable and every
name it is known by (its type, themes, tags, partnerships and their acronyms, organisations, countries and
regions in English and Dutch), then its description, then the text of its uploaded document (least). The
documents follow the products: once a change to a product, its links, a name it carries or its document's
text commits, `follow_changes` (called by core.freshness) updates the documents it touched. Data written with
`bulk_create()` or SQL needs `update_search_vectors` (the command of that name).

- PostgreSQL: a stored, weighted `tsvector` (SearchDocument, GIN-indexed), the text without accents
  (`unaccent`), stemmed in English and in each of the product's languages PostgreSQL can stem; a query is
  read in every one of those languages, and a product matches in any of them.
- SQLite: an FTS5 table (`search_fts`, the product's id as its rowid; Porter stemming, accents removed).

The database finds the matches (PostgreSQL's, while they are the catalogue's as it is, from its search
documents' words kept in memory: search.postings); `matches_by_rank` ranks them in memory by the relevance
index (search.relevance), on both databases alike. `search_products` (a queryset for the filters' `qs`, which
the curators' list and the feeds use) still ranks in the database: `ts_rank`, `bm25` with the same weights.

A query is read as a web search: words (all of them must match), "quoted phrases", -excluded words, or.
`matches_by_rank` gives the matches grouped in steps of relevance; `any_word=True` asks for products with any
of the words instead (the fallback when none has them all). A Dutch query also finds the English words the
thesaurus (search/thesaurus.txt) gives for its expressions.
"""

import array
import re
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import numpy as np
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, connections, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Floor, Greatest, Ln
from django.utils import translation
from pyroaring import FrozenBitMap

from core.freshness import Changes
from inventory import codes
from inventory.models import (
    DocumentText,
    KnowledgeProduct,
    Region,
    SearchDocument,
    TaggedProduct,
)
from search import postings, relevance

# The stemming of the text that is not in a language of its own (and of most of the catalogue).
SEARCH_CONFIG = "english"
# A product's languages that PostgreSQL stems (ISO 639-1 → text search configuration); its text is also
# indexed in these. Others are indexed in English only, which leaves words it does not know unstemmed.
LANGUAGE_CONFIGS = {"en": "english", "nl": "dutch", "fr": "french", "es": "spanish", "pt": "portuguese"}
QUERY_CONFIGS = tuple(dict.fromkeys([SEARCH_CONFIG, *LANGUAGE_CONFIGS.values()]))
# The parts of a search document, most weighty first: PostgreSQL's weights A to D, and FTS5's columns with
# their bm25 weights (about the ratios of PostgreSQL's default weights 1, 0.4, 0.2, 0.1).
PARTS = ("title", "summary", "description", "document")
PG_WEIGHTS = dict(zip(PARTS, "ABCD", strict=True))
FTS_TABLE = "search_fts"
FTS_WEIGHTS = (10.0, 4.0, 2.0, 1.0)
# The document's text kept is up to 1 MB (inventory.documents); the index reads its beginning only:
# PostgreSQL's tsvector holds at most 1 MB, and words past this are rarely what a product is about.
INDEXED_DOCUMENT_CHARS = 200_000
# Relevance in steps: results whose scores differ by less than about 5% are equally relevant, and shown
# newest first. Nearly every match of a broad search scores differently, by amounts no reader would notice;
# in steps, tens of thousands of matches fall into a hundred or so groups (see matches_by_rank).
RELEVANCE_STEPS_PER_E = 20  # a step is a factor e^(1/20), about 1.05
LOWEST_RANK = 1e-30  # ranks below (a search of excluded words only ranks 0) share the lowest step
# Words beyond this many are ignored: each is a condition of the query.
MAX_QUERY_WORDS = 10
# Products written per statement when documents are rebuilt.
CHUNK = 1000


def uses_full_text_search() -> bool:
    """Whether this database has a full-text index (PostgreSQL and SQLite with FTS5 do)."""
    return connection.vendor in ("postgresql", "sqlite")


# --- the documents ----------------------------------------------------------------------------------------


@dataclass
class Document:
    title: str = ""
    summary: str = ""  # the summary and why the product is valuable, then every name it is known by
    description: str = ""
    document: str = ""
    configs: tuple[str, ...] = (SEARCH_CONFIG,)
    # The summary, why it is valuable, and what the product is about (its type, themes and tags), without
    # the names of those who made it or of places: what ranks (see HEAD).
    head_summary: str = ""


def documents(product_ids: list[int]) -> dict[int, Document]:
    """The search documents of these products, from a query per kind of link (none joined)."""
    topics: dict[int, list[str]] = defaultdict(list)  # the type, themes and tags
    names: dict[int, list[str]] = defaultdict(list)  # partnerships, organisations, places
    languages: dict[int, list[str]] = defaultdict(list)
    found = {}
    rows = KnowledgeProduct.objects.filter(pk__in=product_ids).values_list(
        "pk", "title", "summary", "why_valuable", "description", "product_type__name"
    )
    for pk, title, summary, why_valuable, description, type_name in rows:
        found[pk] = Document(title=title, summary=f"{summary}\n{why_valuable}", description=description)
        topics[pk].append(type_name)
    through = KnowledgeProduct.themes.through.objects.filter(knowledgeproduct_id__in=product_ids)
    for pk, name in through.values_list("knowledgeproduct_id", "theme__name"):
        topics[pk].append(name)
    through = KnowledgeProduct.partnerships.through.objects.filter(knowledgeproduct_id__in=product_ids)
    for pk, name, acronym in through.values_list(
        "knowledgeproduct_id", "partnership__name", "partnership__acronym"
    ):
        names[pk] += [name, acronym]
    through = KnowledgeProduct.organisations.through.objects.filter(knowledgeproduct_id__in=product_ids)
    for pk, name in through.values_list("knowledgeproduct_id", "organisation__name"):
        names[pk].append(name)
    through = KnowledgeProduct.countries.through.objects.filter(knowledgeproduct_id__in=product_ids)
    for pk, name, region in through.values_list("knowledgeproduct_id", "country__name", "country__region"):
        names[pk] += place_names(name, region)
    through = KnowledgeProduct.languages.through.objects.filter(knowledgeproduct_id__in=product_ids)
    for pk, code in through.values_list("knowledgeproduct_id", "language_id"):
        languages[pk].append(code)
    tagged = TaggedProduct.objects.filter(content_object_id__in=product_ids)
    for pk, name in tagged.values_list("content_object_id", "tag__name"):
        topics[pk].append(name)
    texts = DocumentText.objects.filter(product_id__in=product_ids).values_list("product_id", "text")
    for pk, text in texts:
        if pk in found:
            found[pk].document = text[:INDEXED_DOCUMENT_CHARS]
    for pk, document in found.items():
        document.head_summary = "\n".join(
            [document.summary, *(name for name in dict.fromkeys(topics[pk]) if name)]
        )
        document.summary = "\n".join(
            [
                document.head_summary,
                *(name for name in dict.fromkeys(names[pk]) if name and name not in topics[pk]),
            ]
        )
        configs = [LANGUAGE_CONFIGS[code] for code in languages[pk] if code in LANGUAGE_CONFIGS]
        document.configs = tuple(dict.fromkeys([SEARCH_CONFIG, *sorted(configs)]))
    return found


def place_names(country: str, region: str) -> list[str]:
    """A country's and its region's names, in English and in Dutch (as the Dutch pages name them); the
    names come from the code's catalogues, so each is looked up once per process."""
    return country_names(country) + region_names(region)


@cache
def country_names(country: str) -> list[str]:
    with translation.override("nl"):
        return list(dict.fromkeys([country, codes.country_name(country)]))


@cache
def region_names(region: str) -> list[str]:
    if region not in Region.values:
        return []
    label = Region(region).label
    with translation.override("en"):
        english = str(label)
    with translation.override("nl"):
        return list(dict.fromkeys([english, str(label)]))


def update_search_vectors(product_ids: Iterable[int] | None = None) -> int:
    """Rebuild the search documents of the given products (all when None); a product deleted loses its own.

    Returns the number of products whose document was written."""
    if product_ids is None:
        product_ids = KnowledgeProduct.objects.order_by("pk").values_list("pk", flat=True)
    product_ids = sorted(set(product_ids))
    written = 0
    for start in range(0, len(product_ids), CHUNK):
        chunk = product_ids[start : start + CHUNK]
        found = documents(chunk)
        # A transaction per chunk: SQLite would otherwise commit (and sync) every row.
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _write_vectors(found)
            elif connection.vendor == "sqlite":
                _write_fts_rows(chunk, found)
            else:
                return 0
        written += len(found)
    return written


# What ranks a product's matches (SearchDocument.head): the record's own words in English, with its type,
# themes and tags, without the names of its partnerships, organisations and places, its other languages'
# stemming or its document's words. Ranking reads the vector of every match, and a broad search has tens of
# thousands: at 100,000 products ranking by the whole vector took twice as long. A product found only by such
# a name, in another language or in its document ranks with the least relevant, newest first (all products
# from Kenya are as much from Kenya). search/migrations/0003 writes the same from the products' rows.
HEAD = (
    f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, part.title), 'A') || "
    f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, part.head_summary), 'B') || "
    f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, part.description), 'C')"
)


def _write_vectors(found: dict[int, Document]) -> None:
    """PostgreSQL: one statement per set of languages, each product's parts weighted and stemmed in each,
    and the head that ranks it."""
    by_configs: dict[tuple[str, ...], list[Document]] = defaultdict(list)
    for document in found.values():
        by_configs[document.configs].append(document)
    table = SearchDocument._meta.db_table
    columns = [*PARTS, "head_summary"]
    for configs, group in by_configs.items():
        # The configurations come from LANGUAGE_CONFIGS, never from the data.
        vector = " || ".join(_weighted(config, name) for config in configs for name in PARTS)
        sql = (
            f"INSERT INTO {table} (product_id, vector, head) SELECT part.id, {vector}, {HEAD} FROM (SELECT "
            "%s::bigint, "
            + ", ".join("unaccent(%s)" for _ in columns)
            + f") AS part(id, {', '.join(columns)}) "
            "ON CONFLICT (product_id) DO UPDATE SET vector = EXCLUDED.vector, head = EXCLUDED.head"
        )
        pks = {id(document): pk for pk, document in found.items()}
        with connection.cursor() as cursor:
            cursor.executemany(sql, [[pks[id(d)], *(getattr(d, name) for name in columns)] for d in group])


def _weighted(config: str, part: str) -> str:
    """The SQL of a part's vector in a configuration, at the part's weight. The document's words are kept
    without their positions (PostgreSQL's `strip`, which ranks them at the lowest weight, D, as before):
    a document of 200,000 characters repeats its words hundreds of times, and those positions had made the
    search table six times as large as the records' own words, and every broad search read all of it. A
    quoted phrase is therefore found in a product's record, not in its document alone."""
    if PG_WEIGHTS[part] == "D":
        return f"strip(to_tsvector('{config}'::regconfig, part.{part}))"
    return f"setweight(to_tsvector('{config}'::regconfig, part.{part}), '{PG_WEIGHTS[part]}')"


def _write_fts_rows(chunk: list[int], found: dict[int, Document]) -> None:
    """SQLite: the products' rows of the FTS5 table replaced (a deleted product's row removed)."""
    placeholders = ", ".join("%s" for _ in chunk)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", chunk)
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(PARTS)}) VALUES (%s, %s, %s, %s, %s)",
            [[pk, *(getattr(document, name) for name in PARTS)] for pk, document in found.items()],
        )


def forget_removed_products(using: str = "default", **kwargs) -> None:
    """SQLite: drop the full-text rows of products that are no longer there. A deleted product's row goes
    with it (`follow_changes`), but a table emptied beneath the application (`manage.py flush`, as the test
    runner does after each test that commits) keeps its rows, and a product given a freed id would then be
    found by the words of the one before, and counted in the curators' list. Run after each migrate and
    flush (0.5 s at 100,000 products)."""
    database = connections[using]
    if database.vendor != "sqlite" or FTS_TABLE not in database.introspection.table_names():
        return
    with database.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM {KnowledgeProduct._meta.db_table})"
        )


def follow_changes(changes: Changes) -> None:
    """Update the documents of the products a committed change touched: their own text, their links, their
    document's text, or a name they carry (a tag, theme, type, partnership, organisation renamed)."""
    if not uses_full_text_search():
        return
    products = set(changes.touched("inventory.knowledgeproduct"))
    products |= set(changes.touched("inventory.documenttext"))
    # A name created in the transaction was in no document before it: the products linked to it then are
    # among those touched (or written in bulk, with update_search_vectors).
    if renamed := changes.existing("taggit.tag"):
        products |= set(
            TaggedProduct.objects.filter(tag__in=renamed).values_list("content_object_id", flat=True)
        )
    for model, field in NAMED_BY:
        if renamed := changes.existing(f"inventory.{model}"):
            products |= set(
                KnowledgeProduct.objects.filter(**{f"{field}__in": renamed}).values_list("pk", flat=True)
            )
    if products:
        update_search_vectors(products)


# The rows whose names a product's document holds, and the product's field that links them.
NAMED_BY = [
    ("theme", "themes"),
    ("producttype", "product_type"),
    ("partnership", "partnerships"),
    ("organisation", "organisations"),
    ("country", "countries"),
]


# --- the queries ------------------------------------------------------------------------------------------

STOPWORDS = relevance.STOPWORDS["en"]
QUOTED_OR_WORD = re.compile(r'(-?)"([^"]*)"|(\S+)')
WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class Parsed:
    """A query as a web search reads it: groups of alternatives (or), each of terms that must all match;
    a term is a word or a phrase (a list of words). Excluded terms must not match."""

    required: list[list[list[str]]]  # [alternatives [terms [words]]]
    excluded: list[list[str]]

    def words(self) -> list[str]:
        return [word for group in self.required for term in group for word in term]


def parse(text: str) -> Parsed:
    required: list[list[list[str]]] = []
    excluded: list[list[str]] = []
    alternative = False
    count = 0
    for excluded_phrase, phrase, token in QUOTED_OR_WORD.findall(text):
        negative = bool(excluded_phrase) or (token.startswith("-") and len(token) > 1)
        term = WORD.findall((token or phrase).casefold())
        if token.casefold() == "or" and required:
            alternative = True
            continue
        if token and not negative:
            # Words that say nothing count for nothing, as PostgreSQL's English has it (not in "phrases").
            term = [word for word in term if word not in STOPWORDS]
        if not term or count >= MAX_QUERY_WORDS:
            continue
        count += len(term)
        if negative:
            excluded.append(term)
        elif alternative:
            required[-1].append(term)
        else:
            required.append([term])
        alternative = False
    return Parsed(required, excluded)


def any_words(text: str) -> str:
    """The words of `text` that say something, as a search for products having any of them."""
    parsed = parse(text)
    stop = relevance.STOPWORDS["en"] | relevance.STOPWORDS["nl"]
    kept = [word for word in dict.fromkeys(parsed.words()) if word not in stop and len(word) > 1]
    return " or ".join(kept)


def dutch_expansions(text: str) -> list[str]:
    """The English expressions the thesaurus gives for the Dutch expressions in `text` (not for a Dutch
    expression that is English as well, such as "water": an English query stays as it was typed)."""
    sequence = relevance.phrase_key(text, "nl")
    english = _english_expressions()
    return list(
        dict.fromkeys(
            expansion
            for expansion, hit in relevance.expansions(sequence, "nl")
            if hit.casefold() not in english
        )
    )


@cache
def _english_expressions() -> frozenset[str]:
    return frozenset(
        text.casefold()
        for entry in relevance.thesaurus()
        for language, text in entry.expressions
        if language == "en"
    )


def _fts_term(term: list[str]) -> str:
    return '"' + " ".join(term) + '"'


def fts_query(text: str) -> str:
    """A web search as an FTS5 query: each group of alternatives in brackets, all required, NOT excluded."""
    parsed = parse(text)
    if not parsed.required:
        return ""
    query = " AND ".join(
        "(" + " OR ".join(_fts_term(term) for term in group) + ")" for group in parsed.required
    )
    for term in parsed.excluded:
        query = f"({query}) NOT {_fts_term(term)}"
    return query


def _with_expansions_fts(text: str) -> str:
    queries = [fts_query(text)] + [fts_query(f'"{english}"') for english in dutch_expansions(text)]
    queries = [query for query in queries if query]
    return " OR ".join(f"({query})" for query in queries)


def pg_queries(text: str) -> tuple[SearchQuery, SearchQuery]:
    """PostgreSQL: what a search matches and what ranks its matches, as constant queries read in one
    round trip.

    Matching: the web search in every configuration, or the thesaurus's English for a Dutch one; an
    excluded word excludes in every configuration (each stems it its own way). The configurations mostly
    stem a word alike, and the database checks every branch of a query for every match: the query holds
    each distinct branch once, as PostgreSQL itself reads them.

    Ranking: the words in English (and the thesaurus's English for a Dutch query). ts_rank reads every term
    of the query for every match, and a broad search has tens of thousands; a product found only in another
    language's stemming ranks with the least relevant. Both are constants: `unaccent` is only stable, so a
    query written with it in the SQL was parsed again for every match (a quarter of a broad search's time
    at 100,000 products)."""
    matching, ranking = pg_query_texts(text)
    if not matching:
        nothing = SearchQuery("", config="simple", search_type="plain")
        return nothing, nothing
    return WrittenQuery(matching), WrittenQuery(ranking)


class WrittenQuery(SearchQuery):
    """A tsquery as PostgreSQL wrote it, taken as it is (`to_tsquery` would parse its words again)."""

    def __init__(self, text: str):
        super().__init__(text, config="simple", search_type="raw")
        self.text = text

    def as_sql(self, compiler, connection, function=None, template=None):
        return "%s::tsquery", [self.text]


def pg_query_texts(text: str) -> tuple[str, str]:
    """`pg_queries` as the texts of the two tsqueries (the first '' when there is nothing to look for)."""
    positive, negative = _split_excluded(text)
    expansions = [(SEARCH_CONFIG, f'"{english}"') for english in dutch_expansions(positive)]
    matching = [(config, positive) for config in QUERY_CONFIGS] + expansions
    excluding = [(config, " or ".join(negative)) for config in QUERY_CONFIGS] if negative else []
    ranking = [] if RANK_IN_EVERY_CONFIG else [(SEARCH_CONFIG, positive)] + expansions
    texts = _tsquery_texts(matching + excluding + ranking)
    branches = _distinct(texts[: len(matching)])
    excluded = _distinct(texts[len(matching) : len(matching) + len(excluding)])
    if not branches:
        return "", ""
    combined = " | ".join(f"({branch})" for branch in branches)
    if excluded:
        combined = f"({combined})" + "".join(f" & !({branch})" for branch in excluded)
    if RANK_IN_EVERY_CONFIG:
        return combined, combined
    ranked = _distinct(texts[len(matching) + len(excluding) :])
    if not ranked:  # words English drops (stop words) that another language keeps
        return combined, combined
    return combined, " | ".join(f"({branch})" for branch in ranked)


def _tsquery_texts(pairs: list[tuple[str, str]]) -> list[str]:
    """The text of websearch_to_tsquery for each (configuration, words), in order ('' where empty)."""
    if not pairs:
        return []
    select = ", ".join("websearch_to_tsquery(%s::regconfig, unaccent(%s))::text" for _ in pairs)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}", [value for pair in pairs for value in pair])
        return list(cursor.fetchone())


def _distinct(texts: list[str]) -> list[str]:
    return [text for text in dict.fromkeys(texts) if text]


RANK_IN_EVERY_CONFIG = False


def _split_excluded(text: str) -> tuple[str, list[str]]:
    """The query without its -excluded words and phrases, and those (each a word or a "phrase")."""
    positive, negative = [], []
    for excluded_phrase, phrase, token in QUOTED_OR_WORD.findall(text):
        if excluded_phrase:
            negative.append(f'"{phrase}"')
        elif token.startswith("-") and len(token) > 1:
            negative.append(token[1:])
        else:
            positive.append(token or f'"{phrase}"')
    return " ".join(positive), negative


def relevance_expression(vector, query: SearchQuery):
    """How relevant a product is to a search (higher is better), in steps of about 5% of PostgreSQL's rank."""
    rank = Greatest(SearchRank(vector, query), Value(LOWEST_RANK))
    return Floor(Ln(rank) * Value(RELEVANCE_STEPS_PER_E))


def search_products(products: QuerySet, text: str) -> QuerySet:
    """Products matching all the words of `text`, with a `rank` annotation (higher is better)."""
    if connection.vendor == "postgresql":
        query, ranking = pg_queries(text)
        return products.filter(search_document__vector=query).annotate(
            rank=relevance_expression(F("search_document__head"), ranking)
        )
    if (matching := fts_matching(text)) is None:
        return products.none().annotate(rank=Value(0))
    table = KnowledgeProduct._meta.db_table
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    (query,) = matching[1]
    return products.filter(pk__in=RawSQL(*matching)).annotate(
        rank=RawSQL(
            f"SELECT FLOOR(LN(MAX(-bm25({FTS_TABLE}, {weights}), {LOWEST_RANK})) * {RELEVANCE_STEPS_PER_E}) "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid = {table}.id",
            [query],
        )
    )


def pg_matching(text: str) -> QuerySet:
    """PostgreSQL: the ids of the products (published or not) having all the words, unranked, as a
    subquery, for a list kept in its own order (the curators'): ranking is a third of a broad search's time,
    and tens of thousands of ids sent back to the database as a list cost more than finding them again.
    Run its queries `through_the_index()`."""
    query, _ranking = pg_queries(text)
    return SearchDocument.objects.filter(vector=query).values("product_id")


@contextmanager
def through_the_index():
    """PostgreSQL: a transaction (and a cursor) in which the search documents' matches are read through the
    GIN index. For a broad word the planner would rather read every row and test its vector, which costs
    far more than it reckons (the vectors are large, some stored apart); the index's bitmap gives the
    matching rows without their vectors being read (a search of words, unlike a quoted phrase, needs no
    second look). At 100,000 products a word in three products of four took 130 ms the planner's way, 40 ms
    through the index. The other tables of such a query are read by their indexes too (a list's page and
    count are, by its order's index and the primary key). No workers are started to read in parallel: for
    two rare words read side by side, starting them took 6 ms, reading the words a tenth of one."""
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL max_parallel_workers_per_gather = 0")
        yield cursor
        if not outermost:  # the enclosing transaction goes on: its other queries plan as usual
            cursor.execute(
                "SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL max_parallel_workers_per_gather TO DEFAULT"
            )


def matches_by_rank(
    text: str, ranking: relevance.ProductIndex | None, *, any_word: bool = False
) -> list[FrozenBitMap]:
    """The products (published or not) a search finds, grouped by relevance, the most relevant group first;
    with `any_word`, the products having any of its words, those with more of them first.

    The database finds the matches, unranked; they are ranked here, on both databases alike, by `ranking`,
    the relevance index (`relevance.at_hand()`: BM25F over each product's title, summary, tags, lessons and
    description, the index the needs are matched with), in steps of about 5%. Ranking in the database read
    every match's text again: at 100,000 products, two fifths of a broad search's time on PostgreSQL
    (`ts_rank`), and on SQLite too much for a broad search to be ranked at all (`bm25`). A product found
    only by a name it carries, in another language's stemming or in its document, or published since the
    index was built (a job builds it again within seconds of a change), ranks with the least relevant;
    without an index (until a new site's first is built), all rank alike, newest first.

    For a page of results ranked in memory (search.facets): a broad search finds most products, and
    tens of thousands of them are cheaper to page through in groups of equal relevance."""
    if any_word:
        text = any_words(text)
        if not text:
            return []
    found = matching_ids(text)
    if not len(found):
        return []
    positive, _excluded = _split_excluded(text)
    english = " ".join(dutch_expansions(positive))
    scores = relevance.search_scores(ranking, positive, english, found)
    steps = np.floor(np.log(np.maximum(scores, LOWEST_RANK)) * RELEVANCE_STEPS_PER_E).astype(np.int16)
    order = np.argsort(-steps, kind="stable")  # a radix sort of small integers
    found, steps = found[order], steps[order]
    return [_bitmap(group) for group in np.split(found, np.flatnonzero(np.diff(steps)) + 1)]


def _bitmap(ids: np.ndarray) -> FrozenBitMap:
    return FrozenBitMap(array.array("I", ids.astype(np.uint32).tobytes()))  # pyroaring's quickest way in


def matching_ids(text: str) -> np.ndarray:
    """The ids of the products (published or not) having all the words of `text`, unranked, in no order."""
    return _pg_matches(text) if connection.vendor == "postgresql" else _fts_matches(text)


def matching_rows(text: str) -> FrozenBitMap:
    """The same as a bitmap."""
    return _bitmap(matching_ids(text))


def _pg_matches(text: str) -> np.ndarray:
    """The matches' ids: from the search documents' words in memory (search.postings) while those are the
    catalogue's as it is, else from the database, sent as one string of 4-byte integers (ids stay far below
    2**31): tens of thousands of them as an array of numbers took a sixth longer to read."""
    query, _ranking = pg_query_texts(text)
    if not query:
        return np.zeros(0, dtype=np.int64)
    if (words := postings.current()) is not None:
        found = postings.matches(query, words, _pg_word_matches)
        if found is not None:
            return np.frombuffer(found.to_array(), dtype=np.uint32).astype(np.int64)
    with through_the_index() as cursor:
        cursor.execute(_PRODUCTS_HAVING, [query])
        found = cursor.fetchone()[0]
    return postings.ids(found)


# The ids of the products whose search document matches a tsquery, as one string of 4-byte integers.
_PRODUCTS_HAVING = (
    "SELECT string_agg(int4send(product_id::integer), ''::bytea) "
    f"FROM {SearchDocument._meta.db_table} WHERE vector @@ %s::tsquery"
)


def _pg_word_matches(words: list[str]) -> list[FrozenBitMap]:
    """The products whose search document has each of `words` (each a tsquery's quoted word), in one
    statement through the index: words too rare to be kept in memory, each on a few pages."""
    sql = " UNION ALL ".join(f"SELECT {n}, ({_PRODUCTS_HAVING})" for n in range(len(words)))
    with through_the_index() as cursor:
        cursor.execute(sql, words)
        found = dict(cursor.fetchall())
    return [postings.bitmap(found.get(n)) for n in range(len(words))]


def fts_matching(text: str) -> tuple[str, list[str]] | None:
    """SQLite: the query listing the rowids of the products having all the words of `text`, and its
    parameters; None when the text has no word to look for."""
    query = _with_expansions_fts(text)
    return (f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query]) if query else None


def _fts_matches(text: str) -> np.ndarray:
    """The matches' ids, sent as one comma-separated string: for 72,000 matches, 17 ms where a row each
    took 59 (finding them takes 4)."""
    query = _with_expansions_fts(text)
    if not query:
        return np.zeros(0, dtype=np.int64)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT group_concat(rowid) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query])
        found = cursor.fetchone()[0]
    return np.fromstring(found, dtype=np.int64, sep=",") if found else np.zeros(0, dtype=np.int64)


# --- why a product matched --------------------------------------------------------------------------------

MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_DOCUMENT_CHARS = 20_000  # ts_headline reads the whole text it is given: the document's beginning


def snippets(product_ids: list[int], text: str) -> dict[int, str]:
    """{id: a short passage of the product's summary or document with the query's words between
    MARK_START and MARK_END}, for the products (the caller's, published) in which a word was found."""
    if not product_ids or not parse(text).required:
        return {}
    if connection.vendor == "postgresql":
        found = _pg_snippets(product_ids, text)
    else:
        found = _fts_snippets(product_ids, text)
    return {pk: passage for pk, passage in found.items() if passage and MARK_START in passage}


def _pg_snippets(product_ids: list[int], text: str) -> dict[int, str]:
    options = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=28, MinWords=12, "
        'MaxFragments=2, FragmentDelimiter=" … "'
    )
    configs = " || ".join(
        f"websearch_to_tsquery('{config}'::regconfig, unaccent(%s))" for config in QUERY_CONFIGS
    )
    sql = (
        f"SELECT product.id, ts_headline('{SEARCH_CONFIG}', product.summary || ' … ' || "
        f"left(coalesce(document.text, ''), {SNIPPET_DOCUMENT_CHARS}), ({configs}), %s) "
        f"FROM {KnowledgeProduct._meta.db_table} AS product "
        f"LEFT JOIN {DocumentText._meta.db_table} AS document ON document.product_id = product.id "
        "WHERE product.id = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [text] * len(QUERY_CONFIGS) + [options, list(product_ids)])
        return dict(cursor.fetchall())


def _fts_snippets(product_ids: list[int], text: str) -> dict[int, str]:
    query = _with_expansions_fts(text)
    if not query:
        return {}
    placeholders = ", ".join("%s" for _ in product_ids)
    summary, document = PARTS.index("summary"), PARTS.index("document")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, snippet({FTS_TABLE}, {summary}, %s, %s, ' … ', 24), "
            f"snippet({FTS_TABLE}, {document}, %s, %s, ' … ', 24) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})",
            [MARK_START, MARK_END, MARK_START, MARK_END, query, *product_ids],
        )
        return {
            pk: from_summary if MARK_START in from_summary else from_document
            for pk, from_summary, from_document in cursor.fetchall()
        }
