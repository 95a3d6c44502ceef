"""The garbage collector in a web process (knowledgemap.collector): what a full collection found slow to walk
is frozen after the request, so the next full collections are short; a fast one changes nothing."""

import gc
import time

import pytest
from django.core.signals import request_finished

from knowledgemap import collector


@pytest.fixture
def watched(monkeypatch):
    """The collector watched as in a server process (knowledgemap.wsgi), for the test only."""
    monkeypatch.setattr(collector, "_freeze_wanted", False)
    gc.callbacks.append(collector._watch)
    request_finished.connect(collector.freeze_if_slow)
    yield
    request_finished.disconnect(collector.freeze_if_slow)
    gc.callbacks.remove(collector._watch)
    gc.unfreeze()


class Kept:
    """Something a process keeps per data version: many small objects that refer to one another."""

    def __init__(self, n):
        self.rows = [{"key": str(i), "names": [str(i)], "parent": self} for i in range(n)]


def full_collection_ms() -> float:
    started = time.perf_counter()
    gc.collect()
    return (time.perf_counter() - started) * 1000


def test_what_made_a_full_collection_slow_is_frozen_after_the_request(client, watched, monkeypatch):
    monkeypatch.setattr(collector, "SLOW_SECONDS", 0.001)
    kept = Kept(300_000)
    slow = full_collection_ms()
    frozen = gc.get_freeze_count()
    client.get("/healthz")  # the request after the slow collection: its end freezes what lives
    assert gc.get_freeze_count() >= frozen + 600_000
    assert full_collection_ms() < slow / 3
    assert kept.rows[0]["parent"] is kept  # frozen, not lost


def test_fast_full_collections_freeze_nothing(client, watched, monkeypatch):
    monkeypatch.setattr(collector, "SLOW_SECONDS", 60)
    gc.collect()
    frozen = gc.get_freeze_count()
    assert not collector.freeze_if_slow()
    client.get("/healthz")
    assert gc.get_freeze_count() == frozen
