"""The alerts pages: subscribe (/alerts/, or from any browse page's "Alert me" link with its filters),
confirm from the mailed link, unsubscribe with one click (RFC 8058) or from the site."""

from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from alerts import services
from alerts.forms import SubscribeForm
from alerts.models import Subscription
from core import submissions

RATE_LIMITED_FORM = "alerts"


@require_http_methods(["GET", "HEAD", "POST"])
@csrf_protect
def subscribe(request):
    if request.method != "POST":
        carried = services.normalise_filters(request.GET)
        filterset = services.filters_valid(carried)
        context = {
            "form": SubscribeForm(initial={"filters": carried}),
            "filterset": filterset,
            "carried": carried,
        }
        return render(request, "alerts/subscribe.html", context, status=200 if filterset.is_valid() else 400)
    # Only posts that passed the CSRF check count: another site cannot spend a visitor's allowance.
    limited, retry_after = submissions.submission_rate_limited(request, RATE_LIMITED_FORM)
    if limited:
        return submissions.too_many_submissions(request, retry_after)
    form = SubscribeForm(request.POST)
    chosen = _filters(form)
    filterset = services.filters_valid(chosen)
    if not form.is_valid() or not filterset.is_valid():
        submissions.count_submission(request, RATE_LIMITED_FORM, accepted=False)
        context = {"form": form, "filterset": filterset, "carried": form.data.get("filters", "")}
        return render(request, "alerts/subscribe.html", context, status=400)
    services.alert_subscribe(
        email=form.cleaned_data["email"],
        filters=chosen,
        frequency=form.cleaned_data["frequency"],
        language=get_language(),
    )
    submissions.count_submission(request, RATE_LIMITED_FORM, accepted=True)
    return redirect("alerts:subscribe-sent")


def _filters(form: SubscribeForm) -> str:
    """The browse filters carried from the browse page, with the themes, types and countries ticked."""
    params = QueryDict(form.data.get("filters", ""), mutable=True)
    for name in ("theme", "type", "country"):
        for value in form.data.getlist(name) if hasattr(form.data, "getlist") else []:
            if value not in params.getlist(name):
                params.appendlist(name, value)
    return services.normalise_filters(params)


@require_safe
def subscribe_sent(request):
    return render(request, "alerts/sent.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, link):
    subscription = services.subscription_to_confirm(link)
    if subscription is None:
        return render(request, "alerts/link_expired.html", status=404)
    if request.method == "POST":
        services.alert_confirm(subscription=subscription)
        return render(request, "alerts/confirmed.html", {"subscription": subscription})
    return render(request, "alerts/confirm.html", {"subscription": subscription})


@csrf_exempt  # The token is the authority; mail providers post here for one-click unsubscribe (RFC 8058).
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    if request.method == "POST":
        services.alert_unsubscribe(token=token)
        return render(request, "alerts/unsubscribed.html")
    if not Subscription.objects.filter(token=token).exists():
        return render(request, "alerts/unsubscribed.html")  # already gone: say so, reveal nothing else
    return render(request, "alerts/unsubscribe.html")
