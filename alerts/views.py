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


@csrf_exempt  # CSRF is checked in subscribe_form, once the rate limit has been.
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method == "POST":
        limited, retry_after = submissions.submission_rate_limited(request)
        if limited:
            return submissions.too_many_submissions(request, retry_after)
    return subscribe_form(request)


@csrf_protect
def subscribe_form(request):
    if request.method != "POST":
        carried = services.normalise_filters(request.GET)
        filterset = services.filters_valid(carried)
        context = {
            "form": SubscribeForm(initial={"filters": carried}),
            "filterset": filterset,
            "carried": carried,
        }
        return render(request, "alerts/subscribe.html", context, status=200 if filterset.is_valid() else 400)
    form = SubscribeForm(request.POST)
    chosen = _filters(form)
    filterset = services.filters_valid(chosen)
    if not form.is_valid() or not filterset.is_valid():
        context = {"form": form, "filterset": filterset, "carried": form.data.get("filters", "")}
        return render(request, "alerts/subscribe.html", context, status=400)
    services.alert_subscribe(
        email=form.cleaned_data["email"],
        filters=chosen,
        frequency=form.cleaned_data["frequency"],
        language=get_language(),
    )
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
