"""The one entry point of the browse page: `browse(params)` → Results.

The parameters are validated by the FilterSet (search.filters); what they select, the number of results, the
page in the order asked for and the facets all come from the facet index (search.facets); the products on
the page are then read by id, in one query (and one for their partnerships).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.http import QueryDict

from inventory.models import KnowledgeProduct
from search import facets
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


def browse(params: QueryDict, *, page: str | int | None = None, per_page: int = PER_PAGE) -> Results:
    """The browse page's results for `params` (the request's GET), page `page` (a bad number is the first
    or the last page, as Django's `get_page` has it)."""
    filterset = ProductFilter(params)
    selection = facets.Selection(filterset)
    sort = filterset.sort_order
    found = Paginator(_InOrder(selection, sort), per_page).get_page(page)
    active = facets.active_filters(filterset)
    return Results(
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


def count(params: QueryDict) -> tuple[int, list[dict]]:
    """How many products the browse page would list for `params`, and the parameters refused (the filter
    panel's "Show N products" as boxes are ticked): from the facet index, no page, no facets."""
    filterset = ProductFilter(params)
    errors = [{"param": param, "messages": messages} for param, messages in filterset.errors.items()]
    return facets.Selection(filterset).count(), errors


class _InOrder(Sequence):
    """The selected products in order, for the paginator: its length from the index, a slice read by id."""

    def __init__(self, selection: facets.Selection, sort: str):
        self.selection, self.sort = selection, sort

    def __len__(self) -> int:
        return self.selection.count()

    def __getitem__(self, items: slice | int):
        if isinstance(items, int):
            return self[items : items + 1][0]
        start, stop, _step = items.indices(len(self))
        ids = self.selection.page(self.sort, start, stop)
        found = KnowledgeProduct.objects.published().for_cards().in_bulk(ids) if ids else {}
        return [found[pk] for pk in ids if pk in found]

    def __iter__(self):
        yield from self[:]


def _ways_to_widen(filterset, selection: facets.Selection, active: list[facets.ActiveFilter]) -> list[dict]:
    """For an empty result: how many products each active parameter, left out, would give."""
    return [
        {"param": param, "label": filterset.filters[param].label, "count": selection.count(param)}
        for param in dict.fromkeys(a.param for a in active)
    ]


def sort_choices(results: Results) -> list[tuple[str, str]]:
    """The orders the page offers: relevance only when searching."""
    return [(value, label) for value, label in Sort.choices if results.search_text or value != Sort.RELEVANCE]
