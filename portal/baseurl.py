"""The portal's address in links that leave it (e-mails, the QR code and link on a certificate).

``PORTAL_BASE_URL`` when it is set (production must set it); otherwise the address of the request in
which the link is made, so a demo opened from another machine (http://192.168.1.20:8000/) gets links
that work there rather than 127.0.0.1.  Papers and e-mails are written by workers, outside any
request: their jobs record the address when the act that calls for them happens
(:func:`notices.outbox.add_document`, :func:`notices.outbox.notify`).
"""

from contextvars import ContextVar

from django.conf import settings

FALLBACK = "http://127.0.0.1:8000"

_request_base: ContextVar[str] = ContextVar("portal_request_base", default="")


def base_url() -> str:
    return (settings.PORTAL_BASE_URL or _request_base.get() or FALLBACK).rstrip("/")


class RequestBaseMiddleware:
    """Remembers the scheme and host of the request being served (already checked against ALLOWED_HOSTS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_base.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
