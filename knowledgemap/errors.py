"""Error answers that must work when little else does: no database, no request context."""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

# Seconds a client is asked to wait before trying again after a 503.
RETRY_AFTER_SECONDS = 30


def is_database_unavailable(exception: BaseException | None) -> bool:
    """Whether an exception means the database is away (down, unreachable, locked), not a bug in a query.
    Integrity and programming errors stay 500s."""
    return isinstance(exception, OperationalError | InterfaceError)


def database_unavailable() -> HttpResponse:
    """The 503 page. Rendered without the request, so no context processor can touch the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
