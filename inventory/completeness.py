"""What a product must have before the public sees it. One rule: the service that publishes checks it
(`inventory.services.product_set_status`), and the admin's form says what is missing before it saves."""

from django.utils.translation import gettext_lazy as _

# The relations a published product needs at least one of, with what the curator is told is missing.
RELATIONS = {
    "organisations": _("an organisation"),
    "themes": _("a theme"),
    "countries": _("a country"),
    "languages": _("a language"),
}
FIELDS = {"product_type": _("a type"), "year": _("a year")}


def missing(values: dict) -> dict[str, str]:
    """{form field: what is missing} of a product given as {field: value}, relations as anything that is
    empty when the product has none (a queryset, a list)."""
    gaps = {field: label for field, label in {**FIELDS, **RELATIONS}.items() if not values.get(field)}
    if not values.get("url") and not values.get("file"):
        gaps["url"] = _("a link or a file")
    return gaps


def missing_for_publication(product) -> dict[str, str]:
    """What the saved `product` lacks to be published."""
    values = {
        "product_type": product.product_type_id,
        "year": product.year,
        "url": product.url,
        "file": product.file,
        **{name: getattr(product, name).exists() for name in RELATIONS},
    }
    return missing(values)
