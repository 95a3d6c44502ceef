"""The knowledge map's cells, built here rather than by the template's loop: 24 themes by up to 25 columns,
each cell a link to its products, took 30 ms of the map page's 45 at 100,000 products (a reversed address,
two encoded keys and a column's translated label for each)."""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def heat_cells(context, row, the_map) -> str:
    """A row's cells: each shaded by its count and, when it has products, linking to them."""
    columns = context.render_context.get("map_columns")
    if columns is None:  # per page: the list's address and each column's label and encoded key
        found = reverse("pages:product-list")
        param = the_map.dimension.param
        columns = {
            column.key: (escape(column.label), escape(f"{found}?{{}}&{param}={quote(column.key, safe='/')}"))
            for column in the_map.columns
        }
        context.render_context["map_columns"] = columns
    theme = escape(f"theme={quote(row.theme.slug, safe='/')}")
    cells = []
    for cell in row.cells:
        label, href = columns[cell.column.key]
        count = localize(cell.count)
        shown = f'<a href="{href.format(theme)}">{count}</a>' if cell.count else "0"
        cells.append(f'<td class="heat-{cell.shade}" data-label="{label}">{shown}</td>')
    return mark_safe("".join(cells))
