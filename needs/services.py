"""Writes on knowledge needs. Views, admin actions and commands call these."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from inventory.cache import invalidate_public_aggregates
from inventory.models import Country, Partnership, Theme
from knowledgemap.submissions import one_line, send_after_commit
from needs.models import KnowledgeNeed, LearningFormat

Status = KnowledgeNeed.Status


@transaction.atomic
def need_submit(
    *,
    organisation_name: str,
    contact_name: str,
    contact_email: str,
    title: str,
    description: str,
    partnership: Partnership | None = None,
    partnership_name: str = "",
    themes: Iterable[Theme] = (),
    learning_formats: Iterable[LearningFormat] = (),
    urgency: str = KnowledgeNeed.Urgency.MEDIUM,
    countries: Iterable[Country] = (),
    region: str = "",
    consent_to_contact: bool = False,
    consent_to_publish: bool = False,
    site_url: str = "",
) -> KnowledgeNeed:
    """Store a need sent through the public form, in one transaction; the curators and the submitter
    hear of it once it is committed."""
    need = KnowledgeNeed(
        partnership=partnership,
        partnership_name=partnership_name,
        organisation_name=organisation_name,
        contact_name=contact_name,
        contact_email=contact_email,
        title=title,
        description=description,
        urgency=urgency,
        region=region,
        consent_to_contact=consent_to_contact,
        consent_to_publish=consent_to_publish,
    )
    need.full_clean()
    need.save()
    need.themes.set(themes)
    need.learning_formats.set(learning_formats)
    need.countries.set(countries)
    invalidate_public_aggregates()  # the gaps and the map count needs
    send_after_commit(need_mails(need=need, site_url=site_url))
    return need


def need_mails(*, need: KnowledgeNeed, site_url: str) -> list[EmailMessage]:
    context = {
        "need": need,
        "site_url": site_url,
        "admin_url": site_url + reverse("admin:needs_knowledgeneed_change", args=[need.pk]),
        "contact_email": settings.CONTACT_EMAIL,
    }
    mails = [
        EmailMessage(
            subject=one_line(
                _("We received your knowledge need (%(reference)s)") % {"reference": need.reference}
            ),
            body=render_to_string("needs/email/need_confirmation.txt", context),
            to=[need.contact_email],
        )
    ]
    if settings.CURATOR_EMAILS:
        mails.append(
            EmailMessage(
                subject=one_line(f"New knowledge need {need.reference}: {need.title}"),
                body=render_to_string("needs/email/need_curators.txt", context),
                to=settings.CURATOR_EMAILS,
            )
        )
    return mails


@transaction.atomic
def need_set_status(*, need: KnowledgeNeed, status: str) -> KnowledgeNeed:
    """Move a need along its workflow (new → in review → matched → addressed → closed)."""
    if not need.can_move_to(status):
        raise ValidationError(
            f"{need.reference} is {need.get_status_display().lower()}; "
            f"it cannot become {Status(status).label.lower()}."
        )
    if status == Status.MATCHED and not need.matched_products.exists():
        raise ValidationError(f"{need.reference} has no matched products yet: add them first.")
    need.status = status
    need.full_clean()
    need.save()
    invalidate_public_aggregates()
    return need


def needs_set_status(*, needs: Iterable[KnowledgeNeed], status: str) -> tuple[int, list[str]]:
    """Move many needs; returns how many moved and why the others did not."""
    moved, refused = 0, []
    for need in needs:
        try:
            need_set_status(need=need, status=status)
        except ValidationError as error:
            refused.extend(error.messages)
        else:
            moved += 1
    return moved, refused
