"""Writes that change a product's state. Views, admin actions and commands call these."""

import secrets
import uuid
from collections.abc import Iterable, Sequence
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from taggit.models import Tag

from core.spreadsheets import normalise
from core.submissions import new_follow_token
from inventory import mails
from inventory.completeness import missing_for_publication
from inventory.models import (
    Country,
    KnowledgeProduct,
    Language,
    Organisation,
    Partnership,
    ProductType,
    Theme,
)

Status = KnowledgeProduct.Status


@transaction.atomic
def product_set_status(*, product: KnowledgeProduct, status: str) -> KnowledgeProduct:
    """Move a product along its workflow (draft → submitted → published → archived). A product is
    published only when it is complete (inventory.completeness)."""
    if not product.can_move_to(status):
        raise ValidationError(
            f"“{product.title}” is {product.get_status_display().lower()}; "
            f"it cannot become {Status(status).label.lower()}."
        )
    gaps = missing_for_publication(product) if status == Status.PUBLISHED != product.status else {}
    if gaps:
        raise ValidationError(
            _("“%(title)s” cannot be published yet: it needs %(missing)s.")
            % {"title": product.title, "missing": ", ".join(str(gap) for gap in gaps.values())}
        )
    previous = product.stored_status
    product.status = status
    if status == Status.PUBLISHED and product.published_at is None:
        product.published_at = timezone.now()
    product.full_clean()
    product.save()
    mails.nomination_status_changed(product=product, previous=previous)
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
@transaction.atomic
def product_question_ask(*, product: KnowledgeProduct, name: str, email: str, question: str) -> None:
    """A visitor's question about a published product: to the curators and the organisations that agreed,
    through the outbox. The mails are the record of it; nothing else is kept."""
    if not product.is_public:
        raise ValidationError("Questions can be asked about published products only.")
    mails.question_asked(
        product=product, name=name, email=email, question=question, key=f"question-{uuid.uuid4().hex}"
    )


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
    language: str = "",
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
        # Featuring a product is the curators' decision, never the nominator's.
        featured=False,
        nominator_name=nominator_name,
        nominator_organisation=nominator_organisation,
        nominator_email=nominator_email,
        nominator_language=language,
        follow_token=new_follow_token(),
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
    mails.nomination_received(product=product, site_url=site_url)
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


@transaction.atomic
def product_link_organisation(*, product: KnowledgeProduct, organisation: Organisation) -> None:
    """Record that `organisation` made `product`: what a curator does with a name the nominator typed."""
    product.organisations.add(organisation)


@transaction.atomic
def product_link_new_organisation(*, product: KnowledgeProduct, name: str) -> Organisation:
    """Add the organisation a nominator typed to the inventory, as "other" and without a country for a
    curator to complete, and link it to `product`. An organisation of that name is reused, not doubled."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the organisation a name."))
    organisation = Organisation.objects.filter(name__iexact=name).first()
    if organisation is None:
        organisation = Organisation(name=name)
        organisation.full_clean()
        organisation.save()
    product_link_organisation(product=product, organisation=organisation)
    return organisation


def products_set_featured(*, products: Iterable[KnowledgeProduct], featured: bool) -> int:
    """Feature products (an organisation named them among its most valuable) or stop featuring them."""
    changed = [product for product in products if product.featured != featured]
    for product in changed:
        product.featured = featured
        product.save(update_fields=["featured", "updated_at"])
    return len(changed)


# Bulk editing from the admin. Relations change from the product's side, one product at a time, so each
# product's history records the change (simple-history follows the product's own many-to-many fields).


@transaction.atomic
def products_add_theme(*, products: Iterable[KnowledgeProduct], theme: Theme) -> int:
    """Add `theme` to the products that lack it; returns how many changed."""
    changed = [product for product in products if theme not in product.themes.all()]
    for product in changed:
        product.themes.add(theme)
    return len(changed)


@transaction.atomic
def products_remove_theme(*, products: Iterable[KnowledgeProduct], theme: Theme) -> int:
    changed = [product for product in products if theme in product.themes.all()]
    for product in changed:
        product.themes.remove(theme)
    return len(changed)


def tag_named(name: str) -> Tag | None:
    """The tag called `name`, ignoring case and stray spaces: "Advocacy " is "advocacy"."""
    wanted = normalise(name)
    return next((tag for tag in Tag.objects.all() if normalise(tag.name) == wanted), None)


@transaction.atomic
def products_add_tag(*, products: Iterable[KnowledgeProduct], name: str) -> int:
    """Tag the products with `name`, reusing an existing tag of that name whatever its case."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the tag a name.")
    tag = tag_named(name) or Tag.objects.create(name=name)
    changed = [product for product in products if tag not in product.tags.all()]
    for product in changed:
        product.tags.add(tag)
    return len(changed)


@transaction.atomic
def products_remove_tag(*, products: Iterable[KnowledgeProduct], tag: Tag) -> int:
    changed = [product for product in products if tag in product.tags.all()]
    for product in changed:
        product.tags.remove(tag)
    return len(changed)


def _tag_through_models() -> list[type[models.Model]]:
    """Every model that tags something: our products' tags and taggit's generic tagged items."""
    return [rel.related_model for rel in Tag._meta.related_objects if rel.field.name == "tag"]


@transaction.atomic
def tags_merge(*, tags: Iterable[Tag], into: Tag) -> int:
    """Give everything tagged with `tags` the tag `into` instead, then delete `tags`; returns how many
    tags went. What already carried both keeps one."""
    others = [tag for tag in tags if tag.pk != into.pk]
    for through in _tag_through_models():
        owner = [f.attname for f in through._meta.concrete_fields if f.name not in ("id", "tag")]
        for item in through.objects.filter(tag__in=others):
            same_owner = {name: getattr(item, name) for name in owner}
            if through.objects.filter(tag=into, **same_owner).exists():
                item.delete()
            else:
                item.tag = into
                item.save(update_fields=["tag"])
    Tag.objects.filter(pk__in=[tag.pk for tag in others]).delete()
    return len(others)


def _tag_uses(tag: Tag) -> int:
    return sum(through.objects.filter(tag=tag).count() for through in _tag_through_models())


@transaction.atomic
def tags_merge_duplicates(*, tags: Iterable[Tag] | None = None) -> list[tuple[str, list[str]]]:
    """Merge tags that differ only in case or spaces ("advocacy", "Advocacy "). The most used one stays,
    its name tidied; returns (kept name, merged names) for each group merged or tidied."""
    groups: dict[str, list[Tag]] = {}
    for tag in Tag.objects.all() if tags is None else tags:
        groups.setdefault(normalise(tag.name), []).append(tag)
    done = []
    for group in groups.values():
        keep = max(group, key=lambda tag: (_tag_uses(tag), tag.name == " ".join(tag.name.split()), -tag.pk))
        merged = [tag.name for tag in group if tag.pk != keep.pk]
        tags_merge(tags=group, into=keep)
        if keep.name != " ".join(keep.name.split()):
            keep.name = " ".join(keep.name.split())
            keep.save(update_fields=["name"])
        elif not merged:
            continue
        done.append((keep.name, merged))
    return done


@transaction.atomic
def nomination_withdraw(*, product: KnowledgeProduct) -> KnowledgeProduct:
    """The nominator withdraws a nomination still awaiting review, from their follow page: it goes back to
    draft, and its history says why. A published product stays: they write to the curators for that."""
    if product.status != Status.SUBMITTED:
        raise ValidationError(gettext("Only a nomination still awaiting review can be withdrawn."))
    product._change_reason = "Withdrawn by the nominator"
    product.status = Status.DRAFT
    product.full_clean()
    product.save()
    return product
