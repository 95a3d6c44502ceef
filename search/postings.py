"""PostgreSQL: a search's matches found in memory, from the words of the search documents themselves.

Finding a broad word's matches in the database reads every search document that has it: the GIN index
says where they are, and each row must then be read for its product's id. At 100,000 products a word in a
third of them read 14,000 pages of the table (about 30 ms); at a million products that was all of a
search's 1 to 2.4 seconds. Here the words of every search document, as PostgreSQL wrote them
(`tsvector_to_array`: each language's stemming, the names a product carries, its document's words), are
kept per word as the set of products having it (a roaring bitmap), for each word at least COMMON_PRODUCTS
products have; a query as PostgreSQL parsed it (`websearch_to_tsquery`, search.fulltext.pg_queries) is
evaluated on those sets: and, or, not. The answer is the database's own (`vector @@ query` reads whether a
word is there, nothing more), read from memory. A rarer word's products are read from the database (a
few pages at most); a quoted phrase, which needs the words' positions, is left to the database.

The sets are built by a job once per version of the catalogue (as the relevance index is) and kept in the
shared cache. A process uses them only while they are the catalogue's current version's: after a change,
until the job has built the new ones (seconds), the database finds the matches, so a change is found at
once and never by the words before it.
"""

import array
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import reduce

import numpy as np
from django.db import connection, transaction
from django_tasks import task
from pyroaring import FrozenBitMap

from core import freshness
from inventory.models import SearchDocument
from search import relevance

# Part of the cache key: a change to what is kept must raise it.
FORMAT = 2
CACHE_NAME = f"search-postings:{FORMAT}"
# A word in fewer products is read from the database when asked for: its matches lie on as many pages of
# the search table at most (a few milliseconds), and the many rare words (names, a document's words) would
# weigh on every process's memory for little.
COMMON_PRODUCTS = 1000


class Sets(Mapping):
    """Each common word's products, {word: FrozenBitMap}, kept serialized one after the other in one array and
    read when a search asks for the word (tens of microseconds for the broadest): an array pickles out of
    band, so that a machine's processes map one copy of it (core.freshness) where each held its own bitmaps
    (71 MiB at a million products, and twice that for a moment as they were read)."""

    def __init__(self, found: dict[str, FrozenBitMap]):
        serialized = [bitmap.serialize() for bitmap in found.values()]
        self.places = {word: place for place, word in enumerate(found)}
        self.offsets = np.cumsum([0, *map(len, serialized)], dtype=np.int64)
        self.serialized = np.frombuffer(b"".join(serialized), dtype=np.uint8)

    def __getitem__(self, word: str) -> FrozenBitMap:
        place = self.places[word]
        start, end = self.offsets[place], self.offsets[place + 1]
        return FrozenBitMap.deserialize(self.serialized[start:end].tobytes())

    def __contains__(self, word: object) -> bool:
        return word in self.places

    def __iter__(self) -> Iterator[str]:
        return iter(self.places)

    def __len__(self) -> int:
        return len(self.places)


@dataclass
class Postings:
    version: str  # the catalogue's version the sets were read at
    products: FrozenBitMap  # every product with a search document (what "not" leaves out of)
    words: Sets  # each common word's products

    def mib(self) -> float:
        """Its size, serialized (about what it takes in memory)."""
        sizes = [len(self.products.serialize()), self.words.serialized.nbytes, self.words.offsets.nbytes]
        sizes += [len(word) for word in self.words]
        return round(sum(sizes) / 2**20, 1)


def build() -> Postings:
    """Queries: 1 every product's id, 2 the common words and their products (grouped in the database, which
    reads each document's words once), read a few words at a time: at a million products they are
    hundreds of MiB as the database sends them, several times what they take as bitmaps."""
    version = freshness.scoped_version(relevance.SCOPE)  # read first: a change meanwhile makes it stale
    table = SearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT string_agg(int4send(product_id::integer), ''::bytea) FROM {table}")
        products = bitmap(cursor.fetchone()[0])
    words = {}
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT lexeme, string_agg(int4send(product_id::integer), ''::bytea) "
            f"FROM {table}, unnest(tsvector_to_array(vector)) AS lexeme "
            "GROUP BY lexeme HAVING count(*) >= %s",
            [COMMON_PRODUCTS],
        )
        while rows := cursor.fetchmany(WORDS_READ_AT_ONCE):
            words.update((word, bitmap(found)) for word, found in rows)
    return Postings(version=version, products=products, words=Sets(words))


WORDS_READ_AT_ONCE = 20


def ids(found: bytes | None) -> np.ndarray:
    """The product ids in a string of 4-byte integers as the database sends them (`int4send`, big-endian;
    None for no row), as int64."""
    return np.frombuffer(found or b"", dtype=">i4").astype(np.int64)


def bitmap(found: bytes | None) -> FrozenBitMap:
    return FrozenBitMap(array.array("I", ids(found).astype(np.uint32).tobytes()))


def current() -> Postings | None:
    """The sets of the catalogue as it is now, or None (the database finds the matches) while a job builds
    them, which the first asking after a change queues."""
    if connection.vendor != "postgresql":
        return None
    found = relevance.kept(CACHE_NAME, build, scope=relevance.SCOPE, later=queue_build, compute_here=False)
    if found is None or found.version != freshness.scoped_version(relevance.SCOPE):
        return None
    return found


def queue_build(version: str) -> None:
    relevance.queue_once(CACHE_NAME, build_job, version)


@task()
def build_job() -> str:
    """Build the sets of the catalogue as it is now, unless a process has already."""
    return relevance.build_kept(CACHE_NAME, build)


# --- evaluating a query -----------------------------------------------------------------------------------

# A tsquery as PostgreSQL writes it: quoted words ('' a quote, \ escaping), & | ! ( ), and the phrase
# operators <-> and <N>; a word may carry weights or a prefix mark (:AB, :*), which websearch never writes.
TOKEN = re.compile(r"\s*(?:('(?:[^'\\]|''|\\.)*')(:[*A-Da-d]+)?|(<\d*-?\d*>)|([&|!()]))")


class _Unanswerable(Exception):
    """A query this module does not evaluate: the database does."""


@dataclass
class _Word:
    quoted: str  # as PostgreSQL wrote it, to ask it back

    @property
    def text(self) -> str:
        return re.sub(r"\\(.)", r"\1", self.quoted[1:-1].replace("''", "'"))


def parse(query: str) -> tuple:
    """The query as a tree: ("word", _Word), ("not", x), ("and", [..]), ("or", [..]). Raises _Unanswerable
    for a phrase, a weight or a prefix."""
    tokens, position = [], 0
    while position < len(query.rstrip()):
        match = TOKEN.match(query, position)
        if not match or match.end() == position:
            raise _Unanswerable(query)
        quoted, suffix, phrase, operator = match.groups()
        if phrase or suffix:
            raise _Unanswerable(query)
        tokens.append(_Word(quoted) if quoted else operator)
        position = match.end()
    tree, rest = _or(tokens)
    if rest:
        raise _Unanswerable(query)
    return tree


def _or(tokens: list) -> tuple[tuple, list]:
    return _joined(tokens, "|", "or", _and)


def _and(tokens: list) -> tuple[tuple, list]:
    return _joined(tokens, "&", "and", _not)


def _joined(tokens: list, sign: str, kind: str, operand: Callable) -> tuple[tuple, list]:
    """Operands joined by `sign` (an operand binds closer than the sign): one, or (kind, [operands])."""
    part, tokens = operand(tokens)
    parts = [part]
    while tokens and tokens[0] == sign:
        part, tokens = operand(tokens[1:])
        parts.append(part)
    return (parts[0] if len(parts) == 1 else (kind, parts)), tokens


def _not(tokens: list) -> tuple[tuple, list]:
    if not tokens:
        raise _Unanswerable("")
    if tokens[0] == "!":
        inner, tokens = _not(tokens[1:])
        return ("not", inner), tokens
    if tokens[0] == "(":
        inner, tokens = _or(tokens[1:])
        if not tokens or tokens[0] != ")":
            raise _Unanswerable("")
        return inner, tokens[1:]
    if isinstance(tokens[0], _Word):
        return ("word", tokens[0]), tokens[1:]
    raise _Unanswerable("")


def _words(tree: tuple) -> list[_Word]:
    kind, inner = tree
    if kind == "word":
        return [inner]
    if kind == "not":
        return _words(inner)
    return [word for part in inner for word in _words(part)]


def matches(
    query: str, postings: Postings, read: Callable[[list[str]], list[FrozenBitMap]]
) -> FrozenBitMap | None:
    """The products whose search document matches `query` (a tsquery's text), or None when the database
    must answer it (a phrase). `read(quoted words)` reads the products of words too rare to be kept."""
    try:
        tree = parse(query)
    except _Unanswerable:
        return None
    words = {word.text: word for word in _words(tree)}
    rare = [word for text, word in words.items() if text not in postings.words]
    found = {text: postings.words[text] for text in words if text in postings.words}  # each read once
    if rare:
        found.update(zip([word.text for word in rare], read([word.quoted for word in rare]), strict=True))
    return _evaluate(tree, found, postings.products)  # frozen, as each set it is made of


def _evaluate(tree: tuple, found: dict[str, FrozenBitMap], products: FrozenBitMap) -> FrozenBitMap:
    kind, inner = tree
    if kind == "word":
        return found[inner.text]
    if kind == "not":
        return products - _evaluate(inner, found, products)
    parts = [_evaluate(part, found, products) for part in inner]
    return reduce(operator.and_ if kind == "and" else operator.or_, parts)
