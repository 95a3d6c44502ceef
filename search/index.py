"""The facet index: for every value a visitor can filter the browse page by (search.params), the set of
published products having it, as a compressed bitmap (Roaring bitmaps, from pyroaring); and the published
products in each order the browse page sorts by.

With it, the browse page's numbers and pages cost no grouped query over the link tables. The products a set
of filters gives is the intersection of each parameter's set (a repeated parameter being the union of its
values' sets); a facet value's count is the size of its set intersected with the products the *other*
filters give; a page is the first of those products in the order asked for. A few microseconds per value,
whatever the combination of filters and however many products there are.

The index is built from plain queries (one per link table and one per kind of row, none joined) once per
data version (core.freshness), kept in the shared cache so that one process builds it and the others load
it, and in each process's memory while the version holds. Search is not in it: a search's matches come from
the database as one more set.
"""

import heapq
import re
import threading
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import F
from django.utils.translation import get_language
from pyroaring import BitMap

from core import allocator, freshness
from core.translations import pick
from inventory.models import PRODUCT_ORDERS, KnowledgeProduct, Theme
from search.params import LINKED, RELATIONS, Param

# Part of the cache key: a change to what FacetIndex holds must raise it, or processes running the new code
# would load an index pickled by the old.
FORMAT = 6
CACHE_NAME = f"facet-index:{FORMAT}"
# The orders kept: the browse page's (inventory.models.PRODUCT_ORDERS), and the most recently published
# first, which breaks ties between equally related products.
RECENT = "recent"


@dataclass
class Row:
    """A value as the facets list it: its key in the URL, its name and what orders or marks it."""

    key: str
    name: str
    order: int = 0  # its place among the rows in their own order (types by position, programmes newest first)
    kind: str = ""  # an organisation's kind
    parent: str = ""  # a sub-theme's core theme (its key)
    translations: dict = field(default_factory=dict)  # the name in other languages (core.translations)

    @property
    def display_name(self) -> str:
        """The name in the page's language, English where it has no translation."""
        return pick(self.name, self.translations, "name")


@dataclass
class Order:
    """The published products in one order: their ids in that order, and each id's place (looked up by id)."""

    ids: array = field(default_factory=lambda: array("I"))
    place: array = field(default_factory=lambda: array("I"))

    @classmethod
    def of(cls, ordered: list[int]) -> "Order":
        place = array("I", [len(ordered)]) * ((max(ordered) + 1) if ordered else 0)
        for position, pk in enumerate(ordered):
            place[pk] = position
        return cls(array("I", ordered), place)

    def first(self, products: BitMap, count: int, published: int) -> list[int]:
        """The first `count` of `products` in this order. Walk the ordered ids until enough are found, or
        pick the first of the products by place: whichever looks at fewer (a walk meets one of the products
        every published / len(products) ids)."""
        if count * published < len(products) ** 2:
            found = []
            for pk in self.ids:
                if pk in products:
                    found.append(pk)
                    if len(found) == count:
                        break
            return found
        return heapq.nsmallest(count, products, key=self.place.__getitem__)


@dataclass
class FacetIndex:
    published: BitMap = field(default_factory=BitMap)
    orders: dict[str, Order] = field(default_factory=dict)
    # param -> key -> the published products a filter on that value finds (a core theme: its sub-themes' too)
    sets: dict[str, dict[str, BitMap]] = field(default_factory=dict)
    # the published products linked to a theme itself (a sub-theme's own count)
    theme_direct: dict[str, BitMap] = field(default_factory=dict)
    years: dict[int, BitMap] = field(default_factory=dict)
    featured: BitMap = field(default_factory=BitMap)
    # param -> key -> Row, for the parameters whose values are rows (names for the facets and the filters)
    rows: dict[str, dict[str, Row]] = field(default_factory=dict)
    themes: list[Row] = field(default_factory=list)  # every theme, in the order the page lists them

    def names(self, param: str) -> dict[str, str]:
        """Each of `param`'s rows' names in the page's language (English where it has none), worked out once
        per language and kept with the index: a browse page sorts and labels thousands of tags and
        organisations by them, and looking each up in its translations took a tenth of a search's facets."""
        language = get_language() or settings.LANGUAGE_CODE
        kept = self.__dict__.setdefault("_names", {})
        if (param, language) not in kept:
            rows = self.rows.get(param, {})
            kept[param, language] = {
                key: pick(row.name, row.translations, "name", language) for key, row in rows.items()
            }
        return kept[param, language]

    def __getstate__(self) -> dict:
        """What is shared: not the names worked out for this process's pages."""
        state = dict(self.__dict__)
        state.pop("_names", None)
        return state

    def union(self, param: str, keys: Iterable[str]) -> BitMap:
        values = self.sets.get(param, {})
        return BitMap.union(BitMap(), *[values[key] for key in keys if key in values])

    def page(self, products: BitMap, order: str, start: int, stop: int) -> list[int]:
        """The ids of `products` from place `start` to `stop` in `order`."""
        return self.orders[order].first(products, stop, len(self.published))[start:]

    def related(self, pk: int, themes: Iterable[str], tags: Iterable[str], limit: int) -> list[int]:
        """Up to `limit` other published products sharing the most of these themes and tags with product
        `pk`, the most recently published first among equals."""
        sets = [self.theme_direct[key] for key in themes if key in self.theme_direct]
        sets += [self.sets["tag"][key] for key in tags if key in self.sets.get("tag", {})]
        # at_least[j]: the products in at least j + 1 of the sets. Each set lifts the products it holds
        # one level, from the top down, so that it counts once for each of them.
        at_least: list[BitMap] = []
        for products in sets:
            for j in range(len(at_least) - 1, -1, -1):
                lifted = at_least[j] & products
                if j + 1 == len(at_least):
                    if lifted:
                        at_least.append(lifted)
                else:
                    at_least[j + 1] |= lifted
            if at_least:
                at_least[0] |= products
            else:
                at_least.append(BitMap(products))
        recent = self.orders[RECENT].place
        chosen: list[int] = []
        for j in range(len(at_least) - 1, -1, -1):
            exactly = at_least[j] - at_least[j + 1] if j + 1 < len(at_least) else BitMap(at_least[j])
            exactly.discard(pk)
            chosen += heapq.nsmallest(limit - len(chosen), exactly, key=recent.__getitem__)
            if len(chosen) >= limit:
                break
        return chosen

    def linked(self, param: str, pk: int) -> list[Row]:
        """The themes, countries or languages (`param`) published product `pk` is linked to, in the order
        the page lists them (themes as ordered, the others by name): a membership test per value, where
        reading them from the link table would cost a query each."""
        if param == "theme":
            return [row for row in self.themes if pk in self.theme_direct.get(row.key, ())]
        rows = self.rows.get(param, {})
        found = [rows[key] for key, products in self.sets.get(param, {}).items() if pk in products]
        return sorted(found, key=lambda row: row.display_name)

    def named(self, text: str) -> BitMap:
        """The products of the themes and types whose name holds every word of `text` (the start of a word
        of the name, accents and case aside) in any of the site's languages: a search for "género" finds
        the products of "Igualdad de género" as the Spanish facet shows it."""
        wanted = _words(text)
        if not wanted:
            return BitMap()
        found = BitMap()
        named_rows = [("theme", row) for row in self.themes]
        named_rows += [("type", row) for row in self.rows.get("type", {}).values()]
        for param, row in named_rows:
            names = [row.name, *(texts.get("name", "") for texts in row.translations.values())]
            if any(_holds_words(_words(name), wanted) for name in names):
                found |= self.sets.get(param, {}).get(row.key, BitMap())
        return found

    def years_between(self, low: int | None, high: int | None) -> BitMap:
        return BitMap.union(
            BitMap(),
            *[
                products
                for year, products in self.years.items()
                if (low is None or year >= low) and (high is None or year <= high)
            ],
        )


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return re.findall(r"\w+", folded)


def _holds_words(words: list[str], wanted: list[str]) -> bool:
    return all(any(word.startswith(part) for word in words) for part in wanted)


# --- building it ----------------------------------------------------------------------------------------


def build() -> FacetIndex:
    """The index of the published products as the database holds them now: a query per order, per link
    table and per kind of row."""
    index = FacetIndex()
    published = KnowledgeProduct.objects.published()
    by_type, years, pks, featured = defaultdict(list), defaultdict(list), [], []
    scan = published.in_order("newest").values_list("pk", "product_type_id", "year", "featured")
    for pk, type_id, year, is_featured in scan.iterator(chunk_size=10_000):
        pks.append(pk)
        by_type[type_id].append(pk)
        if year is not None:
            years[year].append(pk)
        if is_featured:
            featured.append(pk)
    index.published = BitMap(pks)
    index.orders["newest"] = Order.of(pks)
    for name in PRODUCT_ORDERS.keys() - {"newest"}:
        index.orders[name] = Order.of(list(published.in_order(name).values_list("pk", flat=True)))
    index.orders[RECENT] = Order.of(list(published.recently_published().values_list("pk", flat=True)))
    index.featured = BitMap(featured)
    index.years = {year: BitMap(members) for year, members in years.items()}
    links = _Links(type={pk: BitMap(members) for pk, members in by_type.items()})
    values = _Values()
    for param in LINKED:
        if param.kind == "rows":
            index.rows[param.name] = values.rows(param)
        index.sets[param.name] = _sets(param, links, values, index.published)
    _theme_tree(index)
    return index


class _Links(dict):
    """The link tables read so far, by relation: {linked row's pk: the products it links (drafts too)}."""

    def of(self, relation: str) -> dict:
        if relation not in self:
            self[relation] = _linked(RELATIONS[relation])
        return self[relation]


def _linked(relation) -> dict:
    """Every row of a link table, grouped: the linked row -> the products it links. One query, no join."""
    rows = relation.table.objects.order_by()
    value_column, product_column = f"{relation.column}_id", f"{relation.product_column}_id"
    if connection.vendor == "postgresql":
        # Grouped in the database: a list per value instead of a Python tuple per link.
        grouped = rows.values(value=F(value_column)).annotate(products=ArrayAgg(product_column))
        return {row["value"]: BitMap(row["products"]) for row in grouped}
    members = defaultdict(list)
    for value, product in rows.values_list(value_column, product_column).iterator(chunk_size=10_000):
        members[value].append(product)
    return {value: BitMap(products) for value, products in members.items()}


class _Values:
    """The fields of each model the parameters read (keys, names, the `via` fields), one query per model,
    in the model's own order: {pk: {field: value}}."""

    def __init__(self):
        wanted: dict = defaultdict(lambda: {"pk"})
        for param in LINKED:
            if param.model is not None:
                wanted[param.model] |= {param.key, "name"} | {
                    extra for extra in ("kind", "translations") if _has_field(param.model, extra)
                }
            if param.via:
                wanted[param.linked_model].add(
                    f"{param.via}__{param.key}" if param.kind == "rows" else param.via
                )
        self.wanted = wanted
        self.read: dict = {}

    def of(self, model) -> dict[int, dict]:
        if model not in self.read:
            fields = sorted(self.wanted[model])
            self.read[model] = {row["pk"]: row for row in model._default_manager.values(*fields)}
        return self.read[model]

    def rows(self, param: Param) -> dict[str, Row]:
        """The rows a parameter's values name, in their own order, by key."""
        return {
            row[param.key]: Row(
                row[param.key],
                row["name"],
                place,
                kind=row.get("kind", ""),
                translations=row.get("translations") or {},
            )
            for place, row in enumerate(self.of(param.model).values())
        }


def _sets(param: Param, links: _Links, values: _Values, published: BitMap) -> dict[str, BitMap]:
    """Each value's published products: the union of the products of the linked rows having it."""
    if param.via:
        field_ = f"{param.via}__{param.key}" if param.kind == "rows" else param.via
        rows = values.of(param.linked_model)
    else:
        field_, rows = param.key, values.of(param.model)
    members = defaultdict(list)
    for pk, products in links.of(param.relation).items():
        if pk in rows and (value := rows[pk][field_]):
            members[value].append(products)
    return {value: BitMap.union(*sets) & published for value, sets in members.items()}


def _theme_tree(index: FacetIndex) -> None:
    """A core theme's set takes in its sub-themes' (what filtering by it finds); each theme keeps its own
    products too, for a sub-theme's count and a product page's themes."""
    direct = index.sets["theme"]
    themes = Theme.objects.in_tree_order()
    index.themes = [
        Row(t.slug, t.name, parent=t.parent.slug if t.parent_id else "", translations=t.translations)
        for t in themes
    ]
    index.theme_direct = {row.key: direct.get(row.key, BitMap()) for row in index.themes}
    found = {row.key: BitMap(index.theme_direct[row.key]) for row in index.themes}
    for row in index.themes:
        if row.parent:
            found[row.parent] |= index.theme_direct[row.key]
    index.sets["theme"] = found


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


# --- keeping it -----------------------------------------------------------------------------------------

_lock = threading.Lock()
_memo: tuple[str, FacetIndex] | None = None


def current() -> FacetIndex:
    """The index for the data as it is: from this process's memory while the data version holds, else from
    the shared cache, else built (and shared). While another process builds the index of a new version, the
    one this process has serves."""
    global _memo
    if not getattr(settings, "CACHE_PUBLIC_AGGREGATES", True):
        return build()
    version = freshness.current_version()
    memo = _memo
    if memo is not None and memo[0] == version:
        return memo[1]
    with _lock:  # one thread of a process builds it; the others wait for it rather than build it too
        memo = _memo
        if memo is not None and memo[0] == version:
            return memo[1]
        previous = memo[1] if memo is not None else None
        index, current_version = freshness.cached_at(CACHE_NAME, build, version=version, previous=previous)
        if current_version:
            _memo = (version, index)
            if previous is not None and previous is not index:
                del previous, memo  # the earlier index goes as soon as the requests using it are done
                allocator.give_back()
        return index


def forget() -> None:
    """Drop this process's copy (the tests start each from nothing)."""
    global _memo
    _memo = None
