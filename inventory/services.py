"""Writes that change a product's state. Views, admin actions and commands call these."""

import secrets
from collections.abc import Iterable, Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from inventory.models import (
    Country,
    KnowledgeProduct,
    Language,
    Organisation,
    Partnership,
    ProductType,
    Theme,
)
from inventory.search import update_search_vectors
from knowledgemap.submissions import one_line, send_after_commit

Status = KnowledgeProduct.Status


@transaction.atomic
def product_set_status(*, product: KnowledgeProduct, status: str) -> KnowledgeProduct:
    """Move a product along its workflow (draft → submitted → published → archived)."""
    if not product.can_move_to(status):
        raise ValidationError(
            f"“{product.title}” is {product.get_status_display().lower()}; "
            f"it cannot become {Status(status).label.lower()}."
        )
    product.status = status
    if status == Status.PUBLISHED and product.published_at is None:
        product.published_at = timezone.now()
    product.full_clean()
    product.save()
    if status == Status.PUBLISHED:
        # Whatever wrote the product (an import, a nomination), it is searchable once the public sees it.
        update_search_vectors([product.pk])
    return product


def products_set_status(*, products: Iterable[KnowledgeProduct], status: str) -> tuple[int, list[str]]:
    """Move many products; returns how many moved and why the others did not."""
    moved, refused = 0, []
    for product in products:
        try:
            product_set_status(product=product, status=status)
        except ValidationError as error:
            refused.extend(error.messages)
        else:
            moved += 1
    return moved, refused


@transaction.atomic
def product_nominate(
    *,
    title: str,
    summary: str,
    product_type: ProductType,
    why_valuable: str,
    nominator_name: str,
    nominator_organisation: str,
    nominator_email: str,
    url: str = "",
    file: UploadedFile | None = None,
    themes: Iterable[Theme] = (),
    partnership: Partnership | None = None,
    partnership_name: str = "",
    organisation_names: Sequence[str] = (),
    countries: Iterable[Country] = (),
    languages: Iterable[Language] = (),
    year: int | None = None,
    stakeholders: str = "",
    site_url: str = "",
) -> KnowledgeProduct:
    """Store a product nominated through the public form, as submitted: invisible to the public until a
    curator publishes it. The curators and the nominator hear of it once it is committed."""
    product = KnowledgeProduct(
        title=title,
        summary=summary,
        why_valuable=why_valuable,
        product_type=product_type,
        url=url,
        year=year,
        status=Status.SUBMITTED,
        # An organisation naming a product among its best is what "featured" means.
        featured=True,
        nominator_name=nominator_name,
        nominator_organisation=nominator_organisation,
        nominator_email=nominator_email,
        nominated_partnership=partnership_name,
        nominated_organisations="\n".join(organisation_names),
        nominated_stakeholders=stakeholders,
    )
    if file is not None:
        file.name = _private_file_name(file.name)
        product.file = file
    product.full_clean()
    _save_with_free_slug(product)
    product.themes.set(themes)
    product.countries.set(countries)
    product.languages.set(languages)
    if partnership is not None:
        product.partnerships.add(partnership)
    product.organisations.set(_organisations_named(organisation_names))
    send_after_commit(nomination_mails(product=product, site_url=site_url))
    return product


def _private_file_name(name: str) -> str:
    """An unguessable name, so the file cannot be found before the product is published; short enough
    for the file field."""
    path = PurePath(name)
    return f"{secrets.token_urlsafe(9)}-{slugify(path.stem)[:40] or 'document'}{path.suffix.lower()}"


def _save_with_free_slug(product: KnowledgeProduct) -> None:
    """Save; when another product took the same slug in the meantime, take the next free one."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                product.save()
            return
        except IntegrityError:
            if not KnowledgeProduct.objects.filter(slug=product.slug).exists():
                raise
            product.slug = ""
    product.save()


def _organisations_named(names: Sequence[str]) -> list[Organisation]:
    """The organisations of the inventory whose names were typed exactly (letter case aside); curators
    link the others."""
    if not names:
        return []
    condition = Q()
    for name in names:
        condition |= Q(name__iexact=name)
    return list(Organisation.objects.filter(condition))


def nomination_mails(*, product: KnowledgeProduct, site_url: str) -> list[EmailMessage]:
    context = {
        "product": product,
        "site_url": site_url,
        "admin_url": site_url + reverse("admin:inventory_nomination_change", args=[product.pk]),
        "contact_email": settings.CONTACT_EMAIL,
    }
    mails = [
        EmailMessage(
            subject=one_line(_("Thank you for nominating “%(title)s”") % {"title": product.title}),
            body=render_to_string("inventory/nominate_email_confirmation.txt", context),
            to=[product.nominator_email],
        )
    ]
    if settings.CURATOR_EMAILS:
        mails.append(
            EmailMessage(
                subject=one_line(f"New nomination: {product.title}"),
                body=render_to_string("inventory/nominate_email_curators.txt", context),
                to=settings.CURATOR_EMAILS,
            )
        )
    return mails
