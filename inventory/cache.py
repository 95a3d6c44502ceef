"""Public aggregates (the home page's counts, the map, the gaps) kept in the shared cache.

Counting across the whole inventory for every visitor stops being cheap once it holds tens of thousands of
products, and the numbers only change when someone changes the data. Each aggregate is stored beside the
data version it was computed at. Whatever changes public data (the services, the admin, commands that load
data) calls `invalidate_public_aggregates()`, which starts a new version, so the next visitor recomputes.
The timeout bounds how stale a number can get when data changes some other way (a shell, plain SQL).

The version and the aggregate are read in one cache round trip (`get_many`): with the database cache that
is one query. `settings.CACHE_PUBLIC_AGGREGATES = False` computes every aggregate afresh (the test suite does
so by default, so that tests which change data between two requests see the change).
"""

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

T = TypeVar("T")
logger = logging.getLogger(__name__)

VERSION_KEY = "public-aggregates:version"
TIMEOUT = 60 * 60


def cached_aggregate(
    name: str,
    compute: Callable[[], T],
    timeout: int = TIMEOUT,
    *,
    version: str | None = None,
    per_language: bool = True,
) -> T:
    """The value `compute()` returns, computed at most once per data version (and per timeout).

    `name` must say everything the value depends on besides the data, e.g. "map:type". A caller that has
    read the version already (`current_version()`) passes it. Values holding no translated text (names,
    counts) can be shared by the languages: `per_language=False`."""
    if not getattr(settings, "CACHE_PUBLIC_AGGREGATES", True):
        return compute()
    # Labels in aggregates (facet names, choices) are translated when computed.
    language = translation.get_language() if per_language else "all"
    key = f"public-aggregates:{language}:{name}"
    if version is None:
        found = cache.get_many([VERSION_KEY, key])
        version, entry = found.get(VERSION_KEY), found.get(key)
    else:
        entry = cache.get(key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    if version is None:
        version = _new_version()
    value = compute()
    cache.set(key, (version, value), timeout)
    return value


def current_version() -> str:
    """The data version the cached aggregates are computed at (one cache read)."""
    version = cache.get(VERSION_KEY)
    return version if version is not None else _new_version()


def invalidate_public_aggregates() -> None:
    """Make every cached aggregate stale; call it after changing data the public pages count.

    The version changes at once, and again when the surrounding transaction commits: a visitor who
    recomputed in between, from data not yet committed, does not keep the old figures. Once committed, the
    shared figures for the new data are computed in the background (inventory.warmup)."""
    _new_version()
    transaction.on_commit(_after_commit)


def _after_commit() -> None:
    from inventory import warmup  # which computes through this module

    _new_version()
    warmup.after_change()


def _new_version() -> str:
    version = uuid.uuid4().hex
    try:
        cache.set(VERSION_KEY, version, None)
    except Exception:  # any backend's failure: Redis away, the cache table not made yet
        # A write must not fail for want of a cache; the figures then go stale by the timeout only.
        logger.warning("Could not mark the cached public figures stale", exc_info=True)
    return version
