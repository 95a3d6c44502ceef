"""A status that moves along a workflow: products (draft → submitted → published → archived) and needs
(new → in review → matched → addressed → closed) both use it."""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models


class Workflow(models.Model):
    """A model with a `status` field (TextChoices `Status`) that may only move as `TRANSITIONS` allows:
    {status: the statuses it may become}. The stored status is remembered when the row is read, so a form's
    or a service's change is checked against it in `clean()`."""

    TRANSITIONS: ClassVar[dict]
    # How the refusal names the record: "A {stored} product" / "A need that is {stored}".
    refusal = "A {stored} record cannot become {status} directly."

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._stored_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def stored_status(self) -> str:
        """The status as the database has it (a form or a service may have changed `status` since)."""
        return getattr(self, "_stored_status", None) or self.status

    def can_move_to(self, status: str) -> bool:
        """Whether the stored status may become `status`."""
        current = getattr(self, "_stored_status", None) or self.status
        return status == current or status in self.TRANSITIONS[self.Status(current)]

    def clean_status(self) -> None:
        """Refuse a status the stored one may not become."""
        stored = getattr(self, "_stored_status", None)
        if stored and not self.can_move_to(self.status):
            message = self.refusal.format(
                stored=self.Status(stored).label.lower(), status=self.Status(self.status).label.lower()
            )
            raise ValidationError({"status": message})
