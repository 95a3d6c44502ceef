"""Mail that is never lost and never sent twice.

`mail_queue()` renders a mail in its reader's language and stores it as an `OutboxMail` row, in the
transaction of the change that caused it; once that commits, a job (`send_mail_job`, run by the worker,
`manage.py db_worker`) sends it. A row is claimed before it is sent (pending → sending, one UPDATE), so two
jobs for the same row send it once. A failed attempt is tried again later, with a growing delay; after the
last attempt the row is failed and curators see it in the admin. `manage.py send_outbox` (run by cron or a
timer) sends whatever is due, for mails whose job was lost or deferred.
"""

import datetime
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django_tasks import default_task_backend, task

from core.models import OutboxMail
from core.submissions import one_line

logger = logging.getLogger(__name__)
State = OutboxMail.State

FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=6)
# A row a worker claimed this long ago without finishing: the worker stopped mid-send, so the mail may or
# may not have left. It is not sent again by itself (never twice): curators see it as failed.
STALE_CLAIM = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class MailKind:
    """One kind of mail: its subject (translatable, with %(name)s taken from `subject_values`) and its
    templates, `<template>.txt` and, when there is one, `<template>.html`."""

    reason: str
    subject: str | Promise
    template: str


@dataclass(frozen=True)
class Attachment:
    name: str
    content: str
    mimetype: str


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 4, 16, 64 minutes … after each failed attempt, never more than six hours."""
    return min(FIRST_RETRY * 4 ** max(attempts - 1, 0), LONGEST_RETRY)


def mail_curators(kind: MailKind, *, context: Mapping, subject_values: Mapping, key: str) -> None:
    """Tell the curators (CURATOR_EMAILS) of one new thing, unless they chose the daily digest instead
    (CURATOR_MAIL=daily, needs/digest.py)."""
    if settings.CURATOR_MAIL != "each":
        return
    mail_queue(kind=kind, to=settings.CURATOR_EMAILS, context=context, subject_values=subject_values, key=key)


def mail_queue(
    *,
    kind: MailKind,
    to: Sequence[str],
    context: Mapping,
    language: str = "en",
    key: str = "",
    subject_values: Mapping | None = None,
    attachment: Attachment | None = None,
    headers: Mapping[str, str] | None = None,
) -> OutboxMail | None:
    """Store a mail to send once the current transaction commits. `key` names the event; a mail with a key
    already in the outbox is not made again (returns None). No recipient, no mail."""
    recipients = [address for address in to if address]
    if not recipients or (key and OutboxMail.objects.filter(key=key).exists()):
        return None
    context = {"site_url": settings.SITE_URL, "contact_email": settings.CONTACT_EMAIL, **context}
    with translation.override(language):
        subject = one_line(str(kind.subject) % dict(subject_values or {}), limit=200)
        text = render_to_string(f"{kind.template}.txt", context)
        try:
            html = render_to_string(f"{kind.template}.html", context)
        except TemplateDoesNotExist:
            html = ""
    mail = OutboxMail(
        key=key,
        reason=kind.reason,
        recipients="\n".join(recipients),
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=dict(headers or {}),
        next_attempt_at=timezone.now(),
    )
    if attachment is not None:
        mail.attachment_name = attachment.name
        mail.attachment_type = attachment.mimetype
        mail.attachment_content = attachment.content
    mail.full_clean()
    mail.save()
    transaction.on_commit(lambda: _enqueue(mail.pk))
    return mail


def _enqueue(mail_id: int, run_after: datetime.datetime | None = None) -> None:
    """Hand the mail to the worker. Should that fail, the row stays pending and `send_outbox` sends it."""
    try:
        if run_after is None:
            send_mail_job.enqueue(mail_id)
        elif default_task_backend.supports_defer:
            send_mail_job.using(run_after=run_after).enqueue(mail_id)
    except Exception:
        logger.exception("Could not queue the job for outgoing mail %s; send_outbox will send it", mail_id)


@task()
def send_mail_job(mail_id: int) -> str:
    return outbox_send(mail_id=mail_id)


def outbox_send(*, mail_id: int, now: datetime.datetime | None = None) -> str:
    """Send one row if it is pending and due; returns what became of it. Deliberately not one
    transaction: the claim must be committed before the mail server is asked, so no other worker sends it."""
    now = now or timezone.now()
    claimed = OutboxMail.objects.filter(pk=mail_id, state=State.PENDING, next_attempt_at__lte=now).update(
        state=State.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    mail = OutboxMail.objects.get(pk=mail_id)
    try:
        as_message(mail).send()
    except Exception as error:
        return _failed(mail, error, now)
    mail.state, mail.sent_at, mail.last_error = State.SENT, timezone.now(), ""
    mail.save(update_fields=["state", "sent_at", "last_error"])
    return "sent"


def _failed(mail: OutboxMail, error: Exception, now: datetime.datetime) -> str:
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    if mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        mail.state = State.FAILED
        logger.error("Gave up sending mail %s after %s attempts: %s", mail.pk, mail.attempts, mail.last_error)
    else:
        mail.state = State.PENDING
        mail.next_attempt_at = now + retry_delay(mail.attempts)
        logger.warning("Could not send mail %s (attempt %s): %s", mail.pk, mail.attempts, mail.last_error)
    mail.save(update_fields=["state", "last_error", "next_attempt_at"])
    if mail.state == State.PENDING:
        _enqueue(mail.pk, run_after=mail.next_attempt_at)
    return str(mail.state)


def as_message(mail: OutboxMail) -> EmailMultiAlternatives:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    # The same Message-ID at every attempt, so a receiving server can tell a repeat.
    headers = {"Message-ID": f"<outbox-{mail.pk}-{mail.created_at:%Y%m%d%H%M%S}@{domain}>", **mail.headers}
    message = EmailMultiAlternatives(
        subject=mail.subject, body=mail.body_text, to=mail.recipient_list, headers=headers
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    if mail.attachment_name:
        message.attach(mail.attachment_name, mail.attachment_content, mail.attachment_type)
    return message


def outbox_send_due(*, now: datetime.datetime | None = None) -> Counter:
    """Send every pending mail that is due, oldest first; mark rows whose worker stopped mid-send as failed.
    Safe to run at any time and in several places at once: each row is claimed before it is sent."""
    now = now or timezone.now()
    stale = OutboxMail.objects.filter(state=State.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        state=State.FAILED,
        last_error="The worker stopped while sending it: it may have left. Check before sending it again.",
    )
    outcomes = Counter({"given up (worker stopped)": stale} if stale else {})
    due = OutboxMail.objects.filter(state=State.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at")
    for mail_id in list(due.values_list("pk", flat=True)):
        outcomes[outbox_send(mail_id=mail_id, now=now)] += 1
    return outcomes


@transaction.atomic
def outbox_retry(*, mails: Sequence[OutboxMail]) -> int:
    """Send failed mails again (a curator's decision), from a first attempt."""
    retried = 0
    for mail in mails:
        if mail.state != State.FAILED:
            continue
        mail.state, mail.attempts, mail.next_attempt_at = State.PENDING, 0, timezone.now()
        mail.full_clean()
        mail.save()
        transaction.on_commit(lambda pk=mail.pk: _enqueue(pk))
        retried += 1
    return retried


def _erase(mail: OutboxMail, address: str = "") -> None:
    if mail.state in (State.PENDING, State.FAILED):
        mail.state = State.CANCELLED
    kept = [r for r in mail.recipient_list if address and r.lower() != address.lower()]
    mail.recipients = "\n".join(kept) or "-"
    mail.subject, mail.body_text, mail.body_html = "(erased)", "(erased)", ""
    mail.attachment_content, mail.last_error = "", ""
    mail.save()


@transaction.atomic
def outbox_erase_older(*, before: datetime.datetime) -> int:
    """Erase the mails made before `before` (the retention period): the rows stay, as a count, empty."""
    rows = OutboxMail.objects.filter(created_at__lt=before).exclude(subject="(erased)")
    for mail in rows:
        _erase(mail)
    return len(rows)


@transaction.atomic
def outbox_erase_address(*, address: str) -> int:
    """Forget `address` in the outbox: rows to it or mentioning it lose their content and the address; those
    not yet sent are cancelled. Returns how many rows were erased."""
    rows = OutboxMail.objects.filter(Q(recipients__icontains=address) | Q(body_text__icontains=address))
    for mail in rows:
        _erase(mail, address)
    return len(rows)
