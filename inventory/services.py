"""Writes that change a product's state. Views, admin actions and commands call these."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from inventory.models import KnowledgeProduct
from inventory.search import update_search_vectors

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
