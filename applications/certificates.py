"""The public verification of a certificate: a keyed code in the link, so numbers cannot be guessed."""

import hashlib
import hmac

from django.conf import settings
from django.urls import reverse

from portal.baseurl import base_url


def verification_code(number: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"certificate:{number}".encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def verification_path(number: str) -> str:
    """The path of certificate ``number``'s public verification page (its keyed link)."""
    return reverse("review:verify_certificate", args=[number, verification_code(number)])


def verification_url(number: str, base: str = "") -> str:
    """The public verification link of certificate ``number``, on ``base`` (the address recorded with the
    act that issued it) or the portal's address."""
    return (base or base_url()).rstrip("/") + verification_path(number)
