"""Which client a request comes from: the one answer every limit counts by (the API's rate
limits, the sign-in lockout, the pages' limits on password resets and new surveys).

The client address is REMOTE_ADDR unless TRUSTED_PROXY_COUNT says how many proxies of ours
append to X-Forwarded-For; anything further left in that header was written by the client and
is ignored, so a forged header never makes a new client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address, or "" when the request carries none that reads as one (the
    lockout keeps addresses in an IP column, where anything else would fail the request)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return _as_ip(remote)
    # Each trusted proxy appends the address it received from; the rightmost entries are theirs.
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return _as_ip(hops[-proxies] if len(hops) >= proxies else (hops[0] if hops else remote))


def _as_ip(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return ""
