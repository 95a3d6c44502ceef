"""The map as pictures: the world map and the network of partnerships, each a page (the SVG drawn in it,
with the same figures as a table or a list) and a download for reports (SVG or PNG, with a caption, the
date and the filters). Drawn on the server; the pages need no script."""

import cairosvg
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from core.site import absolute
from pages import world_map as world

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
        frame=[f"{title} · {gettext('by country')}", *_frame_lines(request, figures.active)],
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
    page = request.path.rsplit("/", 1)[0] + "/"
    query = request.GET.urlencode()
    source = gettext("Partos knowledge map, %(date)s") % {
        "date": date_format(timezone.localdate(), "DATE_FORMAT")
    }
    return [filters, f"{source} · {absolute(page)}{'?' + query if query else ''}"]


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
