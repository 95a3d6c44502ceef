"""The needs form, and the thank-you page a submitter lands on."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from core import submissions
from inventory.uploads import max_upload_bytes
from needs import services
from needs.forms import NeedForm
from needs.matching import suggest_products
from needs.models import KnowledgeNeed

THANKS_SALT = "needs.need-thanks"
SUGGESTIONS = 5
RATE_LIMITED_FORM = "needs"
# What the service takes from the form (not the honeypot, nor the kept file's token).
SERVICE_FIELDS = {
    "partnership",
    "partnership_name",
    "organisation_name",
    "contact_name",
    "contact_email",
    "title",
    "description",
    "attachment",
    "themes",
    "learning_formats",
    "urgency",
    "countries",
    "region",
    "consent_to_contact",
    "consent_to_publish",
}


@csrf_exempt  # CSRF is checked in need_form, once the size has been (before the body is read).
@require_http_methods(["GET", "HEAD", "POST"])
def need_new(request):
    # Room for the text fields beside the document one may attach.
    too_large = max_upload_bytes() + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.method == "POST" and submissions.body_too_large(request, too_large):
        context = {"form": NeedForm(), "too_large": True, **privacy()}
        return render(request, "needs/need_form.html", context, status=413)
    return need_form(request)


@csrf_protect
def need_form(request):
    if request.method != "POST":
        # A search that found nothing may be shared as a need: its words come as the title (?title=).
        initial = {"title": request.GET.get("title", "")[:200]}
        return render(request, "needs/need_form.html", {"form": NeedForm(initial=initial), **privacy()})
    # Only posts that passed the CSRF check count: another site cannot spend a visitor's allowance.
    limited, retry_after = submissions.submission_rate_limited(request, RATE_LIMITED_FORM)
    if limited:
        return submissions.too_many_submissions(request, retry_after)
    form = NeedForm(request.POST, request.FILES)
    if not form.is_valid():
        submissions.count_submission(request, RATE_LIMITED_FORM, accepted=False)
        form.keep_uploads()
        return render(request, "needs/need_form.html", {"form": form, **privacy()}, status=400)
    fields = {name: value for name, value in form.cleaned_data.items() if name in SERVICE_FIELDS}
    need = services.need_submit(**fields, site_url=submissions.site_url(request), language=get_language())
    form.forget_kept()
    submissions.count_submission(request, RATE_LIMITED_FORM, accepted=True)
    return redirect("needs:need-thanks", token=submissions.thanks_token(need.pk, salt=THANKS_SALT))


def privacy() -> dict:
    """What the form's privacy notice says about how long details are kept."""
    return {"retention_days": settings.CONTACT_RETENTION_DAYS}


@require_safe
@never_cache
def need_thanks(request, token):
    pk = submissions.thanks_pk(token, salt=THANKS_SALT)
    if pk is None:
        raise Http404("This link has expired or is not valid.")
    need = get_object_or_404(KnowledgeNeed.objects.prefetch_related("themes"), pk=pk)
    context = {"need": need, "suggestions": list(suggest_products(need, limit=SUGGESTIONS))}
    return render(request, "needs/need_thanks.html", context)
