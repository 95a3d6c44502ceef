"""The map as pictures: the world map and the network of partnerships, each a page (the SVG drawn in it,
with the same figures as a table or a list) and a download for reports (SVG or PNG, with a caption, the
date and the filters). Drawn on the server; the pages need no script."""

from urllib.parse import urlencode

import cairosvg
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from core.site import absolute
from inventory.models import Programme, Theme
from pages import knowledge_map
from pages import network as net
from pages import world_map as world
from pages.knowledge_map import DEFAULT_DIMENSION, DIMENSIONS
from pages.views import map_figures

PNG_WIDTH = 2000  # pixels: sharp on a slide or a printed page


@require_safe
def world_map(request):
    errors = world.refused_choices(request.GET)
    figures = world.world_map(_valid(request.GET, errors))
    errors = figures.errors + errors
    context = {
        "world": figures,
        "picture": mark_safe(world.svg(figures, element_id="world-map")),  # noqa: S308 (escaped as built)
        "measures": world.MEASURES.items(),
        "errors": errors,
        "table": figures.table(),
        "measure_links": [(key, label, _link(figures, show=key)) for key, label in world.MEASURES.items()],
        "measure_label": world.MEASURES[figures.measure],
        "table_columns": [
            (key, label, _link(figures, order=key))
            for key, label in [("name", gettext("Country")), *world.MEASURES.items()]
        ],
        "downloads": {ext: _link(figures, path=f"map.{ext}") for ext in ("svg", "png")},
        "legend": [(step.shade, world.legend_range(step, figures.measure)) for step in figures.legend],
    }
    return render(request, "pages/world_map.html", context, status=400 if errors else 200)


@require_safe
def world_map_picture(request, extension: str):
    errors = world.refused_choices(request.GET)
    figures = world.world_map(_valid(request.GET, errors))
    if errors or figures.errors:
        return _refused_picture(errors + figures.errors)
    title = str(world.MEASURES[figures.measure])
    picture = world.svg(
        figures,
        links=False,
        frame=[
            gettext("%(measure)s by country") % {"measure": title},
            *_frame_lines(request, figures.active),
        ],
    )
    return _picture(picture, extension, "world-map")


@require_safe
def world_map_thumbnail(request):
    """The home page's small map: every published product, no caption."""
    return _picture(world.svg(world.world_map(request.GET.__class__()), links=False), "svg", "")


def _link(figures: world.WorldMap, *, path: str = "", **choices) -> str:
    """The map's address (or its picture's, `path`) with its filters, its choices and `choices` changed."""
    query = figures.query.copy()
    own = {"show": figures.measure, "order": figures.order} | choices
    for key, value in own.items():
        if value != {"show": world.DEFAULT_MEASURE, "order": world.DEFAULT_TABLE_ORDER}[key]:
            query[key] = value
    return f"{path or './'}?{query.urlencode()}" if query else path or "./"


def _valid(params, errors: list[dict]):
    """`params` without the map's own parameters that were refused (they fall back to their defaults)."""
    if not errors:
        return params
    params = params.copy()
    for error in errors:
        params.pop(error["param"], None)
    return params


def _frame_lines(request, active) -> list[str]:
    """Under a picture's title: its filters, then the site, the date and the address of the page."""
    if active:
        chosen = "; ".join(f"{a.group}: {a.label}" for a in active)
        filters = gettext("Filters: %(filters)s") % {"filters": chosen}
    else:
        filters = gettext("All published knowledge products")
    return [filters, _source_line(request)]


def _source_line(request) -> str:
    """The site, the date and the address of the page the picture comes from."""
    page = request.path.rsplit("/", 1)[0] + "/"
    query = request.GET.urlencode()
    when = date_format(timezone.localdate(), "DATE_FORMAT")
    source = gettext("Partos knowledge map, %(date)s") % {"date": when}
    return f"{source} · {absolute(page)}{'?' + query if query else ''}"


def _picture(svg: str, extension: str, name: str) -> HttpResponse:
    if extension == "png":
        body = cairosvg.svg2png(bytestring=svg.encode(), output_width=PNG_WIDTH)
        response = HttpResponse(body, content_type="image/png")
    else:
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    if name:
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{extension}"'
    return response


def _refused_picture(errors: list[dict]) -> HttpResponse:
    lines = [f"{e['param']}: {' '.join(str(m) for m in e['messages'])}" for e in errors]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def _network_choices(params) -> tuple[dict, list[dict]]:
    """The network's choices (`show`, `programme`, `theme`) from the address, and those refused, with why."""
    choices = {"mode": params.get("show") or net.DEFAULT_MODE, "programme": "", "theme": ""}
    errors = []
    if choices["mode"] not in net.MODES:
        errors.append(
            {
                "param": "show",
                "messages": [gettext("Show one of: %(choices)s.") % {"choices": ", ".join(net.MODES)}],
            }
        )
        choices["mode"] = net.DEFAULT_MODE
    for param, model, message in [
        ("programme", Programme, gettext("There is no programme “%(value)s”.")),
        ("theme", Theme, gettext("There is no theme “%(value)s”.")),
    ]:
        if value := params.get(param, "").strip():
            if model.objects.filter(slug=value).exists():
                choices[param] = value
            else:
                errors.append({"param": param, "messages": [message % {"value": value}]})
    return choices, errors


@require_safe
def network(request):
    choices, errors = _network_choices(request.GET)
    figures = net.network(choices["mode"], choices["programme"], choices["theme"])

    def link(path="./", **changed):
        query = {
            k: v
            for k, v in (
                {"show": choices["mode"] if choices["mode"] != net.DEFAULT_MODE else ""}
                | {k: choices[k] for k in ("programme", "theme")}
                | changed
            ).items()
            if v
        }
        return f"{path}?{urlencode(query)}" if query else path

    context = {
        "network": figures,
        "picture": mark_safe(net.svg(figures, element_id="network-map")),  # noqa: S308 (escaped as built)
        "listing": mark_safe(net.listing(figures)),  # noqa: S308 (escaped as built)
        "choices": choices,
        "errors": errors,
        "mode_links": [
            (key, label, link(show=key if key != net.DEFAULT_MODE else ""))
            for key, label in net.MODES.items()
        ],
        "programmes": Programme.objects.order_by("-start_year", "name"),
        "themes": Theme.objects.filter(parent__isnull=True).order_by("position", "name"),
        "downloads": {ext: link(f"network.{ext}") for ext in ("svg", "png")},
        "legend": [
            (mark_safe(net.legend_shape(kind)), label) for kind, label in net.legend_entries(figures.mode)
        ],  # noqa: S308
    }
    return render(request, "pages/network.html", context, status=400 if errors else 200)


@require_safe
def network_picture(request, extension: str):
    choices, errors = _network_choices(request.GET)
    if errors:
        return _refused_picture(errors)
    figures = net.network(choices["mode"], choices["programme"], choices["theme"])
    chosen = [
        f"{label}: {name}"
        for label, model, slug in [
            (gettext("Programme"), Programme, choices["programme"]),
            (gettext("Theme"), Theme, choices["theme"]),
        ]
        if slug
        for name in model.objects.filter(slug=slug).values_list("name", flat=True)
    ]
    title = str(net.TITLES[choices["mode"]])
    lines = [
        gettext("Filters: %(filters)s") % {"filters": "; ".join(chosen)}
        if chosen
        else gettext("All partnerships")
    ]
    if figures.drawn < figures.partnerships:
        lines[0] += " · " + gettext("the %(drawn)d of %(all)d partnerships with the most products") % {
            "drawn": figures.drawn,
            "all": figures.partnerships,
        }
    picture = net.svg(figures, links=False, frame=[title, *lines, _source_line(request)])
    return _picture(picture, extension, "network")


@require_safe
def knowledge_map_picture(request, extension: str):
    """The themes table (`/map/`, same `across`) as a picture for reports."""
    across = request.GET.get("across") or DEFAULT_DIMENSION
    if across not in DIMENSIONS:
        message = gettext("Across one of: %(choices)s.") % {"choices": ", ".join(DIMENSIONS)}
        return _refused_picture([{"param": "across", "messages": [message]}])
    figures = map_figures(across)
    the_map = figures["map"]
    title = gettext("Published knowledge products by theme and %(across)s.") % {
        "across": str(the_map.dimension.label).lower()
    }
    lines = [title.rstrip("."), _source_line(request)]
    picture = knowledge_map.svg(the_map, lines, gettext("Needs"), gettext("All"))
    return _picture(picture, extension, "knowledge-map")
