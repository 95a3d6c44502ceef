"""Writes on alerts: subscribing (double opt-in), confirming, unsubscribing, and the digests."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from alerts.models import Delivery, Subscription
from core.outbox import MailKind, mail_queue
from core.submissions import new_follow_token
from search.filters import ProductFilter

CONFIRM_SALT = "alerts.confirm"
CONFIRM_DAYS = 7  # a confirmation link works for a week; an unconfirmed subscription is then deleted
DIGEST_MAX = 50
# Browse parameters that say how to show results, not which: an alert ignores them.
NOT_FILTERS = {"page", "sort"}

CONFIRM = MailKind(
    "alert confirmation", _("Confirm your alert from the Partos knowledge map"), "alerts/email/confirm"
)
DIGEST = MailKind(
    "alert digest", _("New on the Partos knowledge map: %(count)s product(s)"), "alerts/email/digest"
)


def normalise_filters(params: QueryDict) -> str:
    """The filters of a browse link as one canonical query string (sorted, without page and sort)."""
    pairs = sorted(
        (key, value) for key, values in params.lists() if key not in NOT_FILTERS for value in values if value
    )
    return urlencode(pairs)


def filters_valid(filters: str) -> ProductFilter:
    return ProductFilter(QueryDict(filters))


@transaction.atomic
def alert_subscribe(*, email: str, filters: str, frequency: str, language: str) -> None:
    """Ask for an alert. A new address gets a confirmation link; an unconfirmed one gets it again (at most
    once a day); a confirmed one nothing. The caller answers the same whatever happened, so nobody learns
    whether an address is subscribed."""
    subscription = Subscription.objects.filter(email__iexact=email, filters=filters).first()
    if subscription is None:
        subscription = Subscription(
            email=email, filters=filters, frequency=frequency, language=language, token=new_follow_token()
        )
        subscription.full_clean()
        subscription.save()
    if subscription.confirmed_at is not None:
        return
    link = signing.dumps(subscription.token, salt=CONFIRM_SALT)
    mail_queue(
        kind=CONFIRM,
        to=[subscription.email],
        context={"subscription": subscription, "link": link, "days": CONFIRM_DAYS},
        language=subscription.language,
        key=f"alert-{subscription.pk}-confirm-{timezone.localdate().isoformat()}",
    )


def subscription_to_confirm(link: str) -> Subscription | None:
    try:
        token = signing.loads(link, salt=CONFIRM_SALT, max_age=datetime.timedelta(days=CONFIRM_DAYS))
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(token=token).first()


@transaction.atomic
def alert_confirm(*, subscription: Subscription) -> Subscription:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.full_clean()
        subscription.save()
    return subscription


@transaction.atomic
def alert_unsubscribe(*, token: str) -> bool:
    """Delete the subscription and what it was sent; whether there was one."""
    deleted, _counts = Subscription.objects.filter(token=token).delete()
    return bool(deleted)


def alert_digests_send(*, frequency: str, now: datetime.datetime | None = None) -> int:
    """Send each confirmed subscription of `frequency` the products published since it was confirmed that
    match its filters and that it was never sent. Run by a scheduled job; a second run sends nothing new.
    Returns how many digests were queued."""
    now = now or timezone.now()
    Subscription.objects.filter(
        confirmed_at=None, created_at__lt=now - datetime.timedelta(days=CONFIRM_DAYS)
    ).delete()
    sent = 0
    for subscription in Subscription.objects.filter(frequency=frequency).exclude(confirmed_at=None):
        sent += _digest(subscription)
    return sent


@transaction.atomic
def _digest(subscription: Subscription) -> bool:
    products = list(
        filters_valid(subscription.filters)
        .qs.filter(published_at__gte=subscription.confirmed_at)
        .exclude(pk__in=subscription.deliveries.values("product"))
        .select_related("product_type")
        .recently_published()[:DIGEST_MAX]
    )
    if not products:
        return False
    Delivery.objects.bulk_create([Delivery(subscription=subscription, product=p) for p in products])
    with translation.override(subscription.language):
        unsubscribe = settings.SITE_URL + reverse("alerts:unsubscribe", args=[subscription.token])
    mail_queue(
        kind=DIGEST,
        to=[subscription.email],
        context={"subscription": subscription, "products": products, "unsubscribe": unsubscribe},
        language=subscription.language,
        subject_values={"count": len(products)},
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return True


@transaction.atomic
def alerts_forget(*, email: str) -> int:
    deleted, _counts = Subscription.objects.filter(email__iexact=email).delete()
    return deleted
