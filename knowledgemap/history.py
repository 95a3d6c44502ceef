"""Change history (django-simple-history) for the records curators keep.

A model gets its history with one line, `history = History(m2m_fields=["themes"])`, and its admin with
`CuratorAdmin` (knowledgemap/admin.py). The admin's "History" page then shows who changed what and when,
and lets a curator revert to an earlier version; HistoryRequestMiddleware records the user.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models
from simple_history.models import HistoricalRecords

_RECORDS: dict[type[models.Model], HistoricalRecords] = {}


class History(HistoricalRecords):
    """HistoricalRecords that bulk writers can reach, to record one entry for several changes."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            _RECORDS[sender] = self


def pause_history(instance: models.Model) -> None:
    """Save `instance` and change its many-to-many fields without an entry for each step…"""
    instance.skip_history_when_saving = True


def resume_history(instance: models.Model, *, created: bool) -> None:
    """…then record the whole change as one entry."""
    if hasattr(instance, "skip_history_when_saving"):
        del instance.skip_history_when_saving
    records = _RECORDS.get(type(instance))
    if records is not None:
        records.create_historical_record(instance, "+" if created else "~")


@contextmanager
def one_history_entry(instance: models.Model, *, created: bool) -> Iterator[None]:
    """One history entry for a save and the many-to-many changes that follow it.

    Without this, simple-history writes an entry for the save and another for every tracked many-to-many
    field that changes: one imported product would show several entries that all mean "imported"."""
    pause_history(instance)
    try:
        yield
    except BaseException:
        del instance.skip_history_when_saving
        raise
    resume_history(instance, created=created)
