"""After a change: the public figures computed again in the background, so that no visitor waits for them.

Whatever changes public data starts a new data version (inventory.cache). Once the change commits, the
process that made it computes, in a thread of its own, what the public pages share: the facet index (about a
second at 100,000 products) and the figures of the home page, the map as it opens and the gaps, in every
language. Each is kept in the shared cache for the other processes (and the index in this process's memory).
Requests of this process that need the index meanwhile wait for it rather than build it twice; those of
other processes compute what they need themselves, as they would without this.

Changes in quick succession (an import, a bulk action) make one more computation after the last of them,
not one each. `REBUILD_AFTER_CHANGE=0` turns it off, as the tests do except those of this module.
"""

import logging
import threading

from django.conf import settings
from django.db import connection
from django.utils import translation

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_wanted = False
_worker: threading.Thread | None = None


def after_change() -> threading.Thread | None:
    """Compute the public figures for the new data soon, in the background (a change has committed).
    Returns the thread doing it (None when turned off)."""
    global _wanted, _worker
    if not (getattr(settings, "CACHE_PUBLIC_AGGREGATES", True) and settings.REBUILD_AFTER_CHANGE):
        return None
    with _lock:
        _wanted = True
        if _worker is None:
            _worker = threading.Thread(target=_work, name="public-figures", daemon=True)
            _worker.start()
        return _worker


def _work() -> None:
    global _wanted, _worker
    try:
        while True:
            with _lock:
                if not _wanted:
                    _worker = None
                    return
                _wanted = False
            try:
                compute_public_figures()
            except Exception:  # the database or the cache away: visitors' requests compute them later
                logger.warning("Could not compute the public figures after a change", exc_info=True)
    finally:
        with _lock:
            _worker = None
        connection.close()  # this thread's own


def compute_public_figures() -> None:
    """The facet index, then the home page's, the map's and the gaps' figures in every language, each as
    the pages ask for them (and so only if not computed for this data version already)."""
    from inventory import facet_index
    from inventory.views import home_figures, map_figures
    from needs.views import gap_figures

    facet_index.current()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            home_figures()
            map_figures()
            gap_figures()
