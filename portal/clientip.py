"""The client's address, as one helper for every page that records or limits by it.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (0: Django faces the clients itself) each proxy appends the
address it received the request from to ``X-Forwarded-For``, and the last one connects to Django
(``REMOTE_ADDR``).  The client is then the ``TRUSTED_PROXY_COUNT``-th address from the right of that
header: anything further left was written by the client and is not believed.  With no proxy the header is
ignored altogether, so a client cannot choose its own address by sending one.  django-axes uses it too
(``AXES_CLIENT_IP_CALLABLE``), as do the login and password-reset throttles (portal.security).
"""

import ipaddress

from django.conf import settings


def _address(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's IP address (a string), or None when it cannot be told."""
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < proxies:  # fewer hops than proxies: the request came around them; trust the socket only
        return remote
    return _address(chain[-proxies]) or remote
