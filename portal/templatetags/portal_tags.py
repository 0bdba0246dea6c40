"""Small template helpers for the portal pages.

* ``call_status``: ``open`` / ``upcoming`` / ``closed`` for a programme on a given day;
* ``days_since`` / ``days_until``: whole days between today and a date or datetime (local time);
* ``minutes``: a timedelta in whole minutes (django-axes lock-out page).
"""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

register = template.Library()


def _number(value):
    if isinstance(value, bool) or value is None:
        return str(value)
    value = Decimal(str(value))
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


@register.filter
def call_status(programme, today=None):
    today = today or timezone.localdate()
    if today < programme.opens_on:
        return "upcoming"
    if today > programme.closes_on:
        return "closed"
    return "open"


@register.filter
def days_since(value):
    """Whole days from ``value`` (date or aware datetime) to today, in local time; '' if empty."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return max((timezone.localdate() - value).days, 0)


@register.filter
def days_until(value):
    """Whole days from today until ``value`` (a date); negative when past; '' if empty."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return (value - timezone.localdate()).days


@register.filter
def minutes(delta):
    if not delta:
        return ""
    return int(round(delta.total_seconds() / 60))


@register.simple_tag
def portal_name():
    """The portal's name where no request context is available (e-mails, the 500 page)."""
    from django.conf import settings

    return settings.PORTAL_NAME


@register.simple_tag
def colon():
    """The label separator of the active language: "：" in Chinese, ": " otherwise."""
    from django.utils.translation import get_language

    return "：" if (get_language() or "").startswith("zh") else ": "


@register.simple_tag(takes_context=True)
def language_switch(context, classes=""):
    """The language switch (portal.topbar.language_switch), in the public layout."""
    from portal.topbar import language_switch as switch

    return switch(context.get("request"), classes=classes)
