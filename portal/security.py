"""Login and password-reset throttles that an attacker cannot aim at someone else.

* ``client_ip`` (portal.clientip, shared with the public objection form): the client's address.  Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each of which
  appends the address it received the request from to X-Forwarded-For (nginx's
  ``$proxy_add_x_forwarded_for``), the client is the entry that many places from the right: the entries to
  its left are whatever the client wrote itself, so they are never believed.  With no trusted proxy (the
  default) it is REMOTE_ADDR.  django-axes uses it (``AXES_CLIENT_IP_CALLABLE``), so its lockout is keyed on
  the real client's address plus the username: a stranger's failures lock the stranger's address, not the
  owner on their own device.
* A ceiling per address across usernames (``LOGIN_IP_FAILURE_LIMIT`` failures in ``AXES_COOLOFF_MINUTES``):
  a password sprayer trying many usernames from one address is stopped too.
* The password-reset form: at most ``PASSWORD_RESET_IP_LIMIT`` requests per address and
  ``PASSWORD_RESET_EMAIL_LIMIT`` per e-mail address in ``PASSWORD_RESET_WINDOW_MINUTES``, whether or not an
  account uses the address (so the answer tells nothing about it).

The counters live in the ``throttle`` cache (Redis in production: shared by every web worker).
"""

import hashlib

from django.conf import settings
from django.core.cache import caches

from .clientip import client_ip


def axes_username(request, credentials):
    """The username axes keys its failures on: from the credentials given to ``authenticate`` (the two-factor
    login's password step posts ``auth-username``, which the form passes on as ``username``)."""
    if credentials:
        return credentials.get("username")
    data = getattr(request, "POST", {})
    return data.get("auth-username") or data.get("username")


def _cache():
    return caches[settings.THROTTLE_CACHE]


def _key(kind, value):
    return f"throttle:{kind}:{hashlib.sha256(str(value).encode()).hexdigest()[:32]}"


def _count(kind, value):
    return _cache().get(_key(kind, value), 0)


def _add(kind, value, seconds):
    cache, key = _cache(), _key(kind, value)
    if cache.add(key, 1, seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, seconds)
        return 1


# --- failed logins per address, across usernames -------------------------------------------------

def _login_window():
    return int(settings.AXES_COOLOFF_TIME * 3600)


def record_login_failure(request):
    if request is not None and settings.AXES_ENABLED:
        _add("login-ip", client_ip(request), _login_window())


def login_ip_blocked(request):
    return settings.AXES_ENABLED and _count("login-ip", client_ip(request)) >= settings.LOGIN_IP_FAILURE_LIMIT


# --- password reset -----------------------------------------------------------------------------

def password_reset_allowed(request, email):
    """Count one reset request from ``request`` for ``email``; False once either limit is passed."""
    seconds = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    by_ip = _add("reset-ip", client_ip(request), seconds)
    by_email = _add("reset-email", (email or "").strip().lower(), seconds)
    return by_ip <= settings.PASSWORD_RESET_IP_LIMIT and by_email <= settings.PASSWORD_RESET_EMAIL_LIMIT
