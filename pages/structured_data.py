"""schema.org JSON-LD for the product pages, so search engines know a page is a learning resource, who made
it, what it is about and where. Only what the page itself shows."""

from collections.abc import Callable, Iterable

from inventory.models import KnowledgeProduct


def product_json_ld(
    product: KnowledgeProduct,
    absolute: Callable[[str], str],
    *,
    themes: Iterable | None = None,
    countries: Iterable | None = None,
    languages: Iterable | None = None,
) -> dict:
    """A schema.org LearningResource. `absolute` turns a path into a full address. The product's relations
    must be prefetched; its themes, countries and languages may be given instead (the product page has them
    from the facet index)."""
    themes = product.themes.all() if themes is None else themes
    countries = product.countries.all() if countries is None else countries
    languages = product.languages.all() if languages is None else languages
    page = absolute(product.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "@id": page,
        "url": page,
        "name": product.title,
        "description": product.summary,
        "learningResourceType": product.product_type.name,
        "about": [{"@type": "Thing", "name": theme.name} for theme in themes],
        "keywords": ", ".join(sorted(tag.name for tag in product.tags.all())),
        "creator": [
            {
                "@type": "Organization",
                "name": organisation.name,
                "url": absolute(organisation.get_absolute_url()),
            }
            for organisation in product.organisations.all()
        ],
        "sourceOrganization": [
            {
                "@type": "Organization",
                "name": partnership.name,
                "url": absolute(partnership.get_absolute_url()),
            }
            for partnership in product.partnerships.all()
        ],
        "spatialCoverage": [
            {"@type": "Country", "name": country.name, "identifier": country.code} for country in countries
        ],
        "inLanguage": [language.code for language in languages],
        "dateCreated": str(product.year) if product.year else None,
        "datePublished": product.published_at.date().isoformat() if product.published_at else None,
        "dateModified": product.updated_at.isoformat(),
        "isAccessibleForFree": True,
        "sameAs": product.url or None,
    }
    return {key: value for key, value in data.items() if value not in (None, "", [])}
