"""The garbage collector in a web process: what lives long is set aside, so that full collections stay short.

Python's full collection walks every object it tracks that is not frozen. What a process loads at start
(Django, the apps, the libraries) is frozen in `knowledgemap.wsgi`; what it keeps per data version is
loaded later, at the first request after a change: the facet index and the other figures kept in memory
(about 70,000 objects at 100,000 products). Walking them took 40–60 ms, and a full collection came every few
requests: at 100,000 products three browse pages in thirty-two paused that long, twice their own time.

So a process watches its full collections. When one takes longer than SLOW_SECONDS, after the request in
which it came it collects once more and freezes what is left alive. Frozen objects are still freed when
nothing refers to them any more (the previous version's index is); only garbage in reference cycles among
them stays until the worker is replaced (gunicorn replaces each after `max_requests`).
"""

import gc
import time

from django.core.signals import request_finished

SLOW_SECONDS = 0.010

_started = 0.0
_freeze_wanted = False


def install() -> None:
    """Freeze what is loaded by now, and watch the full collections from here on."""
    gc.freeze()
    if _watch not in gc.callbacks:
        gc.callbacks.append(_watch)
    request_finished.connect(freeze_if_slow, dispatch_uid="knowledgemap.collector")


def _watch(phase: str, info: dict) -> None:
    global _started, _freeze_wanted
    if info.get("generation") != 2:
        return
    if phase == "start":
        _started = time.perf_counter()
    elif time.perf_counter() - _started > SLOW_SECONDS:
        _freeze_wanted = True


def freeze_if_slow(**kwargs) -> bool:
    """After a request: if a full collection was slow, collect and freeze what is left. Whether it did."""
    global _freeze_wanted
    if not _freeze_wanted:
        return False
    gc.collect()
    gc.freeze()
    _freeze_wanted = False  # the collection just made was slow too: it is what is now frozen
    return True
