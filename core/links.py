"""The address of a record's page from its slug, as Django's `reverse` writes it, in a few microseconds; and
a static file's, as `static` writes it.

`reverse` takes about 45 µs on a 2-core machine, and pages link many records: a search page's 24 cards, the
gaps page's needs with their themes and suggested products (about 200 links), the knowledge map's rows. The
address of `viewname` for any slug differs only by the slug, so it is reversed once per view, language and
URL configuration, with a placeholder the slug then takes the place of. A slug of other characters than
those of a slug path converter (it would be quoted) is reversed as before.
"""

import functools
import re

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# What the `slug` path converter accepts: such a slug is written into the path as it is.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
PLACEHOLDER = "0slug0placeholder0"


def slug_url(viewname: str, slug: str) -> str:
    """`reverse(viewname, args=[slug])`, for a view whose one argument is a slug."""
    if not SLUG.fullmatch(slug):
        return reverse(viewname, args=[slug])
    before, after = _pattern(viewname, get_language(), get_script_prefix(), get_urlconf())
    return f"{before}{slug}{after}"


@functools.lru_cache(maxsize=256)
def _pattern(viewname: str, _language: str | None, _prefix: str, _urlconf) -> tuple[str, str]:
    """The address of `viewname` around its slug, for the active language, script prefix and URLconf (the
    arguments are the cache's key; `reverse` reads them itself)."""
    before, found, after = reverse(viewname, args=[PLACEHOLDER]).partition(PLACEHOLDER)
    if not found:  # the slug does not appear as it was given: never so for a slug converter
        raise ValueError(f"{viewname}: the slug is not written into the address as it is")
    return before, after


def static_url(path: str) -> str:
    """`static(path)`, found once per path and script prefix: a card's default picture is one of a few
    files, and the manifest's storage looks its hashed name up anew each time (about 20 µs)."""
    return _static(path, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _static(path: str, _prefix: str) -> str:
    return static(path)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    """A test that changes the URLs or languages starts from nothing, as Django's own URL caches do."""
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME"}:
        _pattern.cache_clear()
    if setting in {"STATIC_URL", "STORAGES", "FORCE_SCRIPT_NAME"}:
        _static.cache_clear()
