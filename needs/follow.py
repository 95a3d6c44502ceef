"""The private page where a person follows what they sent: a knowledge need or a nominated product. Its
address holds an unguessable token (never the reference number), given on the thank-you page and in every
mail; from it they can withdraw what they sent or have their contact details erased everywhere."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from inventory import services as inventory_services
from inventory.models import KnowledgeProduct
from needs import services
from needs.models import KnowledgeNeed

ACTIONS = {"withdraw", "forget"}
# What each status means to the person who sent it.
NEED_STATUS_TEXT = {
    KnowledgeNeed.Status.NEW: gettext_lazy("Received: a curator will read it soon."),
    KnowledgeNeed.Status.IN_REVIEW: gettext_lazy("A curator is looking for knowledge that answers it."),
    KnowledgeNeed.Status.MATCHED: gettext_lazy("Knowledge products that answer it were found (below)."),
    KnowledgeNeed.Status.ADDRESSED: gettext_lazy("Addressed: products or a learning activity answered it."),
    KnowledgeNeed.Status.CLOSED: gettext_lazy("Closed."),
}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request, token):
    need, product = _followed(token)
    if request.method == "POST":
        return _act(request, need, product)
    return _page(request, need, product)


def _page(request, need: KnowledgeNeed | None, product: KnowledgeProduct | None, status: int = 200):
    if need is None:
        return render(request, "needs/follow_nomination.html", {"product": product}, status=status)
    context = {
        "need": need,
        "status_text": NEED_STATUS_TEXT[KnowledgeNeed.Status(need.status)],
        "products": list(need.matched_products.published().select_related("product_type")),
        "activities": list(
            need.learning_activities.public().select_related("learning_format").order_by("start_date")
        ),
    }
    return render(request, "needs/follow_need.html", context, status=status)


def _followed(token: str) -> tuple[KnowledgeNeed | None, KnowledgeProduct | None]:
    need = KnowledgeNeed.objects.filter(follow_token=token).first() if token else None
    product = None
    if need is None and token:
        product = KnowledgeProduct.objects.filter(follow_token=token).select_related("product_type").first()
    if need is None and product is None:
        raise Http404(_("This link is not valid, or the details it followed were erased."))
    return need, product


def _act(request, need: KnowledgeNeed | None, product: KnowledgeProduct | None):
    action = request.POST.get("action")
    if action not in ACTIONS:
        messages.error(request, _("Choose “withdraw” or “erase my details”."))
        return _page(request, need, product, status=400)
    if action == "forget":
        services.person_forget(email=need.contact_email if need else product.nominator_email)
        return redirect("needs:follow-forgotten")
    try:
        if need is not None:
            services.need_withdraw(need=need)
        else:
            inventory_services.nomination_withdraw(product=product)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _page(request, need, product, status=400)
    messages.success(request, _("Withdrawn. Curators will not take it further."))
    return redirect(request.path)


@require_safe
def follow_forgotten(request):
    return render(request, "needs/follow_forgotten.html")
