"""The one entry point of the browse page: `browse(params)` → Results.

The parameters are validated by the FilterSet (search.filters); what they select, the number of results, the
page in the order asked for and the facets all come from the facet index (search.facets); the products on
the page are then read by id, in one query (and one for their partnerships).
"""

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import mark_safe

from inventory.models import KnowledgeProduct
from search import facets, fulltext, suggestions
from search.filters import ProductFilter, Sort

PER_PAGE = 24


@dataclass
class Results:
    filterset: ProductFilter  # the parameters as understood (for the form and the labels)
    count: int
    page: Page  # of products, in the order asked for
    facets: list[facets.Facet]
    active: list[facets.ActiveFilter]  # what the page lists as removable
    errors: list[dict]  # the parameters refused and why: the page answers 400 and shows them
    sort: str
    search_text: str
    widen: list[dict] = field(default_factory=list)  # for no results: what each filter, left out, gives
    # How the search found its results: all its words, its words corrected, or any of them (search.facets)
    found_how: str = ""
    searched: str = ""  # the words searched for, as corrected when they were
    did_you_mean: str = ""  # a query to offer instead ("?q=…" for it in did_you_mean_query)
    did_you_mean_query: str = ""
    named_filters: list[dict] = field(default_factory=list)  # the filters the query names, with links
    closest_themes: list = field(default_factory=list)  # for no results: the themes nearest the words


def browse(params: QueryDict, *, page: str | int | None = None, per_page: int = PER_PAGE) -> Results:
    """The browse page's results for `params` (the request's GET), page `page` (a bad number is the first
    or the last page, as Django's `get_page` has it)."""
    filterset = ProductFilter(params)
    selection = facets.Selection(filterset)
    sort = filterset.sort_order
    found = Paginator(_InOrder(selection, sort), per_page).get_page(page)
    active = facets.active_filters(filterset)
    results = Results(
        filterset=filterset,
        count=found.paginator.count,
        page=found,
        facets=facets.product_facets(filterset, selection),
        active=active,
        errors=[{"param": param, "messages": messages} for param, messages in filterset.errors.items()],
        sort=sort,
        search_text=filterset.search_text,
        widen=_ways_to_widen(filterset, selection, active) if not found.paginator.count else [],
    )
    if selection.search is not None:
        _explain_search(results, selection, params)
    return results


def _explain_search(results: Results, selection: facets.Selection, params: QueryDict) -> None:
    """What the page says about a search: how it was found, "Did you mean", the filters the query names,
    the closest themes when nothing is found, and each result's passage with the words highlighted."""
    search = selection.search
    results.found_how, results.searched = search.how, search.searched
    if search.did_you_mean and search.how != facets.CORRECTED:
        results.did_you_mean = search.did_you_mean
        results.did_you_mean_query = _query_string(params, q=search.did_you_mean)
    index = selection.index
    results.named_filters = _named_filters(results.search_text, selection, params)
    if results.count == 0:
        results.closest_themes = suggestions.closest_themes(results.search_text, index.themes)
    products = list(results.page.object_list)
    words = fulltext.any_words(search.searched) if search.how == facets.ANY_WORD else search.searched
    found = fulltext.snippets([product.pk for product in products], words)
    for product in products:
        if product.pk in found:
            product.snippet = highlighted(found[product.pk])


def highlighted(passage: str) -> str:
    """A passage with the query's words marked (fulltext.MARK_START/END), as safe HTML with <mark>."""
    clean = escape(passage)
    return mark_safe(clean.replace(fulltext.MARK_START, "<mark>").replace(fulltext.MARK_END, "</mark>"))


def _named_filters(text, selection, params: QueryDict) -> list[dict]:
    """The filters the query names (not already chosen), each with its count and the link that chooses it
    instead of the words that name it."""
    index = selection.index
    offered = []
    for named in suggestions.named_filters(text, index):
        if named.key in params.getlist(named.param):
            continue
        count = len(index.sets[named.param][named.key] & selection.products("q"))
        if not count:
            continue
        offered.append(
            {
                "param": named.param,
                "label": str(facets.BY_NAME[named.param].label),
                "name": _display_name(index, named.param, named.key),
                "count": count,
                "query": _query_string(
                    params, q=suggestions.without_words(text, named.words), add=(named.param, named.key)
                ),
            }
        )
    return offered[:4]


def _display_name(index, name: str, key: str) -> str:
    """A value's name as the facets show it (in the page's language where they do)."""
    param = facets.BY_NAME[name]
    row = index.rows.get(name, {}).get(key)
    if row is not None:
        return param.local_name(key, row.name) if param.local_name else row.name
    return str(dict(param.choices.choices).get(key, key)) if param.choices else key


def _query_string(params: QueryDict, *, q: str, add: tuple[str, str] | None = None) -> str:
    changed = params.copy()
    changed.pop("page", None)
    if q.strip():
        changed["q"] = q
    else:
        changed.pop("q", None)
    if add is not None:
        changed.setlist(add[0], [*changed.getlist(add[0]), add[1]])
    return "?" + changed.urlencode()


def selected(filterset: ProductFilter, queryset: QuerySet[KnowledgeProduct]) -> "_InOrder":
    """The products a valid `filterset` selects, in its order, for a paginator (the API's lists) or in chunks
    (the CSV export): the count and the ids from the facet index, as on the browse page (a search ranked as
    it ranks it), the products read by id from `queryset` with whatever it prefetches. No query over the
    link tables, however many products match."""
    return _InOrder(facets.Selection(filterset), filterset.sort_order, queryset)


def count(params: QueryDict) -> tuple[int, list[dict]]:
    """How many products the browse page would list for `params`, and the parameters refused (the filter
    panel's "Show N products" as boxes are ticked): from the facet index, no page, no facets."""
    filterset = ProductFilter(params)
    errors = [{"param": param, "messages": messages} for param, messages in filterset.errors.items()]
    return facets.Selection(filterset).count(), errors


class _InOrder(Sequence):
    """The selected products in order, for the paginator: its length from the index, a slice read by id."""

    def __init__(self, selection: facets.Selection, sort: str, queryset: QuerySet | None = None):
        self.selection, self.sort = selection, sort
        self.queryset = KnowledgeProduct.objects.published().for_cards() if queryset is None else queryset

    def __len__(self) -> int:
        return self.selection.count()

    def __getitem__(self, items: slice | int):
        if isinstance(items, int):
            return self[items : items + 1][0]
        start, stop, _step = items.indices(len(self))
        return self._read(self.selection.page(self.sort, start, stop))

    def __iter__(self):
        yield from self[:]

    def chunks(self, size: int) -> Iterator[list[KnowledgeProduct]]:
        """Every selected product in order, `size` at a time: the order walked once, each chunk read by id."""
        ids = self.selection.in_order(self.sort)
        while chunk := list(itertools.islice(ids, size)):
            yield self._read(chunk)

    def _read(self, ids: list[int]) -> list[KnowledgeProduct]:
        found = self.queryset.in_bulk(ids) if ids else {}
        return [found[pk] for pk in ids if pk in found]


def _ways_to_widen(filterset, selection: facets.Selection, active: list[facets.ActiveFilter]) -> list[dict]:
    """For an empty result: how many products each active parameter, left out, would give."""
    return [
        {"param": param, "label": filterset.filters[param].label, "count": selection.count(param)}
        for param in dict.fromkeys(a.param for a in active)
    ]


def sort_choices(results: Results) -> list[tuple[str, str]]:
    """The orders the page offers: relevance only when searching."""
    return [(value, label) for value, label in Sort.choices if results.search_text or value != Sort.RELEVANCE]
