"""Every queryset the open data is read from: the API's lists and details, and the CSV export (`products`).

One place decides what the public may see (published products only; partnerships, organisations, themes
and types with their published products counted) and how it is fetched: each relation a serializer or a
CSV column reads is prefetched here, so a page of 100 products costs the same few queries as a page of 2.

A product's relations are prefetched into plain lists (`product.theme_list`, …: `to_attr`), which the
serializers and the CSV read: prefetching into the managers (`product.themes.all()`) would make Django build
a queryset per product and relation.
"""

from django.db.models import Prefetch, QuerySet

from inventory.models import (
    Collection,
    Country,
    Involvement,
    KnowledgeProduct,
    Language,
    Membership,
    Organisation,
    Partnership,
    ProductType,
    TaggedProduct,
    Theme,
)
from needs.models import LearningActivity

PUBLISHED = KnowledgeProduct.Status.PUBLISHED
PRIVATE_PRODUCT_FIELDS = [
    "nominator_name",
    "nominator_email",
    "nominator_organisation",
    "nominated_partnership",
    "nominated_organisations",
    "nominated_stakeholders",
]


def products() -> QuerySet[KnowledgeProduct]:
    """Published products with every relation the API and the CSV show. Unordered: the FilterSet orders."""
    return (
        KnowledgeProduct.objects.published()
        # Never read here: the private fields (not even fetched).
        .defer(*PRIVATE_PRODUCT_FIELDS)
        .select_related("product_type")
        .prefetch_related(
            Prefetch(
                "themes", Theme.objects.only("slug", "name", "position", "translations"), to_attr="theme_list"
            ),
            # Through the link table rather than taggit's manager, whose prefetch is as slow as the above.
            Prefetch("tagged", TaggedProduct.objects.select_related("tag"), to_attr="tagged_list"),
            Prefetch(
                "partnerships", Partnership.objects.select_related("programme"), to_attr="partnership_list"
            ),
            Prefetch("organisations", Organisation.objects.only("slug", "name"), to_attr="organisation_list"),
            Prefetch("countries", Country.objects.all(), to_attr="country_list"),
            Prefetch("languages", Language.objects.all(), to_attr="language_list"),
            Prefetch(
                "involvements",
                Involvement.objects.select_related("stakeholder").order_by("stakeholder__name", "role"),
                to_attr="involvement_list",
            ),
        )
    )


def collections() -> QuerySet[Collection]:
    """Collections shown on the site, with their published products in the curators' order."""
    return (
        Collection.objects.filter(is_public=True)
        .select_related("theme")
        .prefetch_related(
            Prefetch(
                "products",
                KnowledgeProduct.objects.published()
                .only("slug", "title")
                .order_by("collection_items__position", "collection_items__pk"),
                to_attr="product_list",
            )
        )
        .order_by("position", "title", "pk")
    )


def partnerships() -> QuerySet[Partnership]:
    return (
        Partnership.objects.select_related("programme", "lead_organisation")
        .prefetch_related(
            Prefetch(
                "memberships",
                Membership.objects.select_related("organisation").order_by("role", "organisation__name"),
            ),
            Prefetch("themes", Theme.objects.only("slug", "name", "position", "translations")),
            "countries",
        )
        .order_by("name", "pk")
    )


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("country").order_by("name", "pk")


def themes() -> QuerySet[Theme]:
    return Theme.objects.select_related("parent").order_by("position", "name", "pk")


def product_types() -> QuerySet[ProductType]:
    return ProductType.objects.order_by("position", "name", "pk")


def activities() -> QuerySet[LearningActivity]:
    """Public activities (those with a start date), latest first. Of the products they build on, only
    published ones; of the needs they answer, nothing (needs are private)."""
    return (
        LearningActivity.objects.public()
        .select_related("learning_format")
        .prefetch_related(
            Prefetch(
                "themes", Theme.objects.only("slug", "name", "position", "translations"), to_attr="theme_list"
            ),
            Prefetch("organisations", Organisation.objects.only("slug", "name"), to_attr="organisation_list"),
            Prefetch(
                "products",
                KnowledgeProduct.objects.published().only("slug", "title").order_by("title"),
                to_attr="product_list",
            ),
        )
        .order_by("-start_date", "title", "pk")
    )
