"""The mails about a knowledge need: to its submitter (only when they agreed to be contacted), in the
language they used on the site, and to the curators. Each is a row of the outbox (core/outbox.py), made in
the transaction of the change it tells of; a key names each event, so none is told twice."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.outbox import Attachment, MailKind, mail_curators, mail_queue
from core.site import absolute, domain
from inventory.models import KnowledgeProduct
from needs.calendar import activity_calendar
from needs.models import KnowledgeNeed, LearningActivity

Status = KnowledgeNeed.Status

RECEIVED = MailKind(
    "need received", _("We received your knowledge need (%(reference)s)"), "needs/email/need_received"
)
FOR_CURATORS = MailKind(
    "need (curators)", "New knowledge need %(reference)s: %(title)s", "needs/email/need_curators"
)
MATCHED = MailKind(
    "need matched", _("A knowledge product for your need (%(reference)s)"), "needs/email/need_matched"
)
ACTIVITY = MailKind(
    "activity for a need", _("A learning activity for your need (%(reference)s)"), "needs/email/need_activity"
)
ADDRESSED = MailKind(
    "need addressed", _("Your knowledge need was addressed (%(reference)s)"), "needs/email/need_done"
)
CLOSED = MailKind("need closed", _("Your knowledge need was closed (%(reference)s)"), "needs/email/need_done")
ON_STATUS = {Status.ADDRESSED: ADDRESSED, Status.CLOSED: CLOSED}


def need_received(*, need: KnowledgeNeed, site_url: str = "") -> None:
    # The curators' link to the admin goes where the form was posted; every other link to SITE_URL.
    site_url = site_url or settings.SITE_URL
    context = {
        "need": need,
        "admin_url": site_url + reverse("admin:needs_knowledgeneed_change", args=[need.pk]),
    }
    _to_submitter(need, RECEIVED, context, key=f"need-{need.pk}-received")
    subject_values = {"reference": need.reference, "title": need.title}
    mail_curators(
        FOR_CURATORS, context=context, subject_values=subject_values, key=f"need-{need.pk}-curators"
    )


def need_matched(*, need: KnowledgeNeed, product: KnowledgeProduct) -> None:
    """A curator matched `product` to the need: the mail lists every published product matched so far."""
    products = list(need.matched_products.published().order_by("title"))
    context = {"need": need, "product": product, "products": products}
    _to_submitter(need, MATCHED, context, key=f"need-{need.pk}-matched-{product.pk}")


def need_status_changed(*, need: KnowledgeNeed, previous: str) -> None:
    kind = ON_STATUS.get(Status(need.status))
    if kind is not None and previous != need.status:
        _to_submitter(need, kind, {"need": need})


def activity_planned(*, activity: LearningActivity) -> int:
    """Tell the submitters of the needs an activity answers that it is planned, with its calendar file:
    once the activity is public (it has a start date) and not cancelled; once per need and activity."""
    if activity.start_date is None or activity.status == LearningActivity.Status.CANCELLED:
        return 0
    told = 0
    for need in activity.needs.all():
        language = need.contact_language or settings.LANGUAGE_CODE
        with translation.override(language):
            url = absolute(activity.get_absolute_url())
            calendar = activity_calendar(activity, url=url, host=domain())
        attachment = Attachment(f"{activity.slug}.ics", calendar.decode(), "text/calendar")
        context = {"need": need, "activity": activity, "activity_url": url}
        key = f"need-{need.pk}-activity-{activity.pk}"
        told += _to_submitter(need, ACTIVITY, context, key=key, attachment=attachment)
    return told


def _to_submitter(need: KnowledgeNeed, kind: MailKind, context: dict, key: str = "", attachment=None) -> bool:
    if not (need.consent_to_contact and need.contact_email):
        return False
    mail = mail_queue(
        kind=kind,
        to=[need.contact_email],
        context=context,
        language=need.contact_language or settings.LANGUAGE_CODE,
        subject_values={"reference": need.reference},
        key=key,
        attachment=attachment,
    )
    return mail is not None
