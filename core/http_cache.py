"""Public pages that any shared cache (a CDN, the caching proxy of `deploy/nginx.conf`) may keep.

A view marked `@public_page` is the same for every anonymous visitor: what it shows depends on the data
version, the address (path and query), the language, the day (activities are listed from today) and the
code that renders it, nothing else. Those make its ETag, so an `If-None-Match` is answered 304 before the
view runs, and the version's time is its Last-Modified. `knowledgemap.middleware.PublicCacheMiddleware`
does the work; this module says what a page's validators are and how long caches may keep it.
"""

import datetime
import functools
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from core import freshness

# What renders a page: the code, its templates, the compiled translations and the static files whose hashed
# names the pages carry. A deployment changes these; nothing else in these folders does.
RELEASE_SUFFIXES = {".py", ".html", ".txt", ".mo", ".css", ".js", ".svg"}
NOT_RELEASE = {"node_modules", "staticfiles", "media", "tests", "bench", "__pycache__", "deploy", "fixtures"}


def public_page(view: Callable | None = None, *, scope: str | None = None) -> Callable:
    """Mark a view as a public page a shared cache may keep for anonymous visitors: `@public_page`, or
    `@public_page(scope="catalogue")` for a page that shows only a part of the data with a version of its
    own (`freshness.register_scope`), so that changes elsewhere (a need submitted) leave its ETag be and a
    cache's revalidation gets a 304."""
    if view is None:
        return functools.partial(public_page, scope=scope)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.public_page = True
    wrapped.public_scope = scope
    return wrapped


def is_public_page(view: Callable) -> bool:
    return getattr(view, "public_page", False)


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: float


def validators(request, scope: str | None = None) -> Validators:
    """The page's ETag and Last-Modified, from one read of the data version (of `scope`, if given):
    nothing is rendered."""
    version = freshness.scoped_version(scope) if scope else freshness.current_version()
    release, released_at = _release()
    today = timezone.localdate().isoformat()
    inputs = "\n".join([release, version, translation.get_language() or "", today, request.get_full_path()])
    etag = '"' + hashlib.sha256(inputs.encode()).hexdigest()[:32] + '"'
    changed_at = freshness.version_time(version.split(".", 1)[0]) or released_at
    start_of_day = datetime.datetime.combine(
        timezone.localdate(), datetime.time(), timezone.get_current_timezone()
    )
    return Validators(etag, max(changed_at, released_at, start_of_day.timestamp()))


def cache_control() -> dict:
    """`Cache-Control` of a public page (see the README's *Scaling*): shared caches keep it
    `PUBLIC_CACHE_SECONDS`, and may serve it `PUBLIC_CACHE_STALE_SECONDS` longer while they fetch the new
    one; a browser asks again each time (max-age 0), which a 304 answers without a page built, so whoever
    has just changed something sees it at once."""
    return {
        "public": True,
        "max_age": 0,
        "s_maxage": settings.PUBLIC_CACHE_SECONDS,
        "stale_while_revalidate": settings.PUBLIC_CACHE_STALE_SECONDS,
    }


@functools.cache
def _release() -> tuple[str, float]:
    """A digest of the files that render the pages, and when the newest of them changed: the same in every
    process and on every machine that runs the same code."""
    digest = hashlib.sha256()
    newest = 0.0
    base = Path(settings.BASE_DIR)
    for folder, subfolders, files in os.walk(base):
        subfolders[:] = sorted(name for name in subfolders if name not in NOT_RELEASE and name[0] != ".")
        for name in sorted(files):
            path = Path(folder, name)
            if path.suffix in RELEASE_SUFFIXES:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
                newest = max(newest, path.stat().st_mtime)
    return digest.hexdigest()[:16], newest
