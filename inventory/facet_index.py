"""The facet index: for every value a visitor can filter the browse page by, the set of published products
having it, as a compressed bitmap (Roaring bitmaps, from pyroaring).

With it, the browse page's numbers cost no grouped query over the link tables. The products a set of filters
gives is the intersection of each parameter's set (a repeated parameter being the union of its values'
sets), and a facet value's count is the size of its set intersected with the products the *other* filters
give. That is a few microseconds per value, whatever the combination of filters and however many products
there are, where the grouped queries took seconds at a hundred thousand products for any combination not
seen before.

The index is built from a handful of plain queries (one per link table, none joined) once per data version
(`inventory.cache`): whatever changes public data invalidates it along with the other public aggregates.
Built, it is kept in the shared cache, so one process builds it and the others load it, and in each
process's memory for as long as the data version holds. Search is not in it: a search's matches come from
the database (the full-text index on PostgreSQL) as one more set.
"""

import heapq
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import F
from pyroaring import BitMap
from taggit.models import Tag

from inventory import cache as aggregates
from inventory.models import (
    Country,
    Involvement,
    KnowledgeProduct,
    Language,
    Organisation,
    Partnership,
    ProductType,
    Programme,
    Stakeholder,
    TaggedProduct,
    Theme,
)

# Part of the cache key: a change to what FacetIndex holds must raise it, or processes running the new code
# would load an index pickled by the old.
FORMAT = 4
CACHE_NAME = f"facet-index:{FORMAT}"
# The browse page's default order (ProductFilter.order): year, then publication, newest first.
NEWEST = (F("year").desc(nulls_last=True), F("published_at").desc(nulls_last=True), "-pk")

# Parameters whose chosen values are rows, and the row's field that names them in the URL.
KEYED = {
    "theme": "slug",
    "type": "slug",
    "programme": "slug",
    "partnership": "slug",
    "organisation": "slug",
    "country": "code",
    "language": "code",
    "tag": "slug",
}
# Parameters whose values are choices (the value itself goes in the URL).
CHOICES = ("org_kind", "region", "stakeholder_category")


@dataclass
class Row:
    """A value as the facets list it: its key in the URL, its name and what orders or marks it."""

    key: str
    name: str
    order: tuple = ()  # for facets listed in a fixed order (types by position, programmes newest first)
    kind: str = ""  # an organisation's kind
    parent: str = ""  # a sub-theme's core theme (its key)


@dataclass
class FacetIndex:
    published: BitMap = field(default_factory=BitMap)
    # a published product's place in the newest-first order (indexed by id): what breaks ties between
    # equally relevant search results, as the database's order does
    newest: array = field(default_factory=lambda: array("I"))
    newest_order: array = field(default_factory=lambda: array("I"))  # the published ids, newest first
    # the same for the most recently published first: the order among equally related products
    recent: array = field(default_factory=lambda: array("I"))
    # param -> key -> the published products a filter on that value finds (a core theme: its sub-themes' too)
    sets: dict[str, dict[str, BitMap]] = field(default_factory=dict)
    # the published products linked to a theme itself (a sub-theme's own count)
    theme_direct: dict[str, BitMap] = field(default_factory=dict)
    years: dict[int, BitMap] = field(default_factory=dict)
    featured: BitMap = field(default_factory=BitMap)
    # param -> key -> Row, for the keyed parameters (names for the facets and the chosen filters)
    rows: dict[str, dict[str, Row]] = field(default_factory=dict)
    themes: list[Row] = field(default_factory=list)  # every theme, in the order the page lists them

    def union(self, param: str, keys: Iterable[str]) -> BitMap:
        values = self.sets.get(param, {})
        return BitMap.union(BitMap(), *[values[key] for key in keys if key in values])

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
        chosen: list[int] = []
        for j in range(len(at_least) - 1, -1, -1):
            exactly = at_least[j] - at_least[j + 1] if j + 1 < len(at_least) else BitMap(at_least[j])
            exactly.discard(pk)
            chosen += heapq.nsmallest(limit - len(chosen), exactly, key=self.recent.__getitem__)
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
        return sorted(found, key=lambda row: row.name)

    def years_between(self, low: int | None, high: int | None) -> BitMap:
        return BitMap.union(
            BitMap(),
            *[
                products
                for year, products in self.years.items()
                if (low is None or year >= low) and (high is None or year <= high)
            ],
        )


# --- building it ----------------------------------------------------------------------------------------


def build() -> FacetIndex:
    """The index of the published products as the database holds them now: about a dozen queries."""
    index = FacetIndex()
    rows = KnowledgeProduct.objects.published().values_list("pk", "product_type_id", "year", "featured")
    by_type, years = defaultdict(list), defaultdict(list)
    pks, featured = [], []
    for pk, type_id, year, is_featured in rows.order_by(*NEWEST).iterator(chunk_size=10_000):
        pks.append(pk)
        if type_id is not None:
            by_type[type_id].append(pk)
        if year is not None:
            years[year].append(pk)
        if is_featured:
            featured.append(pk)
    published = index.published = BitMap(pks)
    index.newest = _positions(pks)
    index.newest_order = array("I", pks)
    recent = KnowledgeProduct.objects.published().order_by(F("published_at").desc(nulls_last=True), "pk")
    index.recent = _positions(list(recent.values_list("pk", flat=True)))
    index.featured = BitMap(featured)
    index.years = {year: BitMap(members) for year, members in years.items()}

    types = {t.pk: t for t in ProductType.objects.only("slug", "name", "position")}
    index.rows["type"] = {t.slug: Row(t.slug, t.name, (t.position, t.name)) for t in types.values()}
    index.sets["type"] = {types[pk].slug: BitMap(members) for pk, members in by_type.items() if pk in types}

    _themes(index, published)
    partnerships = _linked(KnowledgeProduct.partnerships.through, "partnership_id", "knowledgeproduct_id")
    _keyed_rows(
        index, published, "partnership", Partnership.objects.values_list("pk", "slug", "name"), partnerships
    )
    programme_of = dict(Partnership.objects.values_list("pk", "programme_id"))
    programmes = {p.pk: p for p in Programme.objects.only("slug", "name", "start_year")}
    index.rows["programme"] = {
        p.slug: Row(p.slug, p.name, (-(p.start_year or 0), p.name)) for p in programmes.values()
    }
    index.sets["programme"] = _grouped(partnerships, programme_of, programmes, published)

    organisations = _linked(KnowledgeProduct.organisations.through, "organisation_id", "knowledgeproduct_id")
    kinds = {}
    org_rows = {}
    for pk, slug, name, kind in Organisation.objects.values_list("pk", "slug", "name", "kind"):
        org_rows[pk] = Row(slug, name, kind=kind)
        kinds[pk] = kind
    index.rows["organisation"] = {row.key: row for row in org_rows.values()}
    index.sets["organisation"] = _keyed_sets(organisations, org_rows, published)
    index.sets["org_kind"] = _grouped_by_value(organisations, kinds, published)

    countries = _linked(KnowledgeProduct.countries.through, "country_id", "knowledgeproduct_id")
    country_rows, regions = {}, {}
    for code, name, region in Country.objects.values_list("code", "name", "region"):
        country_rows[code] = Row(code, name)
        regions[code] = region
    index.rows["country"] = {row.key: row for row in country_rows.values()}
    index.sets["country"] = _keyed_sets(countries, country_rows, published)
    index.sets["region"] = _grouped_by_value(countries, regions, published)

    languages = _linked(KnowledgeProduct.languages.through, "language_id", "knowledgeproduct_id")
    _keyed_rows(index, published, "language", Language.objects.values_list("code", "code", "name"), languages)

    tagged = _linked(TaggedProduct, "tag_id", "content_object_id")
    _keyed_rows(index, published, "tag", Tag.objects.values_list("pk", "slug", "name"), tagged)

    involved = _linked(Involvement, "stakeholder_id", "product_id")
    categories = dict(Stakeholder.objects.values_list("pk", "category"))
    index.sets["stakeholder_category"] = _grouped_by_value(involved, categories, published)
    return index


def _positions(ordered: list[int]) -> array:
    """Each id's place in `ordered`, looked up by id."""
    positions = array("I", [len(ordered)]) * ((max(ordered) + 1) if ordered else 0)
    for position, pk in enumerate(ordered):
        positions[pk] = position
    return positions


def _linked(table, value_column: str, product_column: str) -> dict:
    """Every row of a link table, grouped: the linked value -> the products it links (drafts too; the caller
    keeps the published ones). One query, no join."""
    rows = table.objects.order_by()
    if connection.vendor == "postgresql":
        # Grouped in the database: a list per value instead of a Python tuple per link.
        grouped = rows.values(value=F(value_column)).annotate(products=ArrayAgg(product_column))
        return {row["value"]: BitMap(row["products"]) for row in grouped}
    members = defaultdict(list)
    for value, product in rows.values_list(value_column, product_column).iterator(chunk_size=10_000):
        members[value].append(product)
    return {value: BitMap(products) for value, products in members.items()}


def _keyed_sets(linked: dict, rows: dict, published: BitMap) -> dict[str, BitMap]:
    return {rows[pk].key: products & published for pk, products in linked.items() if pk in rows}


def _keyed_rows(index, published, param, values, linked) -> None:
    rows = {pk: Row(key, name) for pk, key, name in values}
    index.rows[param] = {row.key: row for row in rows.values()}
    index.sets[param] = _keyed_sets(linked, rows, published)


def _grouped(linked: dict, group_of: dict, groups: dict, published: BitMap) -> dict[str, BitMap]:
    """Sets of a coarser value (a partnership's programme): the union of its members' sets."""
    members = defaultdict(list)
    for pk, products in linked.items():
        group = groups.get(group_of.get(pk))
        if group is not None:
            members[group.slug].append(products)
    return {key: BitMap.union(*sets) & published for key, sets in members.items()}


def _grouped_by_value(linked: dict, value_of: dict, published: BitMap) -> dict[str, BitMap]:
    """Sets of a choice (an organisation's kind, a country's region); rows without one count nowhere."""
    members = defaultdict(list)
    for pk, products in linked.items():
        value = value_of.get(pk)
        if value:
            members[value].append(products)
    return {value: BitMap.union(*sets) & published for value, sets in members.items()}


def _themes(index: FacetIndex, published: BitMap) -> None:
    linked = _linked(KnowledgeProduct.themes.through, "theme_id", "knowledgeproduct_id")
    themes = list(Theme.objects.only("slug", "name", "parent_id", "position"))  # in the model's order
    slugs = {theme.pk: theme.slug for theme in themes}
    direct = {theme.slug: linked.get(theme.pk, BitMap()) & published for theme in themes}
    found = {slug: BitMap(products) for slug, products in direct.items()}
    for theme in themes:
        if theme.parent_id in slugs:
            found[slugs[theme.parent_id]] |= direct[theme.slug]
    index.theme_direct = direct
    index.sets["theme"] = found
    index.themes = [Row(t.slug, t.name, parent=slugs.get(t.parent_id, "")) for t in themes]
    index.rows["theme"] = {row.key: row for row in index.themes}


# --- keeping it -----------------------------------------------------------------------------------------

_lock = threading.Lock()
_memo: tuple[str, FacetIndex] | None = None


def current() -> FacetIndex:
    """The index for the data as it is: from this process's memory while the data version holds, else from
    the shared cache, else built (and shared)."""
    global _memo
    if not getattr(settings, "CACHE_PUBLIC_AGGREGATES", True):
        return build()
    version = aggregates.current_version()
    memo = _memo
    if memo is not None and memo[0] == version:
        return memo[1]
    with _lock:  # one thread of a process builds it; the others wait for it rather than build it too
        memo = _memo
        if memo is not None and memo[0] == version:
            return memo[1]
        index = aggregates.cached_aggregate(CACHE_NAME, build, version=version, per_language=False)
        _memo = (version, index)
        return index
