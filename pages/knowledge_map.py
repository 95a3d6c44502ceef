"""The knowledge map: published products counted by theme (rows) and by one other dimension (columns).

Every number on the map is the number of results of the browse page it links to: a cell counts the products
of a theme — a core theme with its sub-themes — that fall in the column; a row total counts the theme's
products once each; a column total and the grand total count every published product, themed or not.
A product with several themes (or countries, partnerships…) counts in each of its cells.
"""

from dataclasses import dataclass, field
from math import ceil

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext_lazy as _

from inventory.models import (
    KnowledgeProduct,
    Partnership,
    ProductType,
    Region,
    Stakeholder,
    Theme,
    core_theme,
)

SHADES = 5  # cells are shaded heat-0 (none) to heat-5 (the largest)


@dataclass(frozen=True)
class Dimension:
    """What the columns can be: its name in the `across` parameter, the browse parameter a column adds,
    and the path from a product to a column's key."""

    name: str
    label: str
    param: str
    path: str


DIMENSIONS = {
    d.name: d
    for d in [
        Dimension("type", _("Product types"), "type", "product_type__slug"),
        Dimension("partnership", _("Partnerships"), "partnership", "partnerships__slug"),
        Dimension("region", _("Regions"), "region", "countries__region"),
        Dimension(
            "stakeholder",
            _("Stakeholders involved"),
            "stakeholder_category",
            "involvements__stakeholder__category",
        ),
    ]
}
DEFAULT_DIMENSION = "type"


@dataclass
class Column:
    key: str
    label: str  # the full name
    short: str = ""  # a partnership's acronym, shown as an abbreviation of the name
    total: int = 0


@dataclass
class Cell:
    column: Column
    count: int
    shade: int


@dataclass
class Row:
    theme: Theme
    is_sub_theme: bool
    total: int
    cells: list[Cell] = field(default_factory=list)
    demand: int | None = None  # needs asking for this theme, when the needs side supplies them


@dataclass
class KnowledgeMap:
    dimension: Dimension
    columns: list[Column]
    rows: list[Row]
    total: int
    folded: list[Column] = field(default_factory=list)  # columns without any product: named, not drawn


def columns_for(dimension: Dimension) -> list[Column]:
    if dimension.name == "type":
        return [Column(t.slug, t.name) for t in ProductType.objects.only("slug", "name")]
    if dimension.name == "partnership":
        partnerships = (
            Partnership.objects.filter(products__status=KnowledgeProduct.Status.PUBLISHED)
            .distinct()
            .only("slug", "name", "acronym")
            .order_by("name")
        )
        return [Column(p.slug, p.name, p.acronym) for p in partnerships]
    choices = Region.choices if dimension.name == "region" else Stakeholder.Category.choices
    return [Column(value, str(label)) for value, label in choices]


def _counts(products: QuerySet, **group) -> dict:
    """Distinct products per group, as {(key, …): count}."""
    rows = products.values(**group).annotate(n=Count("pk", distinct=True)).order_by()
    return {tuple(row[k] for k in group): row["n"] for row in rows}


def build_map(dimension: Dimension, demand_by_theme: dict[int, int] | None = None) -> KnowledgeMap:
    published = KnowledgeProduct.objects.published()
    column = F(dimension.path)
    core = core_theme()
    # Each condition on themes in one filter(), so that it and the grouping share one join of the themes;
    # exclude(themes=None) would add a NOT EXISTS that PostgreSQL, misjudging it, runs once per row.
    themed = published.filter(themes__isnull=False)
    sub_themed = published.filter(themes__parent__isnull=False)
    cells_by_core = _counts(themed, theme=core, column=column)
    cells_by_sub = _counts(sub_themed, theme=F("themes__id"), column=column)
    totals_by_core = _counts(themed, theme=core)
    totals_by_sub = _counts(sub_themed, theme=F("themes__id"))
    column_totals = _counts(published, column=column)

    columns = columns_for(dimension)
    for col in columns:
        col.total = column_totals.get((col.key,), 0)
    # A column of zeros says nothing cell by cell: it folds away, and the page names it once.
    folded = [col for col in columns if not col.total]
    columns = [col for col in columns if col.total]
    largest = max([*cells_by_core.values(), *cells_by_sub.values(), 0])
    rows = []
    for theme in Theme.objects.in_tree_order():
        cells, totals = (cells_by_sub, totals_by_sub) if theme.parent_id else (cells_by_core, totals_by_core)
        row = Row(theme, bool(theme.parent_id), totals.get((theme.pk,), 0))
        for col in columns:
            count = cells.get((theme.pk, col.key), 0)
            row.cells.append(Cell(col, count, ceil(SHADES * count / largest) if count else 0))
        if demand_by_theme is not None:
            row.demand = demand_by_theme.get(theme.pk, 0)
        rows.append(row)
    return KnowledgeMap(dimension, columns, rows, published.count(), folded)
