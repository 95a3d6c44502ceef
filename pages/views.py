"""The public pages: home, browse, products, partnerships, organisations, the map and the gaps.

Only published products are ever shown or counted here: every product query starts from `published()`.
"""

import functools

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import localize
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from pyroaring import BitMap
from taggit.models import Tag

from core.freshness import cached
from core.http_cache import public_page
from core.linked_rows import InRow
from core.site import absolute
from inventory.models import (
    Country,
    Involvement,
    KnowledgeProduct,
    Language,
    Membership,
    Organisation,
    Partnership,
    ProductDocument,
    Programme,
    Stakeholder,
    Theme,
)
from needs import gaps
from pages import world_map
from pages.citations import citation_text, csl_item
from pages.knowledge_map import DEFAULT_DIMENSION, DIMENSIONS, build_map
from pages.records import product_image, what_opens
from pages.structured_data import allow_json_ld, json_ld, product_json_ld
from search import facets
from search import index as facet_index
from search.browse import browse, sort_choices
from search.browse import count as browse_count
from search.filters import OrganisationFilter, ProductFilter
from search.relevance import SCOPE as CATALOGUE

HOME_FEATURED = 6
HOME_RECENT = 4
ORGANISATIONS_PER_PAGE = 48
RELATED_PRODUCTS = 4
# A partnership's or organisation's page lists this many products and links to the browse page for all.
PRODUCTS_ON_OWNER_PAGE = 12

PUBLISHED = KnowledgeProduct.Status.PUBLISHED


@public_page(scope=CATALOGUE)
@require_safe
def home(request):
    index = facet_index.current()
    featured, recent = recent_cards(index, index.published, HOME_FEATURED, HOME_RECENT)
    context = {
        **home_figures(),
        "featured": featured,
        "recent": recent,
        "programmes": Programme.objects.annotate(partnership_count=Count("partnerships")),
    }
    return render(request, "pages/home.html", context)


def recent_cards(
    index: facet_index.FacetIndex, within: BitMap, featured: int, others: int
) -> tuple[list[KnowledgeProduct], list[KnowledgeProduct]]:
    """The `featured` most recently published featured products of `within` (a set of the facet index), and
    its `others` most recent others, for cards: picked in the index's order of publication and read by id in
    one query. Sorting in the database computed each card's relations for every product of the set before
    keeping the first few (SQLite: 31 ms of the home page's 47 at 100,000 products; a core theme's page took
    a second or two)."""
    first_featured = index.page(within & index.featured, facet_index.RECENT, 0, featured)
    first_others = index.page(within - index.featured, facet_index.RECENT, 0, others)
    featured_cards, other_cards = _cards(first_featured, first_others)
    return featured_cards, other_cards


def _most_recent(param: str, key: str, count: int) -> tuple[list[KnowledgeProduct], int]:
    """The `count` most recently published products of a partnership's or organisation's (`param`, its
    slug), as cards, and how many it has published: from the facet index, as `recent_cards`."""
    index = facet_index.current()
    within = index.union(param, [key])
    (cards,) = _cards(index.page(within, facet_index.RECENT, 0, count))
    return cards, len(within)


def _cards(*lists: list[int]) -> list[list[KnowledgeProduct]]:
    """Each list of ids as products for cards, in its order (one unpublished since left out), all read by id
    in one query."""
    ids = [pk for listed in lists for pk in listed]
    found = KnowledgeProduct.objects.published().for_cards().in_bulk(ids) if ids else {}
    return [[found[pk] for pk in listed if pk in found] for listed in lists]


def home_figures() -> dict:
    """The home page's counts, once per data version."""
    return cached("home", _home_figures)


def _home_figures() -> dict:
    published = KnowledgeProduct.objects.published()
    counts = {
        "products": published.count(),
        "partnerships": Partnership.objects.count(),
        "organisations": Organisation.objects.count(),
        "southern_organisations": Organisation.objects.filter(kind=Organisation.Kind.SOUTHERN_CSO).count(),
        # From the link table: exclude(countries=None) would cost a NOT EXISTS per product.
        "countries": KnowledgeProduct.countries.through.objects.filter(knowledgeproduct__status=PUBLISHED)
        .values("country_id")
        .distinct()
        .count(),
    }
    return {
        "counts": counts,
        # Core themes with their product counts, sub-themes included, as the browse page counts them.
        "themes": facets.theme_facet(ProductFilter({}), include_empty=True).values,
        # The countries with the most products, named under the small world map.
        "world_top": ", ".join(f"{c.name} ({c.products})" for c in world_map.most_products()),
    }


@public_page(scope=CATALOGUE)
@require_safe
def product_list(request):
    results = browse(request.GET, page=request.GET.get("page"))
    page = results.page
    context = {
        "filterset": results.filterset,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "facets": results.facets,
        "active_filters": results.active,
        # The filter panel's badge counts the filters, not the search (shown in its own box).
        "chosen_count": sum(1 for active in results.active if active.param != "q"),
        "search_text": results.search_text,
        # The order asked for, carried by the filter form (when it is one the page understood).
        "sort_asked": results.sort if request.GET.get("sort") == results.sort else "",
        "sort": results.sort,
        "sort_choices": sort_choices(results),
        "errors": results.errors,
        "widen": results.widen,
        "found_how": results.found_how,
        "searched": results.searched,
        "did_you_mean": results.did_you_mean,
        "did_you_mean_query": results.did_you_mean_query,
        "named_filters": results.named_filters,
        "closest_themes": results.closest_themes,
    }
    return render(request, "pages/product_list.html", context, status=400 if results.errors else 200)


def _refused(filterset) -> list[dict]:
    """The parameters the filter refused, and why, for the page to show."""
    return [{"param": param, "messages": messages} for param, messages in filterset.errors.items()]


@public_page(scope=CATALOGUE)
@require_safe
def product_count(request):
    """The number of products a set of filters gives, for the filter panel's button: {"count", "label"} in
    the page's language. Refused filters answer 400 with the reasons, as the browse page does."""
    found, errors = browse_count(request.GET)
    label = ngettext("Show %(counter)s product", "Show %(counter)s products", found) % {
        "counter": localize(found)
    }
    body = {"count": found, "label": label}
    if errors:
        body["errors"] = {error["param"]: [str(m) for m in error["messages"]] for error in errors}
    return JsonResponse(body, status=400 if errors else 200)


@public_page(scope=CATALOGUE)
@require_safe
def product_detail(request, slug):
    product = get_object_or_404(_product_with_relations().published(), slug=slug)
    # Its themes, countries and languages from the facet index, which knows them: three queries fewer.
    index = facet_index.current()
    themes = [
        Theme(slug=row.key, name=row.name, translations=row.translations)
        for row in index.linked("theme", product.pk)
    ]
    countries = [Country(code=row.key, name=row.name) for row in index.linked("country", product.pk)]
    languages = [Language(code=row.key, name=row.name) for row in index.linked("language", product.pk)]
    context = {
        "product": product,
        # Not "languages": that is the site's own, for the language switch (a context processor).
        "product_themes": themes,
        "product_countries": countries,
        "product_languages": languages,
        "stakeholders": _stakeholders_by_scope(product.involvements.all()),
        "related": _related_products(product, index, themes),
        "structured_data": json_ld(
            product_json_ld(product, absolute, themes=themes, countries=countries, languages=languages)
        ),
        **_record(product, languages),
    }
    response = render(request, "pages/product_detail.html", context)
    return allow_json_ld(response, context["structured_data"])


def _record(product: KnowledgeProduct, languages: list[Language]) -> dict:
    """What the page says of the product as a record: what opens, its picture, and how to cite it."""
    return {
        "openings": what_opens(product, languages),
        "image": product_image(product),
        # A shared link shows the document's first page; without one, the site's own picture.
        "share_image": product_image(product) if product.thumbnail and product.is_public else "",
        "citation": _citation(product, languages) if product.is_public else None,
    }


def _citation(product: KnowledgeProduct, languages: list[Language]) -> tuple[str, str, str]:
    """The reference in three parts, the product's address in the middle: on a phone the address may break
    anywhere (it is longer than the screen is wide), the words around it only between words."""
    item = csl_item(product, timezone.localdate(), languages)
    return citation_text(item).partition(item["URL"])


def _product_with_relations():
    """The product with what its page shows of its relations, read in its own row: one query."""
    return KnowledgeProduct.objects.select_related("product_type").with_linked(*_page_links())


@functools.cache
def _page_links() -> tuple[InRow, ...]:
    product = OuterRef("pk")
    return (
        InRow(
            "tags", Tag.objects.filter(inventory_taggedproduct_items__content_object=product).order_by("name")
        ),
        InRow(
            "documents",
            ProductDocument.objects.filter(product=product).order_by("position", "pk"),
            related=("language",),
        ),
        InRow(
            "organisations",
            Organisation.objects.filter(products=product).order_by("name", "pk"),
            related=("country",),
            skip=PRIVATE_ORGANISATION_FIELDS,
        ),
        InRow(
            "partnerships",
            Partnership.objects.filter(products=product).order_by("name", "pk"),
            related=("programme",),
        ),
        InRow(
            "involvements",
            Involvement.objects.filter(product=product).order_by("stakeholder__name", "role", "pk"),
            related=("stakeholder", "stakeholder__organisation"),
        ),
    )


# What a product page never shows of its organisations: their private address for questions and their long
# description (the organisation's own page has it).
PRIVATE_ORGANISATION_FIELDS = frozenset({"questions_email", "answers_questions", "description"})


@require_safe
def product_preview(request, slug):
    """An unpublished product's page as the public will see it, marked as a preview, for staff who may see
    the product in the admin. Everyone else gets the 404 a product that does not exist gets; no cache keeps
    it and no search engine indexes it."""
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("inventory.view_knowledgeproduct")):
        raise Http404
    product = get_object_or_404(_product_with_relations(), slug=slug)
    if product.is_public:
        return redirect(product)
    context = {
        "product": product,
        "preview": True,
        # The facet index holds published products only: these come from the product itself.
        "product_themes": list(product.themes.all()),
        "product_countries": list(product.countries.all()),
        "product_languages": list(product.languages.all()),
        "stakeholders": _stakeholders_by_scope(product.involvements.all()),
        "related": [],
        **_record(product, list(product.languages.all())),
    }
    response = render(request, "pages/product_detail.html", context)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _stakeholders_by_scope(involvements) -> list[dict]:
    """[{scope label, [(stakeholder, [role labels])]}], internal first; one line per stakeholder."""
    roles: dict[Stakeholder, list[str]] = {}
    for involvement in involvements:
        roles.setdefault(involvement.stakeholder, []).append(involvement.get_role_display())
    return [
        {
            "scope": scope,
            "label": label,
            "stakeholders": [(s, r) for s, r in roles.items() if s.scope == scope],
        }
        for scope, label in Stakeholder.Scope.choices
        if any(s.scope == scope for s in roles)
    ]


def _related_products(product: KnowledgeProduct, index, themes: list[Theme]) -> list[KnowledgeProduct]:
    """Up to four other published products sharing the most themes and tags with this one, the most
    recently published first among equals: found in the facet index (sets of products per theme and tag),
    without counting what every product shares in the database."""
    ids = index.related(
        product.pk,
        [theme.slug for theme in themes],
        [tag.slug for tag in product.tags.all()],
        RELATED_PRODUCTS,
    )
    (cards,) = _cards(ids)
    return cards


@public_page(scope=CATALOGUE)
@require_safe
def partnership_list(request):
    partnerships = (
        Partnership.objects.select_related("programme", "lead_organisation")
        .prefetch_related(
            Prefetch(
                "memberships",
                Membership.objects.select_related("organisation").order_by("role", "organisation__name"),
            )
        )
        .order_by("-programme__start_year", "programme__name", "name")
    )
    return render(
        request,
        "pages/partnership_list.html",
        {"partnerships": _with_product_counts(list(partnerships), "partnership")},
    )


def _with_product_counts(rows: list, param: str) -> list:
    """The rows (partnerships or organisations), each with how many published products it has, read from
    the facet index rather than counted in the database."""
    products = facet_index.current().sets.get(param, {})
    for row in rows:
        row.product_count = len(products.get(row.slug, ()))
    return rows


@public_page(scope=CATALOGUE)
@require_safe
def partnership_detail(request, slug):
    partnership = get_object_or_404(
        Partnership.objects.select_related("programme", "lead_organisation").prefetch_related(
            Prefetch(
                "memberships",
                Membership.objects.select_related("organisation__country").order_by(
                    "role", "organisation__name"
                ),
            ),
            "themes",
            "countries",
        ),
        slug=slug,
    )
    products, count = _most_recent("partnership", partnership.slug, PRODUCTS_ON_OWNER_PAGE)
    context = {"partnership": partnership, "products": products, "product_count": count}
    return render(request, "pages/partnership_detail.html", context)


@public_page(scope=CATALOGUE)
@require_safe
def organisation_list(request):
    organisations = Organisation.objects.select_related("country").order_by("name")
    filterset = OrganisationFilter(request.GET, queryset=organisations)
    paginator = Paginator(
        filterset.qs.annotate(partnership_count=Count("memberships")), ORGANISATIONS_PER_PAGE
    )
    # Counted without the annotation: the number of organisations needs no join with their memberships.
    paginator.count = filterset.qs.count()
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = _with_product_counts(list(page.object_list), "organisation")
    chosen = filterset.form.cleaned_data
    context = {
        "filterset": filterset,
        "kinds": Organisation.Kind.choices,
        "countries": Country.objects.filter(organisations__isnull=False).distinct().order_by("name"),
        "chosen_kinds": chosen.get("kind") or [],
        "chosen_countries": [country.code for country in chosen.get("country") or []],
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "errors": _refused(filterset),
    }
    return render(request, "pages/organisation_list.html", context, status=400 if context["errors"] else 200)


@public_page(scope=CATALOGUE)
@require_safe
def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("country"), slug=slug)
    products, count = _most_recent("organisation", organisation.slug, PRODUCTS_ON_OWNER_PAGE)
    context = {
        "organisation": organisation,
        "memberships": organisation.memberships.select_related("partnership__programme").order_by(
            "-partnership__programme__start_year", "partnership__name"
        ),
        "products": products,
        "product_count": count,
    }
    return render(request, "pages/organisation_detail.html", context)


def demand_by_theme() -> dict[int, int] | None:
    """How many open knowledge needs ask for each theme ({theme id: count}, counted as the gap view counts
    them), for the map to show demand beside supply. None while no open need names a theme: the map then
    shows supply alone."""
    return gaps.demand_by_theme() or None


@public_page
@require_safe
def knowledge_map(request):
    across = request.GET.get("across") or DEFAULT_DIMENSION
    if across not in DIMENSIONS:
        context = {"dimensions": DIMENSIONS.values(), "unknown_across": across}
        return render(request, "pages/map.html", context, status=400)
    context = {
        **map_figures(across),
        "dimensions": DIMENSIONS.values(),
        "across": across,
    }
    return render(request, "pages/map.html", context)


def map_figures(across: str = DEFAULT_DIMENSION) -> dict:
    """The map across one dimension, with the demand beside it, once per data version."""
    return cached(f"map:{across}", lambda: _map_figures(across))


def _map_figures(across: str) -> dict:
    demand = demand_by_theme()
    return {"map": build_map(DIMENSIONS[across], demand), "demand_by_theme": demand}


@public_page
@require_safe
def gap_view(request):
    return render(request, "pages/gaps.html", {"gaps": gap_figures()})


def gap_figures():
    """The gaps, counted once per data version and per day: activities that are over drop out."""
    # No translated text in them (themes and formats are named when the page is drawn): one computation
    # for the four languages, where each language's first visit after a change took a second of its own.
    return cached(f"gaps:{timezone.localdate()}", gaps.gaps, per_language=False)


@require_safe
def open_data(request):
    """What the open data is, where it is, and the licence it is published under."""
    context = {
        "licence_name": settings.OPEN_DATA_LICENCE_NAME,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
    }
    return render(request, "pages/open_data.html", context)
