import sys

from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from core.site import absolute
from knowledgemap.errors import database_unavailable, is_database_unavailable


@require_safe
@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not: what a load balancer needs to know."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_safe
def robots_txt(request):
    """What crawlers may visit, and where the sitemap is."""
    context = {"sitemap_url": absolute(reverse("sitemap"))}
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
