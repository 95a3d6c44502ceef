"""How relevant each published product is to a text written by someone who needs knowledge: the ranking
behind matching needs to products (needs.matching) and the gaps page's "products that may answer this".

A product is scored by BM25F (Robertson and Zaragoza's field-weighted BM25): the words of its fields count
by how rare they are in the catalogue (IDF), a word in the title more than one in the summary or tags, and
those more than one in the lessons or the description; each field's length is normalised, so a long, wordy
product does not match everything; a word counts less with each repetition. Words are whole and stemmed in
their language (Snowball stemmers, from PyStemmer): "budgets" finds "budgeting", "lead" never finds
"leadership". Phrases the catalogue names (its tags' and themes' names, the thesaurus's entries) also count
as one term each, so "civic space" weighs more than "civic" and "space" apart. The thesaurus
(`search/thesaurus.txt`) adds the sector's other words for what a text asks ("shrinking civic space" ~
"restrictions on NGOs"), and carries Dutch texts over to the catalogue's English.

The index is built from a few plain queries once per data version (core.freshness), by a job (`build_job`)
that the first request after a catalogue change queues while it and the others go on with the index before
(only a site's very first request builds one itself); it is kept in the shared cache, so one process builds
it and the others load it, and in each process's memory while the version holds.
Scoring a text reads, for each of its few terms, the products having it and the term's weight in each
(`Postings`: a compressed set of rows and two bytes a weight): milliseconds, whatever the size of the
catalogue.
"""

import logging
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Self, TypeVar

import numpy as np
import Stemmer
from django.conf import settings
from django.core.cache import cache as shared_cache
from django.utils.translation import gettext_lazy
from django_tasks import task
from pyroaring import BitMap
from scipy import sparse

from core import freshness
from inventory.models import KnowledgeProduct, TaggedProduct, Theme

logger = logging.getLogger(__name__)
# Part of the cache key: a change to what the index holds must raise it.
FORMAT = 9
CACHE_NAME = f"relevance-index:{FORMAT}"
THESAURUS = Path(__file__).with_name("thesaurus.txt")
T = TypeVar("T")

# BM25F: a field's weight, and how much its length is normalised (b); k1 how soon repetition saturates.
FIELD_WEIGHTS = {"title": 3.0, "tags": 2.0, "summary": 2.5, "why_valuable": 1.0, "description": 1.0}
FIELD_LENGTH_NORMALISATION = {
    "title": 0.3,
    "tags": 0.3,
    "summary": 0.6,
    "why_valuable": 0.75,
    "description": 0.75,
}
K1 = 1.2
FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "tags": gettext_lazy("tags"),
    "summary": gettext_lazy("summary"),
    "why_valuable": gettext_lazy("lessons"),
    "description": gettext_lazy("description"),
}
# How much a term the thesaurus adds counts beside one the text itself has, in an English text; in another
# language its own words rarely meet the catalogue's, and the thesaurus's carry the text.
EXPANSION_WEIGHT = {"en": 0.4, "nl": 1.0}

STEMMERS = {"en": "english", "nl": "dutch"}
# Words that say nothing about what a text is about; the IDF makes most common words weigh little, and these
# lists keep a need's own words ("we", "want", "learn") from being looked up at all.
STOPWORDS = {
    "en": {
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "get",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "know",
        "learn",
        "learning",
        "like",
        "make",
        "many",
        "me",
        "more",
        "most",
        "much",
        "must",
        "my",
        "need",
        "needs",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "still",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "very",
        "want",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "others",
        "other's",
        "wants",
        "help",
        "way",
        "ways",
    },
    "nl": {
        "aan",
        "af",
        "al",
        "als",
        "alles",
        "andere",
        "bij",
        "daar",
        "dan",
        "dat",
        "de",
        "der",
        "deze",
        "die",
        "dit",
        "doen",
        "door",
        "een",
        "en",
        "er",
        "geen",
        "hebben",
        "heeft",
        "het",
        "hier",
        "hij",
        "hoe",
        "hun",
        "ik",
        "in",
        "is",
        "je",
        "kan",
        "kunnen",
        "maar",
        "me",
        "meer",
        "met",
        "mij",
        "moet",
        "na",
        "naar",
        "niet",
        "nog",
        "nu",
        "of",
        "om",
        "onder",
        "ons",
        "onze",
        "ook",
        "op",
        "over",
        "te",
        "tot",
        "uit",
        "van",
        "veel",
        "voor",
        "wat",
        "we",
        "welke",
        "wie",
        "wij",
        "willen",
        "wil",
        "worden",
        "wordt",
        "zal",
        "ze",
        "zich",
        "zij",
        "zijn",
        "zo",
        "zoals",
        "zoeken",
        "zoek",
        "leren",
        "kennis",
    },
}
# A word, with an apostrophe inside it ("don't") but not a possessive "'s" ("women's" is "women").
WORD = re.compile(r"[^\W\d_]+(?:'(?!s\b)[^\W\d_]+)?")


# --- words and terms ------------------------------------------------------------------------------------


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMERS.get(language, "english"))


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased; a possessive "'s" dropped."""
    return [word for word in WORD.findall(text.casefold().replace("’", "'")) if len(word) > 1]


def language_of(text: str) -> str:
    """ "nl" for a text with more Dutch function words than English ones, else "en"."""
    counts = Counter(w for w in words(text) if w in STOPWORDS["en"] or w in STOPWORDS["nl"])
    dutch = sum(n for w, n in counts.items() if w in STOPWORDS["nl"] and w not in STOPWORDS["en"])
    english = sum(n for w, n in counts.items() if w in STOPWORDS["en"] and w not in STOPWORDS["nl"])
    return "nl" if dutch > english else "en"


def stems(text: str, language: str = "en", *, keep_stopwords: bool = False) -> list[tuple[str, str]]:
    """(stem, word) for each word of `text` that says something, in order."""
    stop = STOPWORDS.get(language, STOPWORDS["en"])
    kept = [w for w in words(text) if keep_stopwords or w not in stop]
    return list(zip(_stemmer(language).stemWords(kept), kept, strict=True))


@cache
def phrase_key(text: str, language: str = "en") -> tuple[str, ...]:
    return tuple(stem for stem, _ in stems(text, language, keep_stopwords=True))


def terms(text: str, phrases: "Phrases", language: str = "en") -> list[str]:
    """The terms of `text`: its stems, then each phrase it contains as one term ("civic space")."""
    sequence = stems(text, language, keep_stopwords=True)
    stop = STOPWORDS.get(language, STOPWORDS["en"])
    found = [stem for stem, word in sequence if word not in stop]
    found += phrases.find([stem for stem, _ in sequence])
    return found


@dataclass
class Phrases:
    """Stemmed word sequences that count as one term, found by their first word and their length: a
    catalogue's tags begin with the same few words by the hundred ("human rights …"), and comparing each
    of them at each word of each product took most of the index's building time."""

    by_first: dict[str, set[tuple[str, ...]]] = field(default_factory=lambda: defaultdict(set))
    lengths: dict[str, list[int]] = field(default_factory=dict)  # per first word, its phrases' lengths

    def add(self, key: tuple[str, ...]) -> None:
        if len(key) > 1:
            self.by_first[key[0]].add(key)
            self.lengths[key[0]] = sorted({*self.lengths.get(key[0], ()), len(key)})

    def find(self, sequence: Sequence[str]) -> list[str]:
        return [term for term, _start, _length in self.places(sequence)]

    def places(self, sequence: Sequence[str]) -> list[tuple[str, int, int]]:
        """(phrase term, where it starts, how many words) for each phrase in `sequence`."""
        found = []
        for start, stem in enumerate(sequence):
            for length in self.lengths.get(stem, ()):
                key = tuple(sequence[start : start + length])
                if key in self.by_first[stem]:
                    found.append((" ".join(key), start, length))
        return found


# --- the thesaurus --------------------------------------------------------------------------------------


@dataclass
class Entry:
    """A line of the thesaurus: expressions that ask for the same knowledge, by language."""

    expressions: list[tuple[str, str]]  # (language, text)


@cache
def thesaurus() -> list[Entry]:
    """`search/thesaurus.txt`: one entry a line, its expressions separated by "|", each Dutch one marked
    "nl:"; "#" starts a comment."""
    entries = []
    for line in THESAURUS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        expressions = []
        for part in line.split("|"):
            part = part.strip()
            language, text = ("nl", part[3:].strip()) if part.startswith("nl:") else ("en", part)
            expressions.append((language, text))
        entries.append(Entry(expressions))
    return entries


def expansions(sequence: Sequence[str], language: str) -> list[tuple[str, str]]:
    """(English text, the expression found) for each expression of a thesaurus entry found in `sequence`
    (the text's stems in order, stop words kept): the other English expressions of that entry."""
    found = []
    joined = f" {' '.join(sequence)} "
    for entry in thesaurus():
        hit = next(
            (
                text
                for expression_language, text in entry.expressions
                if expression_language == language and f" {' '.join(phrase_key(text, language))} " in joined
            ),
            None,
        )
        if hit is not None:
            found += [(text, hit) for lang, text in entry.expressions if lang == "en" and text != hit]
    return found


# --- the query ------------------------------------------------------------------------------------------


@dataclass
class Query:
    """What a text asks for: a weight per term, and for each term the words of the text it came from."""

    weights: dict[str, float]
    words: dict[str, str]  # term: the text's word or expression ("budgets"; "begroting" for "budget")
    language: str


def query(title: str, description: str, phrases: Phrases) -> Query:
    """The terms of a need: the title's count twice, the description's once, each term's weight growing
    slowly with its repetition; then the thesaurus's, at a lower weight."""
    language = language_of(f"{title} {description}")
    counts: Counter = Counter()
    surface: dict[str, str] = {}
    for text, weight in ((title, 2.0), (description, 1.0)):
        for term in terms(text, phrases, language):
            counts[term] += weight
        for stem, word in stems(text, language):
            surface.setdefault(stem, word)
        sequence = stems(text, language, keep_stopwords=True)
        for term, start, length in phrases.places([stem for stem, _ in sequence]):
            surface.setdefault(term, " ".join(word for _, word in sequence[start : start + length]))
    # A Dutch text's own words are matched as English stems too: many are shared ("budget", "gender").
    if language != "en":
        counts = Counter({_english(term): n for term, n in counts.items()})
        surface = {_english(stem): word for stem, word in surface.items()}
    weights = {term: 1.0 + np.log(n) for term, n in counts.items()}
    surface.update({term: term for term in weights if term not in surface})
    sequence = [stem for stem, _ in stems(f"{title} . {description}", language, keep_stopwords=True)]
    for text, hit in expansions(sequence, language):
        for term in terms(text, phrases):
            if term not in weights:
                weights[term] = EXPANSION_WEIGHT.get(language, 1.0)
                surface[term] = f"{_surface(term, text, phrases)} ~ {hit}"
    return Query(weights, surface, language)


def _surface(term: str, text: str, phrases: Phrases) -> str:
    """The words of `text` that make `term`."""
    sequence = stems(text, keep_stopwords=True)
    for stem, word in sequence:
        if stem == term:
            return word
    for found, start, length in phrases.places([stem for stem, _ in sequence]):
        if found == term:
            return " ".join(word for _, word in sequence[start : start + length])
    return term


def _english(term: str) -> str:
    return " ".join(_stemmer("en").stemWord(part) for part in term.split(" "))


# --- the index ------------------------------------------------------------------------------------------


# A term's weight in a document is kept as one of this many steps of the term's highest weight (two bytes).
WEIGHT_STEPS = 65_535
STEP_TYPE = np.uint16


@dataclass
class Postings:
    """For each term (a column), the documents (rows) that have it and its weight in each, kept small: the
    rows as a roaring bitmap (pyroaring), all the columns' serialised one after the other in one buffer;
    each weight in two bytes, as its step of the term's highest weight (1 to WEIGHT_STEPS, so a term found
    never weighs nothing), off by at most half a step (under a hundred-thousandth of the highest). Every
    process that ranks holds them: at 100,000 products they take 10.2 MiB where a sparse matrix of float32
    weights and int32 rows took 28.7 (at a million, that matrix was about 300 MiB of such a process's
    memory), and a need's first five products come out the same as with the matrix, in the same order
    (998 needs of the first 1,000 of the benchmark's catalogue; the other two swap two products whose scores
    differ by less than five millionths)."""

    row_sets: np.ndarray  # uint8: each column's bitmap, serialised
    row_set_offsets: np.ndarray  # int64: where each column's bitmap starts in row_sets (and the end)
    steps: np.ndarray  # STEP_TYPE: each weight's step, column after column, in the order of the rows
    step_offsets: np.ndarray  # int64: where each column's steps start in steps (and the end)
    step_weight: np.ndarray  # float32 per column: the weight of one step

    @classmethod
    def of(cls, matrix: sparse.csc_matrix) -> Self:
        matrix.sort_indices()
        row_sets, steps, highest = [], [], np.zeros(matrix.shape[1], dtype=np.float32)
        for column in range(matrix.shape[1]):
            start, end = matrix.indptr[column], matrix.indptr[column + 1]
            row_sets.append(BitMap(matrix.indices[start:end]).serialize())
            weights = matrix.data[start:end]
            highest[column] = weights.max(initial=0.0)
            steps.append(_steps(weights, highest[column]))
        return cls(
            row_sets=np.frombuffer(b"".join(row_sets), dtype=np.uint8),
            row_set_offsets=np.cumsum([0, *map(len, row_sets)], dtype=np.int64),
            steps=np.concatenate(steps) if steps else np.zeros(0, dtype=STEP_TYPE),
            step_offsets=matrix.indptr.astype(np.int64),
            step_weight=highest / WEIGHT_STEPS,
        )

    def column(self, column: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows having the term of this column (int32: a catalogue has fewer than 2**31 products), and
        its step in each (its weight is the step times `step_weight[column]`)."""
        found = self.row_sets[self.row_set_offsets[column] : self.row_set_offsets[column + 1]]
        rows = np.frombuffer(BitMap.deserialize(found.tobytes()).to_array(), dtype=np.int32)
        return rows, self.steps[self.step_offsets[column] : self.step_offsets[column + 1]]


def _steps(weights: np.ndarray, highest: float) -> np.ndarray:
    if highest <= 0:  # no row has the term
        return np.ones(len(weights), dtype=STEP_TYPE)
    return np.clip(np.rint(weights / highest * WEIGHT_STEPS), 1, WEIGHT_STEPS).astype(STEP_TYPE)


@dataclass
class TextIndex:
    """BM25F over documents with the fields of FIELD_WEIGHTS: `postings` hold, for each term (column) and
    document (row) that has it, the term's saturated, field-weighted frequency times its IDF."""

    keys: np.ndarray  # the documents' keys (product ids), in row order
    vocabulary: dict[str, int]
    postings: Postings
    phrases: Phrases
    idf: np.ndarray  # per term (column)

    def scores(self, weights: dict[str, float]) -> np.ndarray:
        """Each document's score for the terms (a row per document, zero when none is found), added term
        by term with `np.add.at` (34 ms for a need's twenty terms at a million products). One sparse matrix
        of all the terms' columns took 24 ms, but put millions of rows in memory at once and raised a
        process's peak by 50 MiB."""
        scores = np.zeros(len(self.keys), dtype=np.float32)
        for term, weight in weights.items():
            column = self.vocabulary.get(term)
            if column is not None:
                rows, steps = self.postings.column(column)
                np.add.at(scores, rows, steps * np.float32(self.postings.step_weight[column] * weight))
        return scores

    def vector(self, weights: dict[str, float]) -> sparse.csr_matrix:
        """The terms as a row over this index's vocabulary, each weighted by its rarity (IDF), of length 1:
        the dot product of two such rows is how alike two texts are (cosine similarity), sharing "climate
        finance" counting for more than sharing "local"."""
        columns = [self.vocabulary[term] for term in weights if term in self.vocabulary]
        values = np.asarray(
            [
                weight * self.idf[self.vocabulary[term]]
                for term, weight in weights.items()
                if term in self.vocabulary
            ],
            dtype=np.float32,
        )
        norm = float(np.linalg.norm(values)) if len(values) else 0.0
        if norm > 0:
            values /= norm
        return sparse.csr_matrix(
            (values, (np.zeros(len(columns), dtype=np.int32), columns)), shape=(1, len(self.vocabulary))
        )


def build_text_index(documents: Iterable[tuple[int, dict[str, str]]], phrases: Phrases) -> TextIndex:
    """The BM25F index of `documents`: (key, {field: text}) with the fields of FIELD_WEIGHTS."""
    keys: list[int] = []
    vocabulary: dict[str, int] = {}
    # Per field, a (row, column, count) for each term of each document, and each document's length.
    cells = {name: ([], [], []) for name in FIELD_WEIGHTS}
    lengths = {name: [] for name in FIELD_WEIGHTS}
    for row, (key, fields) in enumerate(documents):
        keys.append(key)
        for name in FIELD_WEIGHTS:
            counter = Counter(terms(fields.get(name, ""), phrases))
            rows, columns, counts = cells[name]
            for term, n in counter.items():
                rows.append(row)
                columns.append(vocabulary.setdefault(term, len(vocabulary)))
                counts.append(n)
            lengths[name].append(sum(counter.values()))
    count, size = len(keys), len(vocabulary)
    # BM25F: each field's counts over its length normalisation, weighted, summed over the fields.
    pseudo = sparse.csr_matrix((count, size), dtype=np.float32)
    for name, weight in FIELD_WEIGHTS.items():
        rows, columns, counts = (np.asarray(cell) for cell in cells[name])
        if not len(rows):
            continue
        length = np.asarray(lengths[name], dtype=np.float32)
        b = FIELD_LENGTH_NORMALISATION[name]
        norm = 1 - b + b * length / (length.mean() or 1)
        values = weight * counts.astype(np.float32) / norm[rows]
        pseudo = pseudo + sparse.csr_matrix((values, (rows, columns)), shape=(count, size))
    frequency = np.diff(pseudo.tocsc().indptr)  # documents per term
    idf = np.log(1 + (count - frequency + 0.5) / (frequency + 0.5)).astype(np.float32)
    pseudo = pseudo.tocoo()
    saturated = idf[pseudo.col] * pseudo.data / (K1 + pseudo.data)
    matrix = sparse.csc_matrix((saturated.astype(np.float32), (pseudo.row, pseudo.col)), shape=(count, size))
    return TextIndex(np.asarray(keys, dtype=np.int64), vocabulary, Postings.of(matrix), phrases, idf)


@dataclass
class ProductIndex:
    """The published products' text index, and each product's themes (for the themes' prior)."""

    text: TextIndex
    rows_by_theme: dict[int, np.ndarray]  # the rows of each theme's products, in order
    theme_parents: dict[int, int | None]
    theme_names: dict[int, str]

    def row_of(self, product_id: int) -> int | None:
        """The product's row, or None when the index does not hold it: looked up in the keys, which are in
        order, rather than kept in a dict of a million entries at a million products (a hundred MiB in
        every process that holds the index, and as many objects for the collector to walk)."""
        keys = self.text.keys
        row = int(np.searchsorted(keys, product_id))
        return row if row < len(keys) and keys[row] == product_id else None


def catalogue_phrases() -> Phrases:
    """The phrases of the catalogue: its tags' and themes' names, the thesaurus's expressions."""
    phrases = Phrases()
    names = list(Theme.objects.values_list("name", flat=True))
    names += TaggedProduct.tags_for(KnowledgeProduct).values_list("name", flat=True)
    names += [text for entry in thesaurus() for lang, text in entry.expressions if lang == "en"]
    for name in names:
        phrases.add(phrase_key(name))
    return phrases


def build() -> ProductIndex:
    """Queries: 1 the themes, 2 the themes' names for phrases, 3 the tags' names, 4 the products' tags, 5
    their themes, 6 the published products' texts."""
    themes = {pk: (parent, name) for pk, parent, name in Theme.objects.values_list("pk", "parent_id", "name")}
    phrases = catalogue_phrases()
    published = KnowledgeProduct.objects.published()
    tags = defaultdict(list)
    tagged = TaggedProduct.objects.filter(content_object__in=published.values("pk"))
    for product_id, name in tagged.values_list("content_object_id", "tag__name"):
        tags[product_id].append(name)
    product_themes = defaultdict(set)
    for product_id, theme_id in KnowledgeProduct.themes.through.objects.filter(
        knowledgeproduct__in=published
    ).values_list("knowledgeproduct_id", "theme_id"):
        product_themes[product_id].add(theme_id)
    rows = published.order_by("pk").values_list("pk", "title", "summary", "why_valuable", "description")
    documents = (
        (pk, {"title": t, "summary": s, "why_valuable": w, "description": d, "tags": " . ".join(tags[pk])})
        for pk, t, s, w, d in rows.iterator(chunk_size=2000)
    )
    text = build_text_index(documents, phrases)
    keys = text.keys.tolist()
    return ProductIndex(
        text=text,
        rows_by_theme=_rows_by_theme(product_themes, keys),
        theme_parents={pk: parent for pk, (parent, _) in themes.items()},
        theme_names={pk: name for pk, (_, name) in themes.items()},
    )


def _rows_by_theme(product_themes: dict[int, set[int]], keys: list[int]) -> dict[int, np.ndarray]:
    rows = defaultdict(list)
    for row, pk in enumerate(keys):
        for theme in product_themes.get(pk, ()):
            rows[theme].append(row)
    return {theme: np.asarray(found, dtype=np.int32) for theme, found in rows.items()}


_memos: dict[str, tuple[str, object]] = {}
_lock = (
    threading.RLock()
)  # Re-entered: a value computed here may read another (the answered needs read the index).
# While a job builds a new version's value, a process serves its earlier one and looks in the shared cache
# for the new one at most every RECHECK_SECONDS ({name: (version awaited, when to look again)}): a look
# reads the value's label (core.freshness.kept_version), and the value only once it is the one awaited.
_awaited: dict[str, tuple[str, float]] = {}
RECHECK_SECONDS = 5.0


def kept(
    name: str,
    compute: Callable[[], T],
    *,
    scope: str | None = None,
    later: Callable[[str], None] | None = None,
    compute_here: bool = True,
) -> T | None:
    """What `compute()` returns for the data as it is: this process's copy while the data version holds
    (the version of the `scope` registered with core.freshness, if given), else the shared cache's, else
    computed (and shared); while another process computes a new version's, the copy at hand serves. `name`
    names the value and its format.

    With `later`, a caller that holds an earlier version's value never computes: it serves that value and
    calls `later(version)`, which queues the computation as a job; only a process with no value at all (a
    site's very first request) computes it itself, or, with `compute_here=False`, queues it and returns
    None."""
    if not getattr(settings, "CACHE_PUBLIC_AGGREGATES", True):
        return compute()
    version = freshness.scoped_version(scope) if scope else freshness.current_version()
    memo = _memos.get(name)
    if memo is not None and (memo[0] == version or _still_awaited(name, version)):
        return memo[1]
    with _lock:  # one thread of a process computes it; the others wait for it rather than compute it too
        memo = _memos.get(name)
        if memo is not None and (memo[0] == version or _still_awaited(name, version)):
            return memo[1]
        previous = memo[1] if memo is not None else None
        if later is not None:
            found = _shared_for_later(name, version, previous, later)
            if found is None and not compute_here:
                later(version)  # a worker that runs jobs at once has computed it by the next look
                found = _shared_for_later(name, version, previous, later)
            if found is not None or not compute_here:
                return found
        value, is_current = freshness.cached_at(name, compute, version=version, previous=previous)
        if is_current:
            _memos[name] = (version, value)
        return value


def _shared_for_later(name: str, version: str, previous: T | None, later: Callable[[str], None]) -> T | None:
    """`kept` with `later`: the shared cache's value of `version`, or an earlier one while a job computes
    that (queued here); None when neither this process nor the cache has any (the caller computes it).
    The shared value's version is read from its label first, so that the value, large at scale, is read
    once and only when it serves: not to learn that it is still the old one, nor again every
    RECHECK_SECONDS while the job runs."""
    memo = _memos.get(name)
    shared_version = freshness.kept_version(name)
    if shared_version is None and previous is None:
        # No label: nothing kept yet, or the label is gone (a full cache culls entries); the value says.
        shared, is_current = freshness.peek(name, version=version)
        if shared is None:
            return None
        if not is_current:
            later(version)
            shared, is_current = freshness.peek(name, version=version)
        return _serve(name, version, shared, is_current, memo)
    if shared_version != version:
        later(version)
        # A worker that runs jobs at once (the tests', a site without one) has computed it already.
        shared_version = freshness.kept_version(name)
    if shared_version == version or previous is None:
        _memos.pop(name, None)  # an earlier copy goes as soon as the requests using it are done
        shared, is_current = freshness.peek(name, version=version)
        if shared is not None:
            return _serve(name, version, shared, is_current, memo)
    if previous is None:
        return None
    return _serve(name, version, previous, False, memo)


def _serve(name: str, version: str, value: T, is_current: bool, memo: tuple | None) -> T:
    """Keep `value` as this process's copy: `version`'s, or an earlier one served while `version`'s is
    computed elsewhere (looked for again after RECHECK_SECONDS)."""
    if is_current:
        _memos[name] = (version, value)
        _awaited.pop(name, None)
    else:
        _memos[name] = (memo[0] if memo is not None else "", value)
        _awaited[name] = (version, time.monotonic() + RECHECK_SECONDS)
    return value


# The index depends on the catalogue alone (products, their themes and tags, the themes' names): the apps
# that hold the rest of the public data change it not.
SCOPE = "catalogue"
OUTSIDE_THE_CATALOGUE = ("needs.",)


def in_scope(label: str) -> bool:
    """Whether a change to the model `label` ("inventory.knowledgeproduct") may change the index."""
    return not label.startswith(OUTSIDE_THE_CATALOGUE)


def _still_awaited(name: str, version: str) -> bool:
    """Whether this process served an earlier value for `version` a moment ago (and need not look again)."""
    awaited = _awaited.get(name)
    return awaited is not None and awaited[0] == version and time.monotonic() < awaited[1]


def current() -> ProductIndex:
    """The published products' index for the catalogue as it is, or, while a job builds that, the one before:
    building takes seconds at 100,000 products, which no request should wait for. An earlier index may name
    a product since unpublished or lack a new one; callers read the products they show from the database,
    published only (needs.matching), so it never shows what is not public."""
    return kept(CACHE_NAME, build, scope=SCOPE, later=queue_build)


def at_hand() -> ProductIndex | None:
    """`current()` for a request that can do without the index (a search lists its matches unranked
    instead): None, the build queued, when neither this process nor the shared cache holds any index yet
    (a new site, a new FORMAT, or the cache away), where `current()` would build one in the request:
    seconds at 100,000 products, minutes at a million."""
    return kept(CACHE_NAME, build, scope=SCOPE, later=queue_build, compute_here=False)


def queue_build(version: str) -> None:
    """Queue the job that builds the index of `version`, once per version however many requests ask."""
    queue_once(CACHE_NAME, build_job, version)


def queue_once(name: str, job, version: str) -> None:
    """Queue `job`, which builds what `kept` keeps under `name`, once per version however many requests
    ask. Not while the shared cache is away: the job would have nowhere to keep what it builds."""
    try:
        if not shared_cache.add(f"{name}:queued:{version}", 1, QUEUED_SECONDS):
            return
    except Exception as error:
        logger.warning("The cache is unusable (%r); %s's build is not queued", error, name)
        return
    try:
        job.enqueue()
    except Exception:
        shared_cache.delete(f"{name}:queued:{version}")
        logger.exception("Could not queue %s's build; what was there before serves meanwhile", name)


# How long a queued build stops others from queueing one: longer than a build takes at 1,000,000 products.
QUEUED_SECONDS = 600


@task()
def build_job() -> str:
    """Build the index of the catalogue as it is now, unless a process has already."""
    return build_kept(CACHE_NAME, build)


def build_kept(name: str, compute: Callable[[], T]) -> str:
    """A job's work: keep what `compute()` returns for the catalogue's current version under `name` in the
    shared cache, unless a process has already."""
    version = freshness.scoped_version(SCOPE)
    _awaited.pop(name, None)  # this process (a worker running jobs at once) looks again at once
    if freshness.kept_version(name) == version:
        return "already built"
    freshness.cached_at(name, compute, version=version)
    return "built"


def forget() -> None:
    """Drop this process's copies (the tests start each from nothing)."""
    _memos.clear()
    _awaited.clear()


# --- ranking --------------------------------------------------------------------------------------------

# How much the themes lift a product: at most this share of the best text score.
THEME_PRIOR = 0.35
# A product on a theme the text was filed under; on its core theme or a sub-theme of it; on a sibling.
THEME_CLOSENESS = {"same": 1.0, "parent_or_child": 0.5, "sibling": 0.25}


def theme_closeness(product_themes: Iterable[int], need_themes: Iterable[int], parents: dict) -> float:
    """How close a product's themes come to a need's: 1 the same theme, ½ a core theme and its
    sub-theme, ¼ two sub-themes of one core theme, 0 none."""
    best = 0.0
    for mine in product_themes:
        for theirs in need_themes:
            if mine == theirs:
                return THEME_CLOSENESS["same"]
            if parents.get(mine) == theirs or parents.get(theirs) == mine:
                best = max(best, THEME_CLOSENESS["parent_or_child"])
            elif parents.get(mine) is not None and parents.get(mine) == parents.get(theirs):
                best = max(best, THEME_CLOSENESS["sibling"])
    return best


def themes_of(index: ProductIndex, product_id: int) -> list[int]:
    """The themes of a product in the index."""
    row = index.row_of(product_id)
    return [
        theme
        for theme, rows in index.rows_by_theme.items()
        if row is not None and (place := np.searchsorted(rows, row)) < len(rows) and rows[place] == row
    ]


@dataclass
class Ranked:
    """A product's place in a ranking: its id, its score, and what made it (for the reasons)."""

    product_id: int
    score: float
    text_score: float
    theme_closeness: float
    boost: float


def rank(
    index: ProductIndex,
    search: Query,
    *,
    theme_ids: Iterable[int] = (),
    boosts: dict[int, float] | None = None,
    exclude: Iterable[int] = (),
    limit: int = 5,
) -> list[Ranked]:
    """The `limit` products most relevant to `search`, best first: the text's score scaled to the best one,
    lifted by the themes (at most THEME_PRIOR) and by `boosts` ({product id: 0…1}, what curators' earlier
    matches suggest). Products without a word in common, a theme or a boost are left out."""
    keys = index.text.keys
    if not len(keys):
        return []
    text = index.text.scores(search.weights)
    best = float(text.max()) if text.size else 0.0
    score = text / best if best > 0 else np.zeros_like(text)
    theme_ids = list(theme_ids)
    closeness = np.zeros_like(score)
    if theme_ids:
        for theme, rows in index.rows_by_theme.items():
            value = theme_closeness([theme], theme_ids, index.theme_parents)
            if value:
                closeness[rows] = np.maximum(closeness[rows], value)
        score = score + THEME_PRIOR * closeness
    boost = np.zeros_like(score)
    for product_id, value in (boosts or {}).items():
        row = index.row_of(product_id)
        if row is not None:
            boost[row] = value
    score = score + boost
    for product_id in exclude:
        row = index.row_of(product_id)
        if row is not None:
            score[row] = 0
    candidates = np.flatnonzero(score > 0)
    if len(candidates) > limit:
        candidates = candidates[np.argpartition(-score[candidates], limit - 1)[:limit]]
    ordered = sorted(candidates.tolist(), key=lambda row: (-score[row], -keys[row]))
    return [
        Ranked(int(keys[row]), float(score[row]), float(text[row]), float(closeness[row]), float(boost[row]))
        for row in ordered
    ]


def search_scores(index: ProductIndex | None, words: str, also: str, product_ids: np.ndarray) -> np.ndarray:
    """The BM25F score of each of `product_ids` (a search's matches, in their order) for a search of `words`
    (`also`: more words, weighing less, such as the English the thesaurus gives for a Dutch query),
    0 for a product without any of them in the fields this index holds, or not in the index at all (a
    draft, or a product published since the index was built); 0 for every product without an index."""
    found = np.asarray(product_ids, dtype=np.int64)
    if index is None or not len(index.text.keys) or not len(found):
        return np.zeros(len(found), dtype=np.float32)
    keys = index.text.keys
    # By id, every id up to the highest (4 bytes each): looking up tens of thousands of ids in the keys
    # took forty times as long.
    by_id = np.zeros(max(int(keys[-1]), int(found.max())) + 1, dtype=np.float32)
    by_id[keys] = index.text.scores(query(words, also, index.text.phrases).weights)
    return by_id[found]


def found_words(search: Query, fields: dict[str, str], phrases: Phrases) -> list[tuple[str, list[str]]]:
    """The text's words found in a product's `fields` ({field: text}), most weighty first, each with the
    fields (FIELD_WEIGHTS' names) it is found in; a phrase found hides its own words."""
    where: dict[str, list[str]] = defaultdict(list)
    for name in FIELD_WEIGHTS:
        present = set(terms(fields.get(name, ""), phrases))
        for term in search.weights:
            if term in present:
                where[term].append(name)
    inside_phrases = {part for term in where if " " in term for part in term.split(" ")}
    found: dict[str, list[str]] = {}
    for term in sorted(where, key=lambda term: -search.weights[term]):
        if term not in inside_phrases:
            fields_of_word = found.setdefault(search.words.get(term, term), [])
            fields_of_word += [name for name in where[term] if name not in fields_of_word]
    return [(word, sorted(names, key=list(FIELD_WEIGHTS).index)) for word, names in found.items()]
