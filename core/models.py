"""The outbox: every mail the site sends is first a row here, committed with the change that caused it, then
sent by a job (core/outbox.py)."""

from django.db import models
from django.db.models import Q


class OutboxMail(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "waiting to be sent"
        SENDING = "sending", "being sent"
        SENT = "sent", "sent"
        FAILED = "failed", "failed (no more attempts)"
        CANCELLED = "cancelled", "cancelled (details erased)"

    key = models.CharField(
        max_length=200,
        blank=True,
        help_text="Names the event the mail is about, so that one event never makes two mails.",
    )
    reason = models.CharField("why it was sent", max_length=100)
    recipients = models.TextField(help_text="One address a line.")
    language = models.CharField(max_length=10, default="en")
    subject = models.CharField(max_length=250)
    body_text = models.TextField("text")
    body_html = models.TextField("HTML", blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_content = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(help_text="Not tried again before this time.")
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a worker started sending it.")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing mail"
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="outbox_key_unique"),
        ]
        indexes = [
            # The sweep (send_outbox): pending mails that are due, oldest first.
            models.Index(fields=["state", "next_attempt_at"], name="outbox_state_due"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient_list_display}"

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]

    @property
    def recipient_list_display(self) -> str:
        return ", ".join(self.recipient_list)


class KeptUpload(models.Model):
    """A file a public form received with another mistake in it, kept so the person need not choose it
    again: the form carries its token, unguessable, and reads it back when sent. Private storage, never
    served; `manage.py prune_kept_uploads` deletes those left behind (core.kept_uploads)."""

    token = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to="kept/%Y/%m/")
    name = models.CharField("file name as uploaded", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)  # prune_kept_uploads: older than

    class Meta:
        ordering = ["created_at"]
        verbose_name = "kept upload"

    def __str__(self):
        return self.name
