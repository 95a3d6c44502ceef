"""What one request's filters select, from the facet index (search.index), and the facets of the browse page:
for each value, how many products the page would show with that value chosen, given the other active
filters (so choosing a value never leads to an empty page).

A `Selection` holds a set of products per active parameter; each facet counts over the products matching
every parameter except its own. Only a search asks the database, once, for its matches. Nothing here knows
about HTML or requests: the browse page renders the facets, and an API can return them as they are.
"""

import dataclasses
import heapq
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext
from pyroaring import BitMap, FrozenBitMap

from inventory.models import Organisation
from search import index as facet_index
from search import relevance, suggestions
from search.filters import EMPTY, ProductFilter, Sort
from search.fulltext import matches_by_rank
from search.params import BY_NAME, PARAMS, Param

SHOWN_BEFORE_MORE = 8
# Facets listed by size (partnerships, organisations, countries, languages, tags) show this many values at
# most, besides the chosen ones: with thousands of tags or organisations the rest only weigh the page down.
MOST_LISTED = 40


@dataclass
class FacetValue:
    value: str  # as it goes in the URL: a slug, a code, a choice
    label: str
    count: int
    selected: bool = False
    note: str = ""  # e.g. "Southern" beside a Southern organisation
    children: list["FacetValue"] = field(default_factory=list)


@dataclass
class Facet:
    param: str
    label: str
    values: list[FacetValue]
    kind: str = "choice"  # "choice": repeatable values; "year": a range; "flag": on or off
    omitted: int = 0  # values with products left out of a long facet (see MOST_LISTED)

    @property
    def has_selection(self) -> bool:
        return any(v.selected or any(c.selected for c in v.children) for v in self.values)

    @property
    def first_values(self) -> list[FacetValue]:
        return self.values[:SHOWN_BEFORE_MORE]

    @property
    def more_values(self) -> list[FacetValue]:
        return self.values[SHOWN_BEFORE_MORE:]

    @property
    def more_has_selection(self) -> bool:
        return any(v.selected for v in self.more_values)


@dataclass
class ActiveFilter:
    param: str
    value: str
    label: str  # the value's name
    group: str  # the parameter's name


class Selection:
    """The products one request's filters give, as sets from the facet index: a set per active parameter
    (a repeated parameter is the union of its values), intersected as needed."""

    def __init__(self, filterset: ProductFilter, index: facet_index.FacetIndex | None = None):
        self.index = index if index is not None else facet_index.current()
        self.matches: dict[str, BitMap] = {}
        # A full-text search's matches grouped by relevance, the most relevant first (None without a search)
        self.by_rank: list[BitMap] | None = None
        self.search: SearchFound | None = None  # how the search found them
        for name, chosen in _cleaned(filterset).items():
            if chosen not in EMPTY:
                self._choose(BY_NAME[name], chosen)

    def _choose(self, param: Param, chosen) -> None:
        if param.kind == "search":
            if text := chosen.strip():
                self.search = _remembered_search(self.index, text)
                self.matches[param.name], self.by_rank = self.search.products, self.search.by_rank
        elif param.kind == "year_min":
            self.matches[param.name] = self.index.years_between(chosen, None)
        elif param.kind == "year_max":
            self.matches[param.name] = self.index.years_between(None, chosen)
        elif param.kind == "flag":
            if chosen:
                self.matches[param.name] = self.index.featured
        elif param.kind == "rows":
            self.matches[param.name] = self.index.union(
                param.name, [getattr(row, param.key) for row in chosen]
            )
        elif param.kind == "choices":
            self.matches[param.name] = self.index.union(param.name, chosen)

    def products(self, *excluded: str) -> BitMap:
        """The published products matching every active parameter except `excluded`."""
        others = [products for param, products in self.matches.items() if param not in excluded]
        return self.index.published.intersection(*others) if others else self.index.published

    def count(self, *excluded: str) -> int:
        return len(self.products(*excluded))

    def page(self, sort: str, start: int, stop: int) -> list[int]:
        """The ids of the results from place `start` to `stop` in the order `sort`."""
        if sort == Sort.RELEVANCE and self.by_rank is not None:
            return self._ranked(start, stop)
        return self.index.page(self.products(), self._order(sort), start, stop)

    def _order(self, sort: str) -> str:
        """The facet index's order for `sort` when the results are not ranked."""
        return Sort.NEWEST if sort == Sort.RELEVANCE else sort  # no ranking without a search

    def in_order(self, sort: str) -> Iterator[int]:
        """Every result's id in the order `sort` (as `page` gives them), one at a time: an export of a
        million products never holds them all as numbers (as a list, 36 MiB of a web process that stayed
        with it)."""
        products = self.products()
        if sort != Sort.RELEVANCE or self.by_rank is None:
            yield from (pk for pk in self.index.orders[self._order(sort)].ids if pk in products)
            return
        newest = self.index.orders[Sort.NEWEST]
        for group in self.by_rank:
            found = group & products
            if len(found) * IN_ORDER_BY_WALKING > len(self.index.published):  # walk the order: no list
                yield from (pk for pk in newest.ids if pk in found)
            else:
                yield from sorted(found, key=newest.place.__getitem__)

    def _ranked(self, start: int, stop: int) -> list[int]:
        """By relevance, ties newest first, as the database orders them."""
        products, newest = self.products(), self.index.orders[Sort.NEWEST].place
        skip, wanted = start, stop - start
        page: list[int] = []
        # Groups of equal rank, best first: those wholly before the page are only counted; of the others,
        # each result is put in order (newest first) until the page is full.
        for group in self.by_rank:
            found = group & products
            if len(found) <= skip:
                skip -= len(found)
                continue
            in_order = heapq.nsmallest(skip + wanted, found, key=newest.__getitem__)
            taken = in_order[skip:]
            page += taken
            skip, wanted = 0, wanted - len(taken)
            if not wanted:
                break
        return page


def _cleaned(filterset: ProductFilter) -> dict:
    """The valid parameters' values (a refused parameter is left out)."""
    filterset.errors  # noqa: B018  (validates, so cleaned_data exists)
    return {name: value for name, value in filterset.form.cleaned_data.items() if name != "sort"}


# A group of equally relevant results larger than the published products over this is put in order by walking
# the newest-first order (no list of it in memory), a smaller one by sorting it.
IN_ORDER_BY_WALKING = 16

# How a search found its products: all its words, its words as corrected, or any of its words.
ALL_WORDS, CORRECTED, ANY_WORD = "all", "corrected", "any"


@dataclass(frozen=True)
class SearchFound:
    products: FrozenBitMap  # the products found, published or not (the Selection keeps the published)
    by_rank: list[FrozenBitMap]  # the same grouped by relevance, the most relevant first
    how: str = ALL_WORDS
    searched: str = ""  # the words searched for: as typed, or as corrected
    did_you_mean: str = ""  # the query with its unknown words corrected, when that finds published products


# The last searches' matches, kept in this process's memory for as long as the data (the facet index) holds:
# who searches goes on to page through the results, sort them and narrow them by facets, each a new address
# with the same words.
SEARCHES_KEPT = 64
_searches: OrderedDict[str, SearchFound] = OrderedDict()
_searches_index: facet_index.FacetIndex | None = None
_searches_lock = threading.Lock()


def _remembered_search(index: facet_index.FacetIndex, text: str) -> SearchFound:
    global _searches_index
    with _searches_lock:
        if _searches_index is not index:  # the data changed: every search is stale
            _searches.clear()
            _searches_index = index
        if text in _searches:
            _searches.move_to_end(text)
            return _searches[text]
    ranking = relevance.at_hand()
    found = _search_matches(index, text, ranking)
    products, by_rank = _with_named(index, text, found.products, found.by_rank)
    if products is not found.products:
        found = dataclasses.replace(found, products=products, by_rank=by_rank)
    with _searches_lock:
        # Unranked (no relevance index yet, a new site's first minutes): asked again once there is one
        if _searches_index is index and ranking is not None:
            _searches[text] = found
            if len(_searches) > SEARCHES_KEPT:
                _searches.popitem(last=False)
    return found


def forget_searches() -> None:
    """Forget the searches kept (the benchmark times searches never made before)."""
    with _searches_lock:
        _searches.clear()


def _search_matches(
    index: facet_index.FacetIndex, text: str, ranking: relevance.ProductIndex | None
) -> SearchFound:
    """The products a search finds, grouped by relevance: one query on the full-text index when a published
    product has all the words. Else, forgiving: the words as corrected from the catalogue's vocabulary
    ("Did you mean"), then any of the words, most of them first. Whether a step found anything is judged
    on the published products only, so a draft never decides what the public sees. Frozen: requests share
    them."""
    groups = matches_by_rank(text, ranking)
    if _finds_published(groups, index):
        return _found(groups, ALL_WORDS, text)
    vocabulary = suggestions.current(index)
    better = suggestions.corrected(text, vocabulary)
    if better:
        corrected_groups = matches_by_rank(better, ranking)
        if _finds_published(corrected_groups, index):
            return _found(corrected_groups, CORRECTED, better, did_you_mean=better)
    loose = matches_by_rank(f"{text} {better or ''}", ranking, any_word=True)
    if _finds_published(loose, index):
        return _found(loose, ANY_WORD, text, did_you_mean=better or "")
    return _found([], ALL_WORDS, text)


def _finds_published(groups: list[FrozenBitMap], index: facet_index.FacetIndex) -> bool:
    return any(not index.published.isdisjoint(group) for group in groups)


def _found(groups: list[FrozenBitMap], how: str, searched: str, did_you_mean: str = "") -> SearchFound:
    return SearchFound(FrozenBitMap.union(FrozenBitMap(), *groups), groups, how, searched, did_you_mean)


def _with_named(
    index: facet_index.FacetIndex, text: str, matches: BitMap, by_rank: list[BitMap] | None
) -> tuple[BitMap, list[BitMap] | None]:
    """A search also finds the products of the themes and types it names (in any language): after the
    products whose own text matches, as the least relevant."""
    named = index.named(text) - matches
    if not named:
        return matches, by_rank
    named = FrozenBitMap(named)
    return FrozenBitMap(matches | named), (None if by_rank is None else [*by_rank, named])


# --- the facets -------------------------------------------------------------------------------------------


def product_facets(filterset: ProductFilter, selection: Selection | None = None) -> list[Facet]:
    """Every facet of the browse page, in the order of the parameters."""
    selection = selection or Selection(filterset)
    facets = []
    for param in PARAMS:
        if param.listing == "tree":
            facets.append(theme_facet(filterset, selection))
        elif param.listing == "choices":
            facets.append(_choice_facet(filterset, selection, param))
        elif param.listing:
            facets.append(_rows_facet(filterset, selection, param))
    return [*facets, year_facet(filterset, selection), featured_facet(filterset, selection)]


def _selected(filterset: ProductFilter, param: str) -> list:
    return _cleaned(filterset).get(param) or []


def _counts(base: BitMap, sets: dict[str, BitMap], whole: BitMap) -> dict[str, int]:
    """How many of `base` each set holds (the values none of them has are left out)."""
    if len(base) == len(whole):  # nothing else filters: every set is within the published products
        return {key: len(products) for key, products in sets.items() if products}
    counts = {}
    for key, products in sets.items():
        if count := base.intersection_cardinality(products):
            counts[key] = count
    return counts


def _rows_facet(filterset, selection: Selection, param: Param) -> Facet:
    """Counts per row (a type, a partnership, a country …), labelled by its name: in the rows' own order
    (types by position, programmes newest first) or most products first, then by name."""
    index = selection.index
    rows = index.rows.get(param.name, {})
    counts = _counts(selection.products(param.name), index.sets.get(param.name, {}), index.published)
    if not counts.keys() <= rows.keys():
        counts = {key: count for key, count in counts.items() if key in rows}
    chosen = {getattr(row, param.key): row for row in _selected(filterset, param.name)}
    names = index.names(param.name)  # in the page's language, worked out once per language
    if param.listing == "fixed":
        kept, omitted = sorted(counts.items(), key=lambda item: rows[item[0]].order), 0
    else:
        # Thousands of tags or organisations: only the largest are listed, so only they are sorted and made.
        def by_size(item):
            return -item[1], names[item[0]]

        if len(counts) > MOST_LISTED:
            least = heapq.nlargest(MOST_LISTED, counts.values())[-1]
            kept = sorted([item for item in counts.items() if item[1] >= least], key=by_size)[:MOST_LISTED]
        else:
            kept = sorted(counts.items(), key=by_size)
        listed = {key for key, _count in kept}
        kept += sorted(
            (item for item in counts.items() if item[0] in chosen and item[0] not in listed), key=by_size
        )
        omitted = len(counts) - len(kept)
    southern, southern_kind = gettext("Southern"), Organisation.Kind.SOUTHERN_CSO.value
    values = [
        FacetValue(
            key,
            param.local_name(key, rows[key].name) if param.local_name else names[key],
            count,
            key in chosen,
            note=southern if rows[key].kind == southern_kind else "",
        )
        for key, count in kept
    ]
    return Facet(param.name, str(param.label), _with_chosen(values, chosen), omitted=omitted)


def _choice_facet(filterset, selection: Selection, param: Param) -> Facet:
    """Counts per choice of a field (kinds, regions, categories), in the choices' own order."""
    index = selection.index
    counts = _counts(selection.products(param.name), index.sets.get(param.name, {}), index.published)
    chosen = set(_selected(filterset, param.name))
    values = [
        FacetValue(value, str(label), counts.get(value, 0), value in chosen)
        for value, label in param.choices.choices
        if counts.get(value) or value in chosen
    ]
    return Facet(param.name, str(param.label), values)


def theme_facet(filterset, selection: Selection | None = None, *, include_empty: bool = False) -> Facet:
    """Core themes with their sub-themes. A core theme counts the products of its sub-themes too, as
    choosing it finds them. Core themes without products are left out unless `include_empty`."""
    selection = selection or Selection(filterset)
    index = selection.index
    base = selection.products("theme")
    core_counts = _counts(base, index.sets.get("theme", {}), index.published)
    sub_counts = _counts(base, index.theme_direct, index.published)
    chosen = {t.slug for t in _selected(filterset, "theme")}
    children: dict[str, list[FacetValue]] = {}
    for theme in index.themes:
        if theme.parent and (sub_counts.get(theme.key) or theme.key in chosen):
            value = FacetValue(
                theme.key, theme.display_name, sub_counts.get(theme.key, 0), theme.key in chosen
            )
            children.setdefault(theme.parent, []).append(value)
    values = [
        FacetValue(
            theme.key,
            theme.display_name,
            core_counts.get(theme.key, 0),
            theme.key in chosen,
            children=children.get(theme.key, []),
        )
        for theme in index.themes
        if not theme.parent
        and (include_empty or core_counts.get(theme.key) or theme.key in chosen or theme.key in children)
    ]
    return Facet("theme", str(BY_NAME["theme"].label), values)


def year_facet(filterset, selection: Selection) -> Facet:
    """Products per year, given every filter but the year range."""
    base = selection.products("year_min", "year_max")
    years = {str(year): products for year, products in selection.index.years.items()}
    counts = _counts(base, years, selection.index.published)
    cleaned = _cleaned(filterset)
    low, high = cleaned.get("year_min"), cleaned.get("year_max")
    values = [
        FacetValue(year, year, counts[year], low == high == int(year))
        for year in sorted(counts, key=int, reverse=True)
    ]
    return Facet("year", gettext("Year"), values, kind="year")


def featured_facet(filterset, selection: Selection) -> Facet:
    count = selection.products("featured").intersection_cardinality(selection.index.featured)
    chosen = bool(_selected(filterset, "featured"))
    label = str(BY_NAME["featured"].label)
    values = [FacetValue("1", label, count, chosen)] if count or chosen else []
    return Facet("featured", label, values, kind="flag")


def _with_chosen(values: list[FacetValue], chosen: dict) -> list[FacetValue]:
    """Chosen values stay listed (with 0) even when the other filters leave none, so they can be unchosen."""
    present = {v.value for v in values}
    missing = [FacetValue(key, _name(row), 0, True) for key, row in chosen.items() if key not in present]
    return missing + values


def active_filters(filterset: ProductFilter) -> list[ActiveFilter]:
    """The filters in effect, in the order of the parameters: what the page lists as removable."""
    active = []
    for name, chosen in _cleaned(filterset).items():
        if chosen in (None, "", [], False):
            continue
        param = BY_NAME[name]
        group = str(param.label)
        if param.kind == "search":
            if filterset.search_text:
                active.append(ActiveFilter(name, filterset.search_text, f"“{filterset.search_text}”", group))
        elif param.kind in ("year_min", "year_max"):
            active.append(ActiveFilter(name, str(chosen), str(chosen), group))
        elif param.kind == "flag":
            active.append(ActiveFilter(name, "1", gettext("yes"), group))
        elif param.kind == "rows":
            active.extend(ActiveFilter(name, getattr(row, param.key), _name(row), group) for row in chosen)
        else:
            labels = dict(param.choices.choices)
            active.extend(ActiveFilter(name, value, str(labels.get(value, value)), group) for value in chosen)
    return active


def _name(row) -> str:
    """A row's name as the page shows it: in the page's language for countries and languages."""
    return getattr(row, "display_name", None) or getattr(row, "name", None) or str(row)
