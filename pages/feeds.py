"""The page the browse page's "Follow new ones" opens: what a feed is, its address with the same filters to
copy into a feed reader, its latest entries, and alerts by e-mail for those without a reader. The Atom feed
itself (opendata/feeds.py) is for feed readers, and opens as a wall of XML in a browser."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.http_cache import public_page
from core.site import absolute
from search.filters import ProductFilter
from search.relevance import SCOPE as CATALOGUE

LATEST = 10


@public_page(scope=CATALOGUE)
@require_safe
def feed_page(request):
    filterset = ProductFilter(request.GET)
    valid = filterset.is_valid()
    query = filterset.data.urlencode()
    suffix = f"?{query}" if query else ""
    context = {
        "feed_url": absolute(reverse("product-feed")) + suffix,
        "browse_url": reverse("pages:product-list") + suffix,
        "alerts_url": reverse("alerts:subscribe") + suffix,
        "errors": filterset.errors,
        "products": list(filterset.qs.select_related("product_type").recently_published()[:LATEST])
        if valid
        else [],
    }
    return render(request, "pages/feeds.html", context, status=200 if valid else 400)
