"""What cards and pages say of a product as a record: where it comes from, and its picture."""

from django import template
from django.utils.translation import gettext as _

from inventory.models import Region
from pages.records import product_image

register = template.Library()

# A card names up to this many countries; more are named by their regions.
COUNTRIES_ON_A_CARD = 3


@register.filter
def places(product) -> str:
    """ "Kenya, Uganda", or "Sub-Saharan Africa, Asia" for a product of many countries, or "" for none.
    Reads the prefetched countries (for_cards())."""
    countries = sorted(product.countries.all(), key=lambda country: country.display_name)
    if len(countries) <= COUNTRIES_ON_A_CARD:
        return ", ".join(country.display_name for country in countries)
    regions = sorted({str(Region(c.region).label) for c in countries if c.region})
    if not regions:
        return _("%(count)s countries") % {"count": len(countries)}
    return ", ".join(regions)


@register.filter
def image(product) -> str:
    return product_image(product)
