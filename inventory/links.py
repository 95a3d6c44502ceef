"""Whether each published product's link still opens and its file is still stored: the work queue's
"broken links or files" (knowledgemap.workqueue), found by a job per product (django-tasks).

`manage.py check_links` queues a check for every published product not checked in the last week (a deployment
runs it daily, from cron or a scheduler); a curator can also check chosen products at once from the products'
list ("Check links now"). Nothing is checked when a product is saved: a save must never wait on another site.

A link is asked for with HEAD, then GET where a site refuses HEAD; redirects are followed, and any answer
below 400 counts as open. The checker only ever asks public addresses: a link (or a redirect) to a private,
loopback or link-local address is reported, never fetched, so a nominated link cannot make the server probe
its own network (LINK_CHECK_PRIVATE_ADDRESSES turns that off for tests on this machine).
"""

import ipaddress
import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from inventory.models import KnowledgeProduct, LinkCheck

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
CHECK_EVERY = timedelta(days=7)
USER_AGENT = "KnowledgeMapLinkChecker/1.0"


class NotPublic(Exception):
    """The address is not on the public internet."""


@dataclass(frozen=True)
class Verdict:
    problem: str  # Empty: fine.

    @property
    def fine(self) -> bool:
        return not self.problem


def check_link(url: str) -> Verdict:
    """Whether `url` opens: asked with HEAD, then with GET where HEAD is refused."""
    try:
        status = _status(url, "HEAD")
        if status in (403, 405, 501):
            status = _status(url, "GET")
    except NotPublic:
        return Verdict(_("Not checked: the link points to a private address."))
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            return Verdict(_("No answer within %(seconds)s seconds.") % {"seconds": TIMEOUT_SECONDS})
        return Verdict(_("The site could not be reached (%(reason)s).") % {"reason": str(reason)[:120]})
    if status in (404, 410):
        return Verdict(_("The page is gone (%(status)s).") % {"status": status})
    if status >= 400:
        return Verdict(_("The site answered with an error (%(status)s).") % {"status": status})
    return Verdict("")


def check_file(product: KnowledgeProduct) -> Verdict:
    if product.file and not product.file.storage.exists(product.file.name):
        return Verdict(_("The file is missing from storage."))
    return Verdict("")


def check_product(product_id: int) -> LinkCheck | None:
    """Check a published product's link and file now, and keep the verdict. None for any other product."""
    product = KnowledgeProduct.objects.filter(pk=product_id, status=KnowledgeProduct.Status.PUBLISHED).first()
    if product is None:
        return None
    verdicts = [check_file(product)]
    if product.url:
        verdicts.append(check_link(product.url))
    problem = " ".join(verdict.problem for verdict in verdicts if verdict.problem)
    now = timezone.now()
    earlier = LinkCheck.objects.filter(product=product).first()
    still_broken = earlier is not None and earlier.problem and earlier.broken_since
    check, _created = LinkCheck.objects.update_or_create(
        product=product,
        defaults={
            "checked_at": now,
            "url": product.url,
            "problem": problem[:300],
            "broken_since": (earlier.broken_since if still_broken else now) if problem else None,
        },
    )
    return check


@task()
def check_product_job(product_id: int) -> str:
    check = check_product(product_id)
    return "not published" if check is None else (check.problem or "fine")


def queue_checks(product_ids) -> int:
    """Queue a check for each product; returns how many were queued."""
    count = 0
    for product_id in product_ids:
        check_product_job.enqueue(product_id)
        count += 1
    return count


def due_for_check(now=None):
    """The published products never checked, or not in the last CHECK_EVERY."""
    now = now or timezone.now()
    return (
        KnowledgeProduct.objects.filter(status=KnowledgeProduct.Status.PUBLISHED)
        .exclude(link_check__checked_at__gte=now - CHECK_EVERY)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- fetching, public addresses only ---------------------------------------------------------------------


def _ensure_public(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a web address: {url[:80]}")
    if getattr(settings, "LINK_CHECK_PRIVATE_ADDRESSES", False):
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for found in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP):
        ip = ipaddress.ip_address(found[4][0])
        if not ip.is_global:
            raise NotPublic(url)


class _PublicRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _ensure_public(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_PublicRedirects)


def _status(url: str, method: str) -> int:
    _ensure_public(url)
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
