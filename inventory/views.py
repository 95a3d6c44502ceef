from pathlib import PurePosixPath

from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from inventory.downloads import download_content_type
from inventory.models import KnowledgeProduct, Organisation, Partnership, Programme, Theme

HOME_FEATURED = 6


@require_safe
def home(request):
    published = KnowledgeProduct.objects.published()
    featured = (
        published.featured()
        .select_related("product_type")
        .prefetch_related("themes", "partnerships")
        .order_by("-published_at")[:HOME_FEATURED]
    )
    published_filter = Q(products__status=KnowledgeProduct.Status.PUBLISHED)
    themes = (
        Theme.objects.filter(parent=None)
        .annotate(product_count=Count("products", filter=published_filter, distinct=True))
        .order_by("position", "name")
    )
    counts = {
        "products": published.count(),
        "partnerships": Partnership.objects.count(),
        "organisations": Organisation.objects.count(),
        "southern_organisations": Organisation.objects.filter(kind=Organisation.Kind.SOUTHERN_CSO).count(),
        "countries": published.values("countries").exclude(countries=None).distinct().count(),
    }
    context = {
        "featured": featured,
        "themes": themes,
        "counts": counts,
        "programmes": Programme.objects.annotate(partnership_count=Count("partnerships")),
    }
    return render(request, "inventory/home.html", context)


@require_safe
def product_detail(request, slug):
    product = get_object_or_404(
        KnowledgeProduct.objects.published()
        .select_related("product_type")
        .prefetch_related(
            "themes",
            "tags",
            "countries",
            "languages",
            "organisations",
            Prefetch("partnerships", Partnership.objects.select_related("programme")),
            "involvements__stakeholder",
        ),
        slug=slug,
    )
    return render(request, "inventory/product_detail.html", {"product": product})


@require_safe
def product_download(request, slug):
    """A published product's uploaded file, always as a download: whatever someone uploaded (an HTML page,
    an SVG with a script in it) is saved to disk by the browser, never shown or run on this site."""
    product = get_object_or_404(
        KnowledgeProduct.objects.published().exclude(file="").only("slug", "status", "file"), slug=slug
    )
    try:
        handle = product.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this product is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=PurePosixPath(product.file.name).name,
        content_type=download_content_type(product.file.name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it after all, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_safe
def partnership_detail(request, slug):
    partnership = get_object_or_404(
        Partnership.objects.select_related("programme", "lead_organisation").prefetch_related(
            "memberships__organisation", "themes", "countries"
        ),
        slug=slug,
    )
    products = partnership.products.published().select_related("product_type")
    return render(
        request, "inventory/partnership_detail.html", {"partnership": partnership, "products": products}
    )


@require_safe
def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("country"), slug=slug)
    context = {
        "organisation": organisation,
        "memberships": organisation.memberships.select_related("partnership__programme"),
        "products": organisation.products.published().select_related("product_type"),
    }
    return render(request, "inventory/organisation_detail.html", context)
