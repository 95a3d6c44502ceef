"""Writes that change a product's state. Views, admin actions and commands call these."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from taggit.models import Tag

from inventory import search
from inventory.models import KnowledgeProduct, TaggedProduct, Theme
from knowledgemap.spreadsheets import normalise

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
    search.update_search_vectors([product.pk for product in changed])
    return len(changed)


@transaction.atomic
def products_remove_tag(*, products: Iterable[KnowledgeProduct], tag: Tag) -> int:
    changed = [product for product in products if tag in product.tags.all()]
    for product in changed:
        product.tags.remove(tag)
    search.update_search_vectors([product.pk for product in changed])
    return len(changed)


def _tag_through_models() -> list[type[models.Model]]:
    """Every model that tags something: our products' tags and taggit's generic tagged items."""
    return [rel.related_model for rel in Tag._meta.related_objects if rel.field.name == "tag"]


@transaction.atomic
def tags_merge(*, tags: Iterable[Tag], into: Tag) -> int:
    """Give everything tagged with `tags` the tag `into` instead, then delete `tags`; returns how many
    tags went. What already carried both keeps one."""
    others = [tag for tag in tags if tag.pk != into.pk]
    touched_products = set()
    for through in _tag_through_models():
        owner = [f.attname for f in through._meta.concrete_fields if f.name not in ("id", "tag")]
        for item in through.objects.filter(tag__in=others):
            same_owner = {name: getattr(item, name) for name in owner}
            if through is TaggedProduct:
                touched_products.add(item.content_object_id)
            if through.objects.filter(tag=into, **same_owner).exists():
                item.delete()
            else:
                item.tag = into
                item.save(update_fields=["tag"])
    Tag.objects.filter(pk__in=[tag.pk for tag in others]).delete()
    search.update_search_vectors(touched_products)
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
