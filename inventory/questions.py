"""“Ask about this product”: a short public form that reaches the curators, and the product's organisations
if they agreed, through the outbox. The same protections as the other public forms: CSRF, the honeypot,
the rate limit per address, the size guard."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from core import submissions
from inventory import services
from inventory.forms import QuestionForm
from inventory.models import KnowledgeProduct

RATE_LIMITED_FORM = "questions"
MAX_BODY_BYTES = 64 * 1024


def _product(slug: str) -> KnowledgeProduct:
    return get_object_or_404(
        KnowledgeProduct.objects.published()
        .only("slug", "title", "status")
        .prefetch_related("organisations"),  # whose opt-in the mail reads; never shown
        slug=slug,
    )


@csrf_exempt  # CSRF is checked in question_form: the size is checked first, before the body is read.
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def product_ask(request, slug):
    if request.method == "POST" and submissions.body_too_large(request, MAX_BODY_BYTES):
        context = {"product": _product(slug), "form": QuestionForm(), "too_large": True}
        return render(request, "inventory/ask.html", context, status=413)
    return question_form(request, slug)


@csrf_protect
def question_form(request, slug):
    product = _product(slug)
    if request.method != "POST":
        return render(request, "inventory/ask.html", {"product": product, "form": QuestionForm()})
    limited, retry_after = submissions.submission_rate_limited(request, RATE_LIMITED_FORM)
    if limited:
        return submissions.too_many_submissions(request, retry_after)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        submissions.count_submission(request, RATE_LIMITED_FORM, accepted=False)
        return render(request, "inventory/ask.html", {"product": product, "form": form}, status=400)
    data = form.cleaned_data
    services.product_question_ask(
        product=product, name=data["name"], email=data["email"], question=data["question"]
    )
    submissions.count_submission(request, RATE_LIMITED_FORM, accepted=True)
    return redirect("inventory:product-ask-sent", slug=product.slug)


@require_safe
@never_cache
def product_ask_sent(request, slug):
    return render(request, "inventory/ask_sent.html", {"product": _product(slug)})
