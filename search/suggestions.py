"""What the browse page offers beside a search's results: "Did you mean …" for words the catalogue does not
hold, the filters a query names (a theme, type, partnership, country or region), and the closest themes when
nothing is found.

All of it comes from the published catalogue only (the words of published products' titles, summaries and
tags, and the names of what they are linked to), computed once per data version (core.freshness) and kept
in the shared cache and in the process's memory: a draft's words are never suggested. Corrections are the
closest words by `difflib`'s ratio among the vocabulary's words of the same first letter, the more frequent
first among equally close ones.
"""

import difflib
import threading
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from core import freshness
from inventory.models import KnowledgeProduct, TaggedProduct
from search import relevance
from search.fulltext import WORD, country_names, region_names

FORMAT = 1
CACHE_NAME = f"search-vocabulary:{FORMAT}"
# How close a word must be to be offered instead (difflib's ratio, 0 to 1).
CLOSENESS = 0.75
SHORTEST_CORRECTED = 4  # shorter words are too often something else than a typo
# The parameters whose values a query may name, as the facet index keys them.
NAMED_PARAMS = ("theme", "type", "partnership", "country", "region")


def normalised(text: str) -> str:
    """Lower case, without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(text: str) -> list[str]:
    return WORD.findall(normalised(text))


@dataclass
class Vocabulary:
    counts: Counter = field(default_factory=Counter)  # word → how many published products use it
    by_first: dict[str, list[str]] = field(default_factory=dict)


def build() -> Vocabulary:
    """The words and names of the published catalogue: a query per kind of row."""
    published = KnowledgeProduct.objects.published().order_by()
    counts: Counter = Counter()
    for title, summary in published.values_list("title", "summary").iterator(chunk_size=2000):
        counts.update(set(words_of(f"{title} {summary}")))
    tags = TaggedProduct.objects.filter(content_object__in=published).values_list("tag__name", flat=True)
    counts.update(word for name in tags for word in set(words_of(name)))
    by_first: dict[str, list[str]] = defaultdict(list)
    for word in counts:
        if len(word) >= SHORTEST_CORRECTED - 1 and word.isalpha():
            by_first[word[0]].append(word)
    return Vocabulary(counts=counts, by_first=dict(by_first))


_memo: tuple[object, Vocabulary] | None = None
_lock = threading.Lock()


def current(version: object) -> Vocabulary:
    """The vocabulary of the data as it is; `version` is the facet index the request uses (a new index,
    a new version)."""
    global _memo
    memo = _memo
    if memo is not None and memo[0] is version:
        return memo[1]
    with _lock:
        vocabulary = freshness.cached(CACHE_NAME, build, per_language=False)
        _memo = (version, vocabulary)
        return vocabulary


# --- "Did you mean" ---------------------------------------------------------------------------------------


def corrected(text: str, vocabulary: Vocabulary) -> str | None:
    """`text` with each word the catalogue does not hold replaced by the closest one it holds; None when no
    word was replaced."""
    stop = relevance.STOPWORDS["en"] | relevance.STOPWORDS["nl"]
    changed = False
    result = []
    for word in words_of(text):
        better = None
        if len(word) >= SHORTEST_CORRECTED and word not in vocabulary.counts and word not in stop:
            better = closest(word, vocabulary)
        changed |= better is not None
        result.append(better or word)
    return " ".join(result) if changed else None


def closest(word: str, vocabulary: Vocabulary) -> str | None:
    candidates = vocabulary.by_first.get(word[0], [])
    close = difflib.get_close_matches(word, candidates, n=5, cutoff=CLOSENESS)
    if not close:
        return None
    ratio = {c: difflib.SequenceMatcher(None, word, c).ratio() for c in close}
    return max(close, key=lambda c: (round(ratio[c], 2), vocabulary.counts[c]))


# --- filters a query names --------------------------------------------------------------------------------


@dataclass
class Named:
    param: str
    key: str
    words: tuple[str, ...]  # the query's words that name it


def named_filters(text: str, index) -> list[Named]:
    """The themes, types, partnerships, countries and regions whose name (a country's also in Dutch) the
    query holds as whole words and that some published product has (`index`: the facet index)."""
    query = tuple(words_of(text))
    found = []
    for (param, key), forms in _names(index).items():
        for form in forms:
            if form and _contains(query, form):
                found.append(Named(param, key, form))
                break
    return found


_names_memo: tuple[object, dict] | None = None


def _names(index) -> dict[tuple[str, str], list[tuple[str, ...]]]:
    """(param, key) → the names a query may call it by, as words; from the facet index's rows."""
    global _names_memo
    memo = _names_memo
    if memo is not None and memo[0] is index:
        return memo[1]
    names: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for param in ("theme", "type", "partnership"):
        for key, row in index.rows.get(param, {}).items():
            names[(param, key)] = [tuple(words_of(row.name))]
    for key, row in index.rows.get("country", {}).items():
        names[("country", key)] = [tuple(words_of(name)) for name in country_names(row.name)]
    for key in index.sets.get("region", {}):
        names[("region", key)] = [tuple(words_of(name)) for name in region_names(key)]
    _names_memo = (index, names)
    return names


def _contains(sequence: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(sequence[i : i + len(part)] == part for i in range(len(sequence) - len(part) + 1))


def without_words(text: str, named: tuple[str, ...]) -> str:
    """`text` without the words that named a filter (the filter says it now)."""
    query = words_of(text)
    for i in range(len(query) - len(named) + 1):
        if tuple(query[i : i + len(named)]) == named:
            return " ".join(query[:i] + query[i + len(named) :])
    return " ".join(query)


# --- the closest themes -----------------------------------------------------------------------------------


def closest_themes(text: str, themes: list, limit: int = 3) -> list:
    """Up to `limit` themes (facet index rows) whose names are closest to the query's words: shared stems
    first, then how alike the names are."""
    query_stems = {stem for stem, _ in relevance.stems(normalised(text))}

    def closeness(row) -> tuple[int, float]:
        stems = {stem for stem, _ in relevance.stems(normalised(row.name))}
        return len(stems & query_stems), difflib.SequenceMatcher(
            None, normalised(text), normalised(row.name)
        ).ratio()

    ranked = sorted(themes, key=closeness, reverse=True)
    return [row for row in ranked[:limit] if closeness(row) > (0, 0.3)]
