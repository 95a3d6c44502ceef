"""Middleware for running in production: an access log, a kind page when the database is away, a 400
for addresses no page has, and the headers that let shared caches keep the public pages."""

import logging
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import MiddlewareNotUsed, SuspiciousOperation
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control
from django.utils.http import http_date

from core import freshness, http_cache
from knowledgemap.errors import database_unavailable, is_database_unavailable

access_log = logging.getLogger("knowledgemap.access")
MESSAGES_COOKIE = CookieStorage.cookie_name
logger = logging.getLogger(__name__)


class AccessLogMiddleware:
    """One line per request: method, path, status and milliseconds.

    The query string and the client's address are left out: search terms and IP addresses are nobody's
    business in a log file.
    """

    def __init__(self, get_response):
        if not settings.ACCESS_LOG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        milliseconds = (time.monotonic() - started) * 1000
        access_log.info("%s %s %s %.0fms", request.method, request.path, response.status_code, milliseconds)
        return response


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer 503 with a page that needs no database, instead of a
    500. The page says to come back in a moment; the log says what happened."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning(
            "Database unavailable while serving %s %s: %s", request.method, request.path, exception
        )
        return database_unavailable()


class NulBytesMiddleware:
    """A NUL byte in a path is never a real address, nor in a query string or a posted form of the admin
    (whose filters, searches and fields go to the database as they are): 400, before PostgreSQL, which
    refuses NUL in text, turns it into a 500. The public pages validate their parameters themselves and say
    what was wrong."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise SuspiciousOperation("A NUL byte in the address")
        if _is_admin(request):
            for name, data in [("address", request.GET), ("form", request.POST)]:
                if any("\x00" in text for key, values in data.lists() for text in (key, *values)):
                    raise SuspiciousOperation(f"A NUL byte in the {name}")
        return self.get_response(request)


def _is_admin(request) -> bool:
    return request.path_info.startswith("/admin/")


class PathLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, without `Vary: Accept-Language`: the language comes from the path alone
    (`/nl/…` Dutch, every other path English; see urls.py), never from that header, so a shared cache
    needs one copy of a page, not one per browser language."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        vary = [name for name in cc_delim_re.split(response.get("Vary", "")) if name]
        kept = [name for name in vary if name.lower() != "accept-language"]
        if kept != vary:
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response


class PublicCacheMiddleware:
    """Public pages (`core.http_cache.public_page`) for anonymous visitors: an ETag and a Last-Modified from
    the data version and the page's inputs, a 304 to a matching `If-None-Match` before the view runs, and
    `Cache-Control: public`, so that any shared cache may keep them. A page stays private whenever it is not
    the same for everyone: the visitor is signed in or has messages waiting, or the page set a cookie or used
    a CSRF token (a form). Every other answer is `private` unless its view said more (`never_cache`).

    It stands outside the session, CSRF and message middleware, so it sees the cookies they set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            with freshness.versions_read_once():
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        found = getattr(request, "public_validators", None)
        if found is not None and response.status_code in (200, 304) and _shareable(request, response):
            response["ETag"] = found.etag
            response["Last-Modified"] = http_date(found.last_modified)
            patch_cache_control(response, **http_cache.cache_control())
        elif "private" not in response.get("Cache-Control", "") and "no-store" not in response.get(
            "Cache-Control", ""
        ):
            patch_cache_control(response, private=True)
        return response

    def process_view(self, request, view, view_args, view_kwargs):
        if request.method not in ("GET", "HEAD") or not http_cache.is_public_page(view):
            return None
        if not _anonymous(request):
            return None
        scope = getattr(view, "public_scope", None)
        request.public_validators = found = http_cache.validators(request, scope)
        return get_conditional_response(request, etag=found.etag, last_modified=found.last_modified)


def _anonymous(request) -> bool:
    """No session (so nobody signed in) and no messages waiting, judged from the cookies alone: reading the
    session would make every page vary by cookie."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and MESSAGES_COOKIE not in request.COOKIES


def _shareable(request, response) -> bool:
    vary = {name.lower() for name in cc_delim_re.split(response.get("Vary", "")) if name}
    control = response.get("Cache-Control", "")
    return not (
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or request.META.get("CSRF_COOKIE_USED")
        or "cookie" in vary
        or "private" in control
        or "no-store" in control
    )
