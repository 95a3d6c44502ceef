"""The site's own address (settings.SITE_URL), for every absolute link the site writes: canonical and
language links, structured data, the API, exports, calendars and mails. Never the request's host or path,
which a visitor chooses."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute(path: str) -> str:
    """The full address of `path` on this site. Leading slashes collapse to one, so a path such as
    `//elsewhere.example/` stays on this site."""
    return f"{settings.SITE_URL}/{path.lstrip('/')}"


def domain() -> str:
    """The site's host name (and port, if any), e.g. for identifiers that must not change with the address a
    visitor used."""
    return urlsplit(settings.SITE_URL).netloc
