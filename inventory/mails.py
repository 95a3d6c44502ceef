"""The mails about a nomination: to the nominator, in the language they used on the site, and to the
curators. Each is a row of the outbox (core/outbox.py), made in the transaction of the change it tells of."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.outbox import MailKind, mail_curators, mail_queue
from inventory.models import KnowledgeProduct

Status = KnowledgeProduct.Status

RECEIVED = MailKind(
    "nomination received", _("Thank you for nominating “%(title)s”"), "inventory/email/nomination_received"
)
FOR_CURATORS = MailKind(
    "nomination (curators)", "New nomination: %(title)s", "inventory/email/nomination_curators"
)
PUBLISHED = MailKind(
    "nomination published", _("“%(title)s” is on the knowledge map"), "inventory/email/nomination_published"
)
RETURNED = MailKind(
    "nomination returned", _("About your nomination “%(title)s”"), "inventory/email/nomination_returned"
)


QUESTION = MailKind(
    "question about a product", _("A question about “%(title)s”"), "inventory/email/product_question"
)


def question_asked(*, product: KnowledgeProduct, name: str, email: str, question: str, key: str) -> None:
    """Send a visitor's question to the curators, and to the product's organisations that agreed to receive
    questions, in one mail each; the answer goes straight to the visitor (Reply-To). Curators get it even
    when they chose the daily digest: a question waits for an answer, not for a count."""
    organisations = [
        organisation.questions_email
        for organisation in product.organisations.all()
        if organisation.answers_questions and organisation.questions_email
    ]
    context = {"product": product, "name": name, "email": email, "question": question}
    for n, recipients in enumerate([settings.CURATOR_EMAILS, *([organisations] if organisations else [])]):
        mail_queue(
            kind=QUESTION,
            to=recipients,
            context={**context, "to_organisation": n > 0},
            subject_values={"title": product.title},
            headers={"Reply-To": email},
            key=f"{key}-{n}",
        )


def nomination_received(*, product: KnowledgeProduct, site_url: str = "") -> None:
    # The curators' link to the admin goes where the form was posted; every other link to SITE_URL.
    site_url = site_url or settings.SITE_URL
    context = {
        "product": product,
        "admin_url": site_url + reverse("admin:inventory_nomination_change", args=[product.pk]),
    }
    _to_nominator(product, RECEIVED, context, key=f"nomination-{product.pk}-received")
    mail_curators(
        FOR_CURATORS,
        context=context,
        subject_values={"title": product.title},
        key=f"nomination-{product.pk}-curators",
    )


def nomination_status_changed(*, product: KnowledgeProduct, previous: str) -> None:
    """Tell the nominator that their product is published (once, ever) or was returned to draft."""
    if product.status == Status.PUBLISHED and previous != Status.PUBLISHED:
        _to_nominator(product, PUBLISHED, {"product": product}, key=f"nomination-{product.pk}-published")
    elif product.status == Status.DRAFT and previous == Status.SUBMITTED:
        _to_nominator(product, RETURNED, {"product": product})


def _to_nominator(product: KnowledgeProduct, kind: MailKind, context: dict, key: str = "") -> None:
    if not product.nominator_email:
        return
    mail_queue(
        kind=kind,
        to=[product.nominator_email],
        context=context,
        language=product.nominator_language or settings.LANGUAGE_CODE,
        subject_values={"title": product.title},
        key=key,
    )
