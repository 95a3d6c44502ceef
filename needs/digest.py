"""The curators' daily digest: what waits for them, in one mail, for those who chose it (CURATOR_MAIL=daily)
instead of a mail for every need and nomination. `manage.py send_curator_digest` sends it once a day."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMail
from core.outbox import MailKind, mail_queue
from inventory.models import KnowledgeProduct
from needs.models import KnowledgeNeed

DIGEST = MailKind(
    "curators' daily digest",
    "Waiting on the knowledge map: %(needs)s need(s), %(nominations)s nomination(s)",
    "needs/email/curator_digest",
)
WAITING = [KnowledgeNeed.Status.NEW, KnowledgeNeed.Status.IN_REVIEW]


@transaction.atomic
def curator_digest_send(*, today: datetime.date | None = None) -> OutboxMail | None:
    """Queue today's digest, unless curators chose a mail per event, nothing waits, or it was queued already
    today."""
    if settings.CURATOR_MAIL != "daily":
        return None
    today = today or timezone.localdate()
    needs = list(KnowledgeNeed.objects.filter(status__in=WAITING).order_by("created_at"))
    nominations = list(KnowledgeProduct.objects.awaiting_review().order_by("created_at"))
    failed = OutboxMail.objects.filter(state=OutboxMail.State.FAILED).count()
    if not (needs or nominations or failed):
        return None
    site = settings.SITE_URL
    context = {
        "today": today,
        "needs": [(n, site + reverse("admin:needs_knowledgeneed_change", args=[n.pk])) for n in needs],
        "nominations": [
            (p, site + reverse("admin:inventory_nomination_change", args=[p.pk])) for p in nominations
        ],
        "failed": failed,
        "failed_url": site + reverse("admin:core_outboxmail_changelist") + "?state__exact=failed",
    }
    return mail_queue(
        kind=DIGEST,
        to=settings.CURATOR_EMAILS,
        context=context,
        subject_values={"needs": len(needs), "nominations": len(nominations)},
        key=f"curator-digest-{today.isoformat()}",
    )
