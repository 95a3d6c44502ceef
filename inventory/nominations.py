"""The public nomination form: organisations share the knowledge products they are proudest of."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from core import submissions
from inventory import services
from inventory.forms import NominationForm
from inventory.models import KnowledgeProduct
from inventory.uploads import max_upload_bytes

NOMINATION_THANKS_SALT = "inventory.nomination-thanks"
# Room for the form's text fields beside the file in one multipart request.
NOMINATION_TEXT_ALLOWANCE = 1024 * 1024
RATE_LIMITED_FORM = "nominations"


@csrf_exempt  # CSRF is checked in nomination_form: the size is checked first, before the body is read.
@require_http_methods(["GET", "HEAD", "POST"])
def product_nominate(request):
    too_large = max_upload_bytes() + NOMINATION_TEXT_ALLOWANCE
    if request.method == "POST" and submissions.body_too_large(request, too_large):
        context = {
            "form": NominationForm(),
            "too_large": True,
            "max_upload_mb": settings.NOMINATION_MAX_UPLOAD_MB,
            "retention_days": settings.CONTACT_RETENTION_DAYS,
        }
        return render(request, "inventory/nominate.html", context, status=413)
    return nomination_form(request)


def _privacy() -> dict:
    """What the form's privacy notice says about how long details are kept."""
    return {"retention_days": settings.CONTACT_RETENTION_DAYS}


@csrf_protect
def nomination_form(request):
    if request.method != "POST":
        return render(request, "inventory/nominate.html", {"form": NominationForm(), **_privacy()})
    # Only posts that passed the CSRF check count: another site cannot spend a visitor's allowance.
    limited, retry_after = submissions.submission_rate_limited(request, RATE_LIMITED_FORM)
    if limited:
        return submissions.too_many_submissions(request, retry_after)
    form = NominationForm(request.POST, request.FILES)
    if not form.is_valid():
        submissions.count_submission(request, RATE_LIMITED_FORM, accepted=False)
        form.keep_uploads()
        return render(request, "inventory/nominate.html", {"form": form, **_privacy()}, status=400)
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
        language=get_language(),
    )
    form.forget_kept()
    submissions.count_submission(request, RATE_LIMITED_FORM, accepted=True)
    token = submissions.thanks_token(product.pk, salt=NOMINATION_THANKS_SALT)
    return redirect("inventory:product-nominate-thanks", token=token)


@require_safe
@never_cache
def product_nominate_thanks(request, token):
    pk = submissions.thanks_pk(token, salt=NOMINATION_THANKS_SALT)
    if pk is None:
        raise Http404("This link has expired or is not valid.")
    product = get_object_or_404(KnowledgeProduct.objects.only("title", "status", "follow_token"), pk=pk)
    return render(request, "inventory/nominate_thanks.html", {"product": product})
