"""The Atom feed of newly published products, /feeds/products/. It takes the browse filters, so
`/feeds/products/?theme=land-rights` follows one theme."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.models import KnowledgeProduct, Theme
from search.filters import ProductFilter

FEED_ITEMS = 50


class FilterRefused(Exception):
    def __init__(self, errors):
        self.errors = errors


class AtomWithAuthors(Atom1Feed):
    """Atom, with each entry's organisations as its authors (an entry may have several)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("organisations", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


class ProductFeed(Feed):
    feed_type = AtomWithAuthors
    title = gettext_lazy("New knowledge products · Partos knowledge map")
    subtitle = gettext_lazy("Knowledge products of the Strategic Partnerships, newest first.")
    author_name = "Partos"

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except FilterRefused as refused:
            lines = [_("These filters could not be used:")]
            lines += [f"{param}: {' '.join(messages)}" for param, messages in refused.errors.items()]
            return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")

    def get_object(self, request, *args, **kwargs):
        filterset = ProductFilter(request.GET)
        if not filterset.is_valid():
            raise FilterRefused(filterset.errors)
        return filterset

    def link(self, filterset):
        """The browse page showing the same products."""
        return _with_query(reverse("pages:product-list"), filterset)

    def feed_url(self, filterset):
        return _with_query(reverse("product-feed"), filterset)

    def items(self, filterset):
        # Newest publication first, whatever sort the browse link asks for.
        return (
            filterset.qs.select_related("product_type")
            .prefetch_related("themes", "organisations")
            .recently_published()[:FEED_ITEMS]
        )

    def item_title(self, product: KnowledgeProduct) -> str:
        return product.title

    def item_description(self, product: KnowledgeProduct) -> str:
        # Feed readers take the description for HTML; the summary is plain text.
        return escape(product.summary)

    def item_pubdate(self, product: KnowledgeProduct):
        return product.published_at

    def item_updateddate(self, product: KnowledgeProduct):
        return product.updated_at

    def item_extra_kwargs(self, product: KnowledgeProduct) -> dict:
        return {"organisations": [organisation.name for organisation in product.organisations.all()]}

    def item_categories(self, product: KnowledgeProduct) -> list[str]:
        themes: list[Theme] = list(product.themes.all())
        return [product.product_type.display_name, *(theme.display_name for theme in themes)]


def _with_query(path: str, filterset: ProductFilter) -> str:
    query = filterset.data.urlencode()
    return f"{path}?{query}" if query else path
