"""Change history (django-simple-history) for the records curators keep.

A model gets its history with one line, `history = History(m2m_fields=["themes"])`, and its admin with
`CuratorAdmin` (knowledgemap/admin.py). The admin's "History" page then shows who changed what and when,
and lets a curator revert to an earlier version; HistoryRequestMiddleware records the user.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import models
from django.db.models import signals
from simple_history.models import HistoricalRecords

_RECORDS: dict[type[models.Model], HistoricalRecords] = {}


class History(HistoricalRecords):
    """HistoricalRecords that bulk writers can reach, to record one entry for several changes."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            _RECORDS[sender] = self


def record_proxy_saves(proxy: type[models.Model]) -> None:
    """Give saves and deletes through a proxy model (the nominations' queue is one of products) their
    entry in the history of the model it stands for: Django names the proxy as the signals' sender."""
    records = _RECORDS[proxy._meta.concrete_model]
    label = proxy._meta.label_lower
    signals.post_save.connect(records.post_save, sender=proxy, weak=False, dispatch_uid=f"history-{label}")
    signals.pre_delete.connect(records.pre_delete, sender=proxy, weak=False, dispatch_uid=f"history-{label}")
    signals.post_delete.connect(
        records.post_delete, sender=proxy, weak=False, dispatch_uid=f"history-deleted-{label}"
    )


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


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def record_created(instances: list[models.Model]) -> None:
    """The "+" entries of many new records at once, with their tracked many-to-many fields, in a few
    queries instead of several per record (a 5,000-row import). Their relations must be saved already."""
    if not instances or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    model = type(instances[0])
    records = _RECORDS.get(model)
    if records is None:
        return
    history = getattr(model, model._meta.simple_history_manager_attribute)
    entries = {entry.id: entry for entry in history.bulk_history_create(instances, batch_size=500)}
    for field, m2m_history_model in records.m2m_models.items():
        if field.model is not model:
            continue  # simple-history keeps every model's many-to-many histories in one dict
        through = field.remote_field.through
        source = f"{field.m2m_field_name()}_id"
        columns = [f.attname for f in through._meta.concrete_fields]
        snapshot = []
        for ids in _chunks(list(entries)):
            for row in through.objects.filter(**{f"{source}__in": ids}).values(*columns):
                snapshot.append(m2m_history_model(history=entries[row[source]], **row))
        m2m_history_model.objects.bulk_create(snapshot, batch_size=500)
