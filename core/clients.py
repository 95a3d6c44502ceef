"""Who is asking: the client's address, as the rate limits of the public forms and the sign-in lockout
count it.

Behind a reverse proxy every request comes from the proxy's address, and the client's is in the
X-Forwarded-For header the proxy adds to. That header is believed only when the request comes from a proxy
named in settings.TRUSTED_PROXIES, and only as far as trusted proxies wrote it: anything a client put in
front of it is ignored."""

import functools
import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The address of the client: REMOTE_ADDR, or, when that is a trusted proxy, the nearest address in
    X-Forwarded-For that is not one."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    address = remote
    # The proxy nearest to us appended last: walk back from it while the addresses are our own proxies.
    for hop in reversed([part for part in forwarded if part]):
        if _parse(hop) is None:
            break  # Not an address: written by the client, not by a proxy.
        address = hop
        if not _is_trusted(hop):
            break
    return address


def axes_client_address(request: HttpRequest) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address the forms' rate limit uses."""
    return client_address(request)


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _is_trusted(text: str) -> bool:
    address = _parse(text)
    return address is not None and any(address in network for network in _trusted_networks())


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted_networks() -> tuple:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """django-axes' AXES_USERNAME_CALLABLE: the typed user name, cut to the 255 characters axes stores (no
    account has a longer one)."""
    source = credentials or getattr(request, "POST", {})
    username = source.get("username")
    return None if username is None else str(username)[:255]
