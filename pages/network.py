"""The network: partnerships and their member organisations (or the themes they produced knowledge on), laid
out by networkx and drawn on the server as SVG.

The layout is a force-directed one (`spring_layout`) with a fixed seed, so the same data always gives the
same picture; it is computed once per data version and per choice (`core.freshness.cached`). Products per
partnership, organisation and theme come from the facet index, as the browse page counts them. Past
MOST_PARTNERSHIPS partnerships (the benchmark has 400) only the ones with the most products are drawn, and
the page says so: choosing a programme or a theme shows the others.
"""

from dataclasses import dataclass, field
from math import sqrt

import networkx
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.freshness import cached
from inventory.models import Membership, Organisation, Partnership, Theme
from pages import drawing
from search import index as facet_index

MODES = {"members": _("Member organisations"), "themes": _("Themes they produced on")}
TITLES = {
    "members": _("Partnerships and their member organisations"),
    "themes": _("Partnerships and the themes they published knowledge on"),
}
DEFAULT_MODE = "members"
MOST_PARTNERSHIPS = 40
SEED = 7
LAYOUT_ITERATIONS = 300
ISOLATED_ROW = 50  # room at the bottom for nodes linked to nothing
LABEL_ROOM = 120  # on the right, for the last labels
WIDTH, HEIGHT, MARGIN = 1000, 720, 40
COLOURS = {
    "partnership": "#0f3d5c",
    "southern": "#b34f18",
    "organisation": "#287c76",
    "theme": "#6b4c9a",
}


# Looked up for every node and link of a drawing: a dict, not the enums' properties (slow in bulk).
ROLE_LABELS = dict(Membership.Role.choices)
KIND_LABELS = dict(Organisation.Kind.choices)


@dataclass
class Node:
    key: str  # "p:slug", "o:slug", "t:slug"
    kind: str  # partnership, southern, organisation, theme
    name: str
    url: str
    products: int
    detail: str = ""  # what its label adds: an organisation's kind, a partnership's programme
    x: float = 0
    y: float = 0
    short: str = ""  # a partnership's acronym, drawn beside it

    @property
    def radius(self) -> float:
        return round(5 + 2.2 * sqrt(self.products), 1)


@dataclass
class Edge:
    source: str
    target: str
    weight: int = 1  # products a partnership made on a theme
    role: str = ""

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, "")


@dataclass
class Network:
    mode: str
    nodes: dict[str, Node]
    edges: list[Edge]
    partnerships: int  # chosen by the filters, drawn or not
    drawn: int
    groups: list[dict] = field(default_factory=list)  # the list under the picture: a partnership, its links


def network(mode: str, programme: str = "", theme: str = "") -> Network:
    """The network for a mode and an optional programme and theme (slugs known to exist)."""
    return cached(
        f"network:{mode}:{programme}:{theme}", lambda: _build(mode, programme, theme), per_language=False
    )


def _build(mode: str, programme: str, theme: str) -> Network:
    index = facet_index.current()
    partnerships = Partnership.objects.select_related("programme").order_by("name")
    if programme:
        partnerships = partnerships.filter(programme__slug=programme)
    if theme:
        partnerships = partnerships.filter(
            pk__in=Partnership.objects.filter(
                themes__in=Theme.objects.filter(slug=theme).with_sub_themes()
            ).values("pk")
        )
    partnerships = list(partnerships)
    products = index.sets.get("partnership", {})
    chosen = sorted(partnerships, key=lambda p: (-len(products.get(p.slug, ())), p.name))[:MOST_PARTNERSHIPS]
    chosen.sort(key=lambda p: p.name)
    nodes: dict[str, Node] = {}
    for p in chosen:
        nodes[f"p:{p.slug}"] = Node(
            f"p:{p.slug}",
            "partnership",
            p.name,
            reverse("pages:partnership-detail", args=[p.slug]),
            len(products.get(p.slug, ())),
            detail=p.programme.name,
            short=p.acronym or p.name,
        )
    edges = _member_edges(index, chosen, nodes) if mode == "members" else _theme_edges(index, chosen, nodes)
    _lay_out(nodes, edges)
    result = Network(mode, nodes, edges, len(partnerships), len(chosen))
    result.groups = _groups(chosen, nodes, edges)
    return result


def _member_edges(index, partnerships: list[Partnership], nodes: dict[str, Node]) -> list[Edge]:
    products = index.sets.get("organisation", {})
    memberships = (
        Membership.objects.filter(partnership__in=partnerships)
        .select_related("organisation", "partnership")
        .order_by("partnership__name", "role", "organisation__name")
    )
    edges = []
    for membership in memberships:
        organisation = membership.organisation
        key = f"o:{organisation.slug}"
        if key not in nodes:
            southern = organisation.kind == Organisation.Kind.SOUTHERN_CSO
            nodes[key] = Node(
                key,
                "southern" if southern else "organisation",
                organisation.name,
                reverse("pages:organisation-detail", args=[organisation.slug]),
                len(products.get(organisation.slug, ())),
                detail=organisation.kind,
            )
        edges.append(Edge(f"p:{membership.partnership.slug}", key, role=membership.role))
    return edges


def _theme_edges(index, partnerships: list[Partnership], nodes: dict[str, Node]) -> list[Edge]:
    """A partnership to each core theme it has published products on, weighted by their number."""
    by_partnership = index.sets.get("partnership", {})
    by_theme = index.sets.get("theme", {})
    edges = []
    for theme in Theme.objects.filter(parent__isnull=True).order_by("position", "name"):
        theme_products = by_theme.get(theme.slug)
        if not theme_products:
            continue
        key = f"t:{theme.slug}"
        for p in partnerships:
            count = by_partnership.get(p.slug, theme_products.__class__()).intersection_cardinality(
                theme_products
            )
            if count:
                if key not in nodes:
                    url = f"{reverse('pages:product-list')}?theme={theme.slug}"
                    nodes[key] = Node(key, "theme", theme.name, url, len(theme_products))
                edges.append(Edge(f"p:{p.slug}", key, weight=count))
    return edges


def _lay_out(nodes: dict[str, Node], edges: list[Edge]) -> None:
    """Positions in the picture: a seeded ForceAtlas2 layout of the connected nodes, scaled into the margins;
    nodes linked to nothing (a partnership without members on record) in a row along the bottom."""
    graph = networkx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_weighted_edges_from((e.source, e.target, 1 + sqrt(e.weight)) for e in edges)
    alone = sorted(key for key in graph if graph.degree(key) == 0)
    graph.remove_nodes_from(alone)
    bottom = HEIGHT - MARGIN - (ISOLATED_ROW if alone else 0)
    if graph:
        # Node sizes keep shapes from covering each other; gravity keeps the separate parts together.
        positions = networkx.forceatlas2_layout(
            graph,
            max_iter=LAYOUT_ITERATIONS,
            seed=SEED,
            gravity=2.0,
            scaling_ratio=3.0,
            node_size={key: nodes[key].radius / 6 for key in graph},
            distributed_action=True,
        )
        # The layout's numbers are float32: as Python floats they round to one decimal in the SVG rather than
        # print as 467.70001220703125.
        positions = {key: (float(x), float(y)) for key, (x, y) in positions.items()}
        xs = [x for x, _y in positions.values()]
        ys = [y for _x, y in positions.values()]
        span_x, span_y = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1
        for key, (x, y) in positions.items():
            nodes[key].x = round(MARGIN + (x - min(xs)) / span_x * (WIDTH - 2 * MARGIN - LABEL_ROOM), 1)
            nodes[key].y = round(MARGIN + (y - min(ys)) / span_y * (bottom - MARGIN), 1)
    step = (WIDTH - 2 * MARGIN) / max(len(alone), 1)
    for place, key in enumerate(alone):
        nodes[key].x, nodes[key].y = round(MARGIN + place * step, 1), HEIGHT - MARGIN


def _groups(partnerships: list[Partnership], nodes: dict[str, Node], edges: list[Edge]) -> list[dict]:
    links: dict[str, list[tuple[Node, Edge]]] = {}
    for edge in edges:
        links.setdefault(edge.source, []).append((nodes[edge.target], edge))
    return [
        {"partnership": nodes[f"p:{p.slug}"], "links": links.get(f"p:{p.slug}", [])} for p in partnerships
    ]


def listing(net: Network) -> str:
    """The list under the picture, partnership by partnership, as HTML: the same links, keyboard-usable.
    Written here rather than in the template, which took most of the page's time at 40 partnerships."""
    southern = escape(gettext("Southern"))
    parts = ['<ul class="network-list">']
    for group in net.groups:
        head = group["partnership"]
        parts.append(
            f'<li><a href="{escape(head.url)}"><strong>{escape(head.name)}</strong></a>'
            f' <span class="muted">({escape(head.detail)})</span>'
        )
        if group["links"]:
            parts.append("<ul>")
            for node, edge in group["links"]:
                item = f'<li><a href="{escape(node.url)}">{escape(node.name)}</a>'
                if edge.role:
                    item += f' <span class="muted">{escape(edge.role_label)}</span>'
                if node.kind == "southern":
                    item += f' <span class="badge">{southern}</span>'
                if net.mode == "themes":
                    count = ngettext("%(count)d product", "%(count)d products", edge.weight)
                    item += f' <span class="count">{escape(count % {"count": edge.weight})}</span>'
                parts.append(item + "</li>")
            parts.append("</ul>")
        parts.append("</li>")
    parts.append("</ul>")
    return "".join(parts)


# --- the picture ------------------------------------------------------------------------------------------


def node_label(node: Node) -> str:
    """Its accessible name: "Both ENDS, Dutch NGO: 3 products"."""
    products = ngettext("%(count)d product", "%(count)d products", node.products) % {"count": node.products}
    if node.kind == "partnership":
        return f"{node.name} ({node.detail}): {products}"
    if node.kind == "theme":
        return gettext("Theme %(name)s: %(products)s") % {"name": node.name, "products": products}
    kind = KIND_LABELS.get(node.detail, "")
    return f"{node.name}, {kind}: {products}" if kind else f"{node.name}: {products}"


def svg(net: Network, *, links: bool = True, frame: list[str] | None = None, element_id: str = "") -> str:
    out, top = drawing.begin(
        WIDTH, HEIGHT, "network-map", frame=frame, element_id=element_id, legend_height=56
    )
    out.append('<g stroke="#8a97a8" stroke-opacity=".6">')
    for edge in net.edges:
        a, b = net.nodes[edge.source], net.nodes[edge.target]
        width = f' stroke-width="{round(1 + sqrt(edge.weight), 1)}"' if edge.weight > 1 else ""
        out.append(f'<line x1="{a.x}" y1="{a.y}" x2="{b.x}" y2="{b.y}"{width}/>')
    out.append("</g>")
    # Organisations first, partnerships and themes (larger, labelled) on top of them.
    order = sorted(net.nodes.values(), key=lambda n: (n.kind in ("partnership", "theme"), n.key))
    out.append('<g stroke="#fff" stroke-width="1">')
    for node in order:
        shape = _shape(node)
        if links:
            label = escape(node_label(node))
            out.append(f'<a href="{escape(node.url)}" aria-label="{label}"><title>{label}</title>{shape}</a>')
        else:
            out.append(shape)
    out.append("</g>")
    # The labels twice: a white halo under them keeps them readable across lines and shapes.
    labels = [
        f'<text x="{round(node.x + node.radius + 3, 1)}" y="{round(node.y + 4, 1)}">'
        f"{escape(node.short or node.name)}</text>"
        for node in order
        if node.kind in ("partnership", "theme")
    ]
    out.append('<g font-size="12" aria-hidden="true">')
    out.append(
        '<g fill="#fff" stroke="#fff" stroke-width="3" stroke-linejoin="round">' + "".join(labels) + "</g>"
    )
    out.append('<g fill="#0a2b41">' + "".join(labels) + "</g></g>")
    return drawing.end(out, frame=frame, legend=lambda: _legend_svg(net.mode, HEIGHT + top + 16))


def _shape(node: Node) -> str:
    """Partnerships are squares, Southern organisations triangles, other organisations circles, themes
    diamonds: told apart by shape as well as colour."""
    r, x, y, fill = node.radius, node.x, node.y, COLOURS[node.kind]
    if node.kind == "partnership":
        left, top = round(x - r, 1), round(y - r, 1)
        return f'<rect x="{left}" y="{top}" width="{2 * r}" height="{2 * r}" rx="2" fill="{fill}"/>'
    if node.kind == "southern":
        h = round(r * 1.3, 1)
        base = round(y + h * 0.8, 1)
        points = f"{x},{round(y - h, 1)} {round(x + h, 1)},{base} {round(x - h, 1)},{base}"
        return f'<polygon points="{points}" fill="{fill}"/>'
    if node.kind == "theme":
        h = round(r * 1.3, 1)
        points = f"{x},{round(y - h, 1)} {round(x + h, 1)},{y} {x},{round(y + h, 1)} {round(x - h, 1)},{y}"
        return f'<polygon points="{points}" fill="{fill}"/>'
    return f'<circle cx="{x}" cy="{y}" r="{r}" fill="{fill}"/>'


def legend_entries(mode: str) -> list[tuple[str, str]]:
    """The kinds of node a mode draws, with their names."""
    if mode == "themes":
        return [("partnership", gettext("Partnership")), ("theme", gettext("Theme"))]
    return [
        ("partnership", gettext("Partnership")),
        ("southern", gettext("Southern organisation")),
        ("organisation", gettext("Other organisation")),
    ]


def legend_shape(kind: str) -> str:
    """A small picture of a kind of node, for the legend under the page's picture."""
    shape = _shape(Node("", kind, "", "", 1, x=10, y=10))
    size = 'viewBox="0 0 20 20" width="20" height="20"'
    return f'<svg xmlns="http://www.w3.org/2000/svg" {size} aria-hidden="true">{shape}</svg>'


def _legend_svg(mode: str, y: int) -> str:
    parts = [f'<g font-size="13" fill="#17212f" transform="translate(10 {y})">']
    x = 0
    for kind, text in legend_entries(mode):
        parts.append(_shape(Node("", kind, "", "", 1, x=x + 8, y=6)))
        parts.append(f'<text x="{x + 22}" y="11">{escape(text)}</text>')
        x += 40 + 8 * len(text)
    size = gettext("Size: published products")
    parts.append(f'<text x="0" y="32">{escape(size)}</text></g>')
    return "".join(parts)
