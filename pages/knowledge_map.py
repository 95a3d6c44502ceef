"""The knowledge map: published products counted by theme (rows) and by one other dimension (columns).

Every number on the map is the number of results of the browse page it links to: a cell counts the products
of a theme — a core theme with its sub-themes — that fall in the column; a row total counts the theme's
products once each; a column total and the grand total count every published product, themed or not.
A product with several themes (or countries, partnerships…) counts in each of its cells.
"""

from dataclasses import dataclass, field
from math import ceil

from django.db.models import Count, F, QuerySet
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from core.translations import pick
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
    """A column of the map. The map is cached for every language at once, so its label is chosen when the
    page is drawn: a lazily translated choice, or a name with its translations (core.translations)."""

    key: str
    name: str | Promise  # the full name
    short: str = ""  # a partnership's acronym, shown as an abbreviation of the name
    total: int = 0
    translations: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return pick(str(self.name), self.translations, "name")


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
        types = ProductType.objects.only("slug", "name", "translations")
        return [Column(t.slug, t.name, translations=t.translations) for t in types]
    if dimension.name == "partnership":
        partnerships = (
            Partnership.objects.filter(products__status=KnowledgeProduct.Status.PUBLISHED)
            .distinct()
            .only("slug", "name", "acronym")
            .order_by("name")
        )
        return [Column(p.slug, p.name, p.acronym) for p in partnerships]
    choices = Region.choices if dimension.name == "region" else Stakeholder.Category.choices
    return [Column(value, label) for value, label in choices]


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


# --- the table as a picture, for reports ------------------------------------------------------------------

HEAT_FILLS = ["#f7f9fa", "#e3f1ef", "#bfe0dc", "#86c3bc", "#2b7c76", "#17524e"]  # the page's heat-0 … heat-5
CELL_WIDTH, CELL_HEIGHT, THEME_WIDTH, HEADER_HEIGHT = 56, 24, 330, 150


def svg(the_map: KnowledgeMap, frame: list[str], needs_label: str, all_label: str) -> str:
    """The table as an SVG picture: a caption (`frame`: a title and lines under it), the column names slanted
    above the cells, the open needs first after the theme, the counts in the page's shades."""
    columns = [(needs_label, None)] if the_map.rows and the_map.rows[0].demand is not None else []
    columns += [(col.short or col.label, col) for col in the_map.columns] + [(all_label, "all")]
    top = 30 + 22 * len(frame) + HEADER_HEIGHT
    width = THEME_WIDTH + CELL_WIDTH * len(columns) + 60
    height = top + CELL_HEIGHT * len(the_map.rows) + 20
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width * 2}" '
        f'height="{height * 2}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="10" y="26" font-size="20" font-weight="bold" fill="#0a2b41">{escape(frame[0])}</text>',
    ]
    out += [
        f'<text x="10" y="{26 + 22 * i}" font-size="14" fill="#17212f">{escape(line)}</text>'
        for i, line in enumerate(frame[1:], start=1)
    ]
    for i, (label, _col) in enumerate(columns):
        x = THEME_WIDTH + CELL_WIDTH * i + CELL_WIDTH / 2
        out.append(
            f'<text transform="translate({x} {top - 6}) rotate(-40)" fill="#17212f">{escape(label)}</text>'
        )
    for r, row in enumerate(the_map.rows):
        y = top + CELL_HEIGHT * r
        indent = 24 if row.is_sub_theme else 8
        weight = "" if row.is_sub_theme else ' font-weight="bold"'
        name = row.theme.name if len(row.theme.name) <= 42 else row.theme.name[:40] + "…"
        out.append(f'<text x="{indent}" y="{y + 16}"{weight} fill="#0a2b41">{escape(name)}</text>')
        values = [(row.demand, "need")] if columns and columns[0][1] is None else []
        values += [(cell.count, cell.shade) for cell in row.cells] + [(row.total, "all")]
        for i, (value, shade) in enumerate(values):
            x = THEME_WIDTH + CELL_WIDTH * i
            fill = {"need": "#fff8f2", "all": "#e8eef2"}.get(shade) or HEAT_FILLS[shade]
            ink = "#fff" if shade in (4, 5) else ("#b34f18" if shade == "need" else "#17212f")
            out.append(
                f'<rect x="{x}" y="{y}" width="{CELL_WIDTH}" height="{CELL_HEIGHT}" fill="{fill}" '
                f'stroke="#d3dce4"/><text x="{x + CELL_WIDTH / 2}" y="{y + 16}" text-anchor="middle" '
                f'fill="{ink}">{value}</text>'
            )
    out.append("</svg>")
    return "".join(out)
