"""Theme pages and collections: where a theme's products, needs, gaps and activities meet, and the
reading lists curators put together.

Only published products are ever shown: collections list their published products only, whatever else a
curator put in them, and a collection not yet shown on the site answers 404.
"""

from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.http_cache import public_page
from inventory.models import Collection, KnowledgeProduct, Theme
from needs.models import LearningActivity
from pages.views import gap_figures, recent_cards
from search import index as facet_index
from search.relevance import SCOPE as CATALOGUE

THEME_FEATURED = 3
THEME_RECENT = 6
THEME_ACTIVITIES = 5
THEME_NEEDS = 10


@public_page  # its needs, gaps and activities too: the whole public data's version, not the catalogue's
@require_safe
def theme_detail(request, slug):
    """Queries: the theme with its parent, its sub-themes, the featured and the recent products (each with
    type, partnerships and countries; picked in the facet index), the upcoming activities, the collections;
    the gap figures come from the cache (computed once per data version)."""
    theme = get_object_or_404(Theme.objects.select_related("parent"), slug=slug)
    tree = Theme.objects.filter(pk=theme.pk).with_sub_themes()
    sub_themes = list(theme.children.all())
    tree_slugs = {theme.slug, *(child.slug for child in sub_themes)}
    figures = gap_figures()
    # The theme's published products, its sub-themes' too, as choosing it on the browse page finds them.
    index = facet_index.current()
    featured, recent = recent_cards(index, index.union("theme", [theme.slug]), THEME_FEATURED, THEME_RECENT)
    context = {
        "theme": theme,
        "sub_themes": sub_themes,
        "featured": featured,
        "recent": recent,
        "gap": next((row for row in figures.themes if row.theme.pk == theme.pk), None),
        "needs": [need for need in figures.shared_needs if tree_slugs & {t.slug for t in need.themes.all()}][
            :THEME_NEEDS
        ],
        "activities": LearningActivity.objects.public()
        .upcoming()
        .filter(themes__in=tree)
        .distinct()
        .select_related("learning_format")
        .order_by("start_date", "title")[:THEME_ACTIVITIES],
        "collections": _public_collections().filter(theme=theme),
    }
    return render(request, "pages/theme_detail.html", context)


def _public_collections():
    """Collections shown on the site, each with how many published products it holds."""
    return Collection.objects.filter(is_public=True).annotate(
        product_count=Count("items", filter=Q(items__product__status=KnowledgeProduct.Status.PUBLISHED))
    )


@public_page(scope=CATALOGUE)
@require_safe
def collection_list(request):
    collections = _public_collections().select_related("theme").order_by("position", "title")
    return render(request, "pages/collection_list.html", {"collections": collections})


@public_page(scope=CATALOGUE)
@require_safe
def collection_detail(request, slug):
    """Queries: the collection, its published products in the curators' order with their notes, and the
    products' partnerships and countries."""
    collection = get_object_or_404(
        Collection.objects.filter(is_public=True).select_related("theme"), slug=slug
    )
    products = (
        KnowledgeProduct.objects.published()
        .filter(collection_items__collection=collection)
        .annotate(note=F("collection_items__note"))
        .for_cards()
        .order_by("collection_items__position", "collection_items__pk")
    )
    return render(request, "pages/collection_detail.html", {"collection": collection, "products": products})
