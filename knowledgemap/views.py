import logging
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from core.http_cache import public_page
from core.site import absolute
from knowledgemap.context_processors import language_prefix
from knowledgemap.errors import RETRY_AFTER_SECONDS, database_unavailable, is_database_unavailable

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request):
    """What a load balancer needs to know: 200 when the database, the cache and the file storage answer;
    503 with Retry-After and the part that does not, otherwise. A cache outage is reported, though the pages
    still answer (uncached, slower), so that someone looks at it."""
    checks = {"database": _database_answers, "cache": _cache_answers, "storage": _storage_answers}
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception:
            logger.warning("Health check: the %s does not answer", name, exc_info=True)
            results[name] = "unreachable"
    if all(result == "ok" for result in results.values()):
        return JsonResponse({"status": "ok", **results})
    response = JsonResponse({"status": "unavailable", **results}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache_answers() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("The cache did not keep a value")
    cache.delete(key)


def _storage_answers() -> None:
    default_storage.exists("healthz-probe")  # Any answer will do; an exception means it cannot be reached.


@public_page
@require_safe
def robots_txt(request):
    """What crawlers may visit, and where the sitemap is."""
    context = {
        "sitemap_url": absolute(reverse("sitemap")),
        # Every language's pages: English at the root, the others under their prefix (/nl/).
        "prefixes": [language_prefix(code) for code, _name in settings.LANGUAGES],
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


@requires_csrf_token
def server_error(request):
    """The 500 handler. It runs inside Django's `except` block, so the exception is at hand: a database
    that went away outside a view (a session saved on the way out, say) still gets the 503 page.
    Both pages are rendered without the request: they must not need the database."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable()
    return HttpResponseServerError(render_to_string("500.html"))


def csrf_failure(request, reason=""):
    """A form sent without its CSRF token, or from another site: the site's own 403 page, with a hint."""
    return render(request, "403_csrf.html", status=403)
