"""Middleware for running in production: an access log, a kind page when the database is away, and a 400
for addresses no page has."""

import logging
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed, SuspiciousOperation

from knowledgemap.errors import database_unavailable, is_database_unavailable

access_log = logging.getLogger("knowledgemap.access")
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
