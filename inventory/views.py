from pathlib import PurePosixPath

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from inventory import services
from inventory.downloads import download_content_type
from inventory.forms import NominationForm
from inventory.models import KnowledgeProduct, Organisation, Partnership, Programme, Theme
from inventory.uploads import max_upload_bytes
from knowledgemap import submissions

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


NOMINATION_THANKS_SALT = "inventory.nomination-thanks"
# Room for the form's text fields beside the file in one multipart request.
NOMINATION_TEXT_ALLOWANCE = 1024 * 1024


@csrf_exempt  # CSRF is checked in nomination_form: the size is checked first, before the body is read.
@require_http_methods(["GET", "HEAD", "POST"])
def product_nominate(request):
    if request.method == "POST":
        limited, retry_after = submissions.submission_rate_limited(request)
        if limited:
            return submissions.too_many_submissions(request, retry_after)
        if submissions.body_too_large(request, max_upload_bytes() + NOMINATION_TEXT_ALLOWANCE):
            context = {
                "form": NominationForm(),
                "too_large": True,
                "max_upload_mb": settings.NOMINATION_MAX_UPLOAD_MB,
            }
            return render(request, "inventory/nominate.html", context, status=413)
    return nomination_form(request)


@csrf_protect
def nomination_form(request):
    if request.method != "POST":
        return render(request, "inventory/nominate.html", {"form": NominationForm()})
    form = NominationForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "inventory/nominate.html", {"form": form}, status=400)
    data = form.cleaned_data
    product = services.product_nominate(
        title=data["title"],
        summary=data["summary"],
        product_type=data["product_type"],
        why_valuable=data["why_valuable"],
        nominator_name=data["nominator_name"],
        nominator_organisation=data["nominator_organisation"],
        nominator_email=data["nominator_email"],
        url=data["url"],
        file=data["file"],
        themes=data["themes"],
        partnership=data["partnership"],
        partnership_name=data["partnership_name"],
        organisation_names=form.organisation_names(),
        countries=data["countries"],
        languages=data["languages"],
        year=data["year"],
        stakeholders=data["stakeholders"],
        site_url=submissions.site_url(request),
    )
    token = submissions.thanks_token(product.pk, salt=NOMINATION_THANKS_SALT)
    return redirect("inventory:product-nominate-thanks", token=token)


@require_safe
@never_cache
def product_nominate_thanks(request, token):
    pk = submissions.thanks_pk(token, salt=NOMINATION_THANKS_SALT)
    if pk is None:
        raise Http404("This link has expired or is not valid.")
    product = get_object_or_404(KnowledgeProduct.objects.only("title", "status"), pk=pk)
    return render(request, "inventory/nominate_thanks.html", {"product": product})
