"""The client's address: the peer, or — when the peer is a trusted reverse proxy
(``RUMBO_TRUSTED_PROXIES``) — the nearest address in X-Forwarded-For that is not itself a
trusted proxy. A client cannot choose its own address by sending the header: an untrusted
peer's X-Forwarded-For is ignored, and the list is read from the right (each proxy appends
the address it saw).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    networks = _networks(tuple(getattr(settings, "RUMBO_TRUSTED_PROXIES", ())))
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address to throttle and audit by, as text (None if the server gives none)."""
    peer = _parse(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    if not _trusted(peer):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for item in reversed(forwarded.split(",")):
        address = _parse(item)
        if address is None:
            break  # a garbled hop: trust nothing further left
        if not _trusted(address):
            return str(address)
    return str(peer)
