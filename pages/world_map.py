"""The world map: countries shaded by the published products the browse page finds there (or by open
knowledge needs, or needs per product), drawn on the server as SVG.

A country's products are the browse page's count for the same filters with that country chosen: the size of
the country's set in the facet index (search.index) intersected with what every other filter selects, as
the browse page's country facet counts it. Open needs are counted by country from the needs, narrowed by the
chosen themes (a need has themes and countries, not types or partnerships); they are counted once per data
version and per choice of themes.
"""

from dataclasses import dataclass, field
from math import ceil

from django.db.models import Count
from django.http import QueryDict
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.freshness import cached
from inventory import codes
from inventory.models import Country, Theme
from needs.models import KnowledgeNeed
from pages import drawing, world_shapes
from search import facets
from search import index as facet_index
from search.filters import ProductFilter
from search.params import BY_NAME

MEASURES = {
    "products": _("Published products"),
    "needs": _("Open needs"),
    "ratio": _("Open needs per product"),
}
DEFAULT_MEASURE = "products"
TABLE_ORDERS = ["name", *MEASURES]
DEFAULT_TABLE_ORDER = "products"
# The map's own parameters, besides the browse page's filters, which it carries over to every link.
OWN_PARAMS = {"show", "order"}
NOT_CARRIED = {"country", "page", "sort"}
SHADES = 5
NONE_FILL = "#dde3e8"  # countries with none: visibly grey, not left out
SHADE_FILLS = ["#e3f1ef", "#bfe0dc", "#86c3bc", "#2b7c76", "#17524e"]  # the table's heat-1 … heat-5
POINT_RADIUS = 3.5


@dataclass
class CountryFigure:
    code: str
    name: str
    products: int = 0
    needs: int = 0
    url: str = ""
    shade: int = 0
    chosen: bool = False

    @property
    def ratio(self) -> float | None:
        return self.needs / self.products if self.products else None

    def value(self, measure: str) -> float:
        if measure == "ratio":
            return self.ratio or 0
        return getattr(self, measure)

    @property
    def label(self) -> str:
        """Its accessible name: "Kenya: 12 products, 3 open needs"."""
        products = ngettext("%(count)d product", "%(count)d products", self.products) % {
            "count": self.products
        }
        needs = ngettext("%(count)d open need", "%(count)d open needs", self.needs) % {"count": self.needs}
        return f"{self.name}: {products}, {needs}"


@dataclass
class Legend:
    shade: int
    low: float
    high: float


@dataclass
class WorldMap:
    measure: str
    order: str
    countries: dict[str, CountryFigure]  # every country with products or needs, by code
    total: int  # the products the filters give, in any country or none
    query: QueryDict  # the filters carried over
    active: list[facets.ActiveFilter]
    errors: list[dict] = field(default_factory=list)
    legend: list[Legend] = field(default_factory=list)

    def table(self) -> list[CountryFigure]:
        """The countries with products or needs, in the table's order (the largest first, then by name)."""
        rows = sorted(self.countries.values(), key=lambda c: c.name)
        if self.order != "name":
            rows.sort(key=lambda c: -(c.value(self.order)))
        return rows


def world_map(params: QueryDict) -> WorldMap:
    """The figures for the browse filters in `params`, and the map's own choices (`show`, `order`), which
    must be valid: see `refused_choices`."""
    filterset = ProductFilter(params)
    selection = facets.Selection(filterset)
    index = selection.index
    carried = _carried(params)
    base = selection.products("country")
    chosen = {row.code for row in facets._cleaned(filterset).get("country") or []}
    theme_keys = sorted(t.slug for t in facets._cleaned(filterset).get("theme") or [])
    needs = open_needs_by_country(theme_keys)
    names = country_names()
    countries: dict[str, CountryFigure] = {}
    for code, products in index.sets.get("country", {}).items():
        if count := base.intersection_cardinality(products):
            countries[code] = CountryFigure(code, names.get(code, code), products=count)
    for code, count in needs.items():
        countries.setdefault(code, CountryFigure(code, names.get(code, code))).needs = count
    for figure in countries.values():
        figure.url = browse_url(carried, figure.code)
        figure.chosen = figure.code in chosen
    for code in chosen - countries.keys():
        countries[code] = CountryFigure(code, names.get(code, code), chosen=True)
    measure = params.get("show") or DEFAULT_MEASURE
    world = WorldMap(
        measure=measure,
        order=params.get("order") or DEFAULT_TABLE_ORDER,
        countries=countries,
        total=len(base) if "country" not in selection.matches else selection.count("country"),
        query=carried,
        active=[a for a in facets.active_filters(filterset) if a.param not in NOT_CARRIED],
        errors=[{"param": p, "messages": m} for p, m in filterset.errors.items()],
    )
    world.legend = _shade(countries.values(), measure)
    return world


def refused_choices(params: QueryDict) -> list[dict]:
    """The map's own parameters that name nothing, with why, as the browse page reports its own."""
    errors = []
    if (show := params.get("show")) and show not in MEASURES:
        choices = ", ".join(MEASURES)
        errors.append({"param": "show", "messages": [_("Show one of: %(choices)s.") % {"choices": choices}]})
    if (order := params.get("order")) and order not in TABLE_ORDERS:
        choices = ", ".join(TABLE_ORDERS)
        errors.append(
            {"param": "order", "messages": [_("Order by one of: %(choices)s.") % {"choices": choices}]}
        )
    return errors


def _carried(params: QueryDict) -> QueryDict:
    """The browse filters of `params` (not the country, the page or the order of the results)."""
    carried = QueryDict(mutable=True)
    for key in params:
        if key in BY_NAME and key not in NOT_CARRIED:
            carried.setlist(key, [v for v in params.getlist(key) if v])
    return carried


def browse_url(carried: QueryDict, code: str) -> str:
    from django.urls import reverse

    query = carried.copy()
    query["country"] = code
    return f"{reverse('pages:product-list')}?{query.urlencode()}"


def _shade(countries, measure: str) -> list[Legend]:
    """Give each country its shade, 1 to SHADES in equal steps up to the largest value; the legend's steps."""
    largest = max((c.value(measure) for c in countries), default=0)
    for country in countries:
        value = country.value(measure)
        country.shade = min(SHADES, ceil(SHADES * value / largest)) if value and largest else 0
    if not largest:
        return []
    step = largest / SHADES
    steps = [Legend(shade, step * (shade - 1), step * shade) for shade in range(1, SHADES + 1)]
    # A count's shade that no whole number falls in (the largest is 3: 0.6 to 1.2 …) is left out.
    return [s for s in steps if measure == "ratio" or int(s.high) > s.low]


def open_needs_by_country(theme_keys: list[str]) -> dict[str, int]:
    """Open knowledge needs per country ({code: count}), of these themes (with their sub-themes) if any."""

    def count() -> dict[str, int]:
        needs = KnowledgeNeed.objects.open()
        if theme_keys:
            needs = needs.filter(themes__in=Theme.objects.filter(slug__in=theme_keys).with_sub_themes())
        rows = (
            needs.filter(countries__isnull=False).values("countries").annotate(n=Count("pk", distinct=True))
        )
        return {row["countries"]: row["n"] for row in rows.order_by()}

    return cached(f"world-needs:{','.join(theme_keys)}", count, per_language=False)


def country_names() -> dict[str, str]:
    """Every country's name in the page's language, by code."""

    def names() -> dict[str, str]:
        return {code: codes.country_name(name) for code, name in Country.objects.values_list("code", "name")}

    return cached("country-names", names)


# --- the picture ------------------------------------------------------------------------------------------


def svg(world: WorldMap, *, links: bool = True, frame: list[str] | None = None, element_id: str = "") -> str:
    """The map as SVG markup. With `links`, every country with products or needs is a link to the browse
    page, named by its figures. With `frame` (a title and lines under it), a standalone picture for reports:
    a white ground, the lines above the map, the legend below it, no links."""
    shapes = world_shapes.world()
    width, map_height = shapes.width, shapes.height
    out, top = drawing.begin(
        width, map_height, "world-map", frame=frame, element_id=element_id, legend_height=60
    )
    out.append('<g stroke="#fff" stroke-width=".5" stroke-linejoin="round">')
    later = []
    # The countries that are not links, one path per shade: a path each made the page heavier than a phone's
    # budget allows (each country's outline starts with an absolute move, so they join as they are).
    unlinked: dict[str, list[str]] = {}
    for shape in shapes.shapes:
        figure = world.countries.get(shape.code)
        if figure is None or not (links and figure.url):
            fill = SHADE_FILLS[figure.shade - 1] if figure and figure.shade else NONE_FILL
            unlinked.setdefault(fill, []).append(shape.path)
        else:
            later.append(_linked(figure, f'd="{shape.path}"', "path"))
    out += [f'<path fill="{fill}" d="{"".join(paths)}"/>' for fill, paths in unlinked.items()]
    for code, point in shapes.points.items():
        figure = world.countries.get(code)
        if figure is not None and (figure.products or figure.needs):
            attributes = f'cx="{point.x}" cy="{point.y}" r="{POINT_RADIUS}"'
            if links:
                later.append(_linked(figure, attributes, "circle"))
            else:
                fill = SHADE_FILLS[figure.shade - 1] if figure.shade else NONE_FILL
                out.append(f'<circle fill="{fill}" stroke="#17212f" {attributes}/>')
    out += later
    out.append("</g>")
    return drawing.end(out, frame=frame, legend=lambda: _legend_svg(world, map_height + top + 14))


def _linked(figure: CountryFigure, attributes: str, element: str) -> str:
    fill = SHADE_FILLS[figure.shade - 1] if figure.shade else NONE_FILL
    label = escape(figure.label)
    chosen = ' class="chosen"' if figure.chosen else ""
    outline = ' stroke="#17212f"' if element == "circle" or figure.chosen else ""
    return (
        f'<a href="{escape(figure.url)}" aria-label="{label}"{chosen}><title>{label}</title>'
        f'<{element} fill="{fill}"{outline} {attributes}/></a>'
    )


def _legend_svg(world: WorldMap, y: int) -> str:
    parts = [f'<g font-size="13" fill="#17212f" transform="translate(10 {y})">']
    x = 0
    entries = [(NONE_FILL, str(_("none")))] + [
        (SHADE_FILLS[step.shade - 1], legend_range(step, world.measure)) for step in world.legend
    ]
    for fill, text in entries:
        parts.append(
            f'<rect x="{x}" width="22" height="14" fill="{fill}" stroke="#8a97a8" stroke-width=".5"/>'
        )
        parts.append(f'<text x="{x + 28}" y="12">{escape(text)}</text>')
        x += 36 + 8 * len(text)
    parts.append(f'<text x="0" y="36">{escape(str(MEASURES[world.measure]))}</text></g>')
    return "".join(parts)


def legend_range(step: Legend, measure: str) -> str:
    """A shade's values as a person reads them: "4–6" for counts, "0.5–1.0" for needs per product."""
    if measure == "ratio":
        return f"{step.low:.1f}–{step.high:.1f}"
    low, high = int(step.low) + 1, int(step.high)
    return str(high) if low >= high else f"{low}–{high}"


def most_products(count: int = 3) -> list[CountryFigure]:
    """The countries with the most published products (for the home page's small map)."""
    names = country_names()
    sets = facet_index.current().sets.get("country", {})
    largest = sorted(sets.items(), key=lambda item: (-len(item[1]), item[0]))[:count]
    return [
        CountryFigure(code, names.get(code, code), products=len(products))
        for code, products in largest
        if products
    ]
