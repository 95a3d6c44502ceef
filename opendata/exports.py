"""The browse page's results as CSV: /products/export.csv takes the same filters and gives every matching
published product, one row each, with related things by name.

The file is streamed: rows are fetched `EXPORT_CHUNK_SIZE` at a time (each chunk with its relations
prefetched) and written out as they come, so exporting the whole inventory never holds it in memory.
"""

import csv
import itertools
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.http_cache import public_page
from core.spreadsheets import defuse
from inventory.models import KnowledgeProduct
from opendata import querysets
from search.browse import selected
from search.filters import ProductFilter

EXPORT_CHUNK_SIZE = 500
EXPORT_FILE_NAME = "knowledge-products.csv"
# Several values in one cell (themes, organisations …) are separated by this.
SEPARATOR = "; "
# Excel reads a UTF-8 file as UTF-8 only when it starts with a byte-order mark.
BYTE_ORDER_MARK = "\ufeff"

COLUMNS = [
    "title",
    "page",
    "summary",
    "type",
    "year",
    "themes",
    "tags",
    "partnerships",
    "programmes",
    "organisations",
    "stakeholders",
    "countries",
    "languages",
    "link",
    "download",
    "licence",
    "licence_url",
    "featured",
    "published",
    "why_valuable",
    "description",
]


def product_row(product: KnowledgeProduct, site: str) -> list:
    """One product's cells, in the order of COLUMNS. Only what its public page shows. The relations come from
    the lists opendata.querysets.products() prefetches."""

    def names(items) -> str:
        # In the page's language where the rows have one (themes; countries and languages).
        return SEPARATOR.join(getattr(item, "display_name", item.name) for item in items)

    partnerships = product.partnership_list
    return [
        product.title,
        site + product.get_absolute_url(),
        product.summary,
        product.product_type.display_name,
        product.year or "",
        names(product.theme_list),
        SEPARATOR.join(sorted(tagged.tag.name for tagged in product.tagged_list)),
        names(partnerships),
        SEPARATOR.join(dict.fromkeys(p.programme.display_name for p in partnerships)),
        names(product.organisation_list),
        SEPARATOR.join(
            f"{i.stakeholder.name} ({i.get_role_display().lower()})" for i in product.involvement_list
        ),
        names(product.country_list),
        names(product.language_list),
        product.url,
        site + reverse("inventory:product-download", args=[product.slug]) if product.file else "",
        product.get_licence_display(),
        product.licence_url,
        "yes" if product.featured else "no",
        product.published_at.date().isoformat() if product.published_at else "",
        product.why_valuable,
        product.description,
    ]


class Echo:
    """A file that hands back what is written to it, so csv.writer makes one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(products: Iterable[KnowledgeProduct], site: str, language: str | None = None) -> Iterator[str]:
    """The rows, names in `language`: the page's, which no longer holds once the view has returned and the
    rows are streamed."""
    writer = csv.writer(Echo())
    yield BYTE_ORDER_MARK + writer.writerow(COLUMNS)
    for product in products:
        with translation.override(language):
            row = product_row(product, site)
        yield writer.writerow([defuse(cell) for cell in row])


def in_order(filterset: ProductFilter) -> Iterator[KnowledgeProduct]:
    """The products the filters select in the browse page's and the API's order (a search's by the same
    relevance), read `EXPORT_CHUNK_SIZE` at a time with their relations."""
    for chunk in selected(filterset, querysets.products()).chunks(EXPORT_CHUNK_SIZE):
        yield from chunk


@public_page
@require_safe
def product_export(request):
    filterset = ProductFilter(request.GET, queryset=querysets.products())
    if not filterset.is_valid():
        lines = [_("These filters could not be used, so nothing was exported:")]
        lines += [f"{param}: {' '.join(messages)}" for param, messages in filterset.errors.items()]
        return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")
    site = settings.SITE_URL
    products = in_order(filterset)
    # The first product is read before the response starts: if the database is away, the visitor gets the
    # 503 page, not a 200 that breaks off after the header row.
    first = list(itertools.islice(products, 1))
    rows = itertools.chain(first, products)
    response = StreamingHttpResponse(
        csv_lines(rows, site, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILE_NAME}"'
    return response
