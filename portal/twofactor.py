"""The second factor (django-otp's TOTP and backup codes, through django-two-factor-auth) and the
back office's session lifetime.

* ``SecondFactorMiddleware``: a signed-in user whose role needs a second factor
  (``portal.models.SECOND_FACTOR_ROLES``, administrators too) and whose session is not verified is sent to
  enrolment (no device yet) or back to the login's code step (a device, but a session without it).  The
  login and enrolment pages, logout, the language switch and the public pages stay reachable.
* ``SessionLifetimeMiddleware``: back-office sessions end after ``BACKOFFICE_SESSION_IDLE_SECONDS`` without
  a request (refreshed at most once a minute, so a page view seldom writes the session); the others keep
  ``SESSION_COOKIE_AGE``.
* ``enrol`` and ``current_code``: a confirmed TOTP device for a user (the demo's back-office logins) and
  the code it shows now (``manage.py demo_codes``).
"""

import copy
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_otp.middleware import OTPMiddleware
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .menu import is_backoffice

#: Pages an unverified user of a second-factor role may still open (namespaced URL names).
OPEN_NAMESPACES = frozenset({"two_factor"})
OPEN_URL_NAMES = frozenset({
    "login", "logout", "set_language",
    "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete",
    "applications:home", "applications:call_list", "applications:call_detail",
    "review:publicity_list", "review:publicity_detail", "review:objection_form",
    "review:directory", "review:directory_csv", "review:directory_json",
    "review:verify_document", "review:verify_certificate",
})
TOUCH_KEY = "_portal_touched"


DEVICE_CACHE_SECONDS = 60


def _device_key(persistent_id):
    return f"otp-device:{persistent_id}"


class CachedOTPMiddleware(OTPMiddleware):
    """django_otp's OTPMiddleware, reading the session's device from the cache (kept for a minute, replaced
    whenever the device is saved and dropped when it is deleted: ``remember_device``, ``forget_device``)
    instead of one more query on every back-office page."""

    def _device_from_persistent_id(self, persistent_id):
        key = _device_key(self._normalize_persistent_id(persistent_id))
        device = cache.get(key)
        if device is None:
            device = super()._device_from_persistent_id(persistent_id)
            if device is not None:
                cache.set(key, _bare(device), DEVICE_CACHE_SECONDS)
        return device


def _bare(device):
    """``device`` without the related objects it has loaded (its user): the cache holds the device alone."""
    bare = copy.copy(device)
    bare._state = copy.copy(device._state)
    bare._state.fields_cache = {}
    return bare


def remember_device(sender, instance, **kwargs):
    cache.set(_device_key(instance.persistent_id), _bare(instance), DEVICE_CACHE_SECONDS)


def forget_device(sender, instance, **kwargs):
    cache.delete(_device_key(instance.persistent_id))


def has_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _is_open(request):
    match = request.resolver_match
    if match is None:
        return True
    return match.namespace in OPEN_NAMESPACES or match.view_name in OPEN_URL_NAMES


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: the second factor is required for the roles that need it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not user.needs_second_factor or user.is_verified() or _is_open(request):
            return None
        if has_device(user):
            # Signed in without the code (a session from before, or another way in): log in again, fully.
            logout(request)
            messages.info(request, _("Please log in again with your verification code."))
            return redirect_to_login(request.get_full_path())
        messages.warning(request, _("Your account needs two-step verification. Set it up to continue."))
        return redirect("two_factor:setup")


def keep_alive(session):
    """Give a back-office ``session`` its idle lifetime, renewed when it was last renewed a minute ago or more
    (the change makes SessionMiddleware save it, with a new expiry)."""
    idle, now = settings.BACKOFFICE_SESSION_IDLE_SECONDS, int(time.time())
    if session.get("_session_expiry") != idle:
        session.set_expiry(idle)
    if now - session.get(TOUCH_KEY, 0) >= 60:
        session[TOUCH_KEY] = now


def start_lifetime(sender, request, user, **kwargs):
    """At login (``user_logged_in``): the session is written then anyway."""
    if request is not None and hasattr(request, "session") and is_backoffice(user):
        keep_alive(request.session)


class SessionLifetimeMiddleware:
    """A short idle lifetime for the back office's sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and hasattr(request, "session") and is_backoffice(user):
            keep_alive(request.session)  # saved by SessionMiddleware, next in the response's way
        return response


def enrol(user):
    """A confirmed TOTP device named ``default`` for ``user`` (kept if there is one)."""
    device = TOTPDevice.objects.filter(user=user, name="default").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    elif not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def current_code(device, at=None):
    """The code ``device`` shows at ``at`` (a Unix time; now if None), zero-padded."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return str(totp.token()).zfill(device.digits)
