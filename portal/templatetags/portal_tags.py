"""Small template helpers for the portal pages.

* ``rule_label``: a programme rule in readable words (its kind's label and its parameters);
* ``call_status``: ``open`` / ``upcoming`` / ``closed`` for a programme on a given day;
* ``days_since`` / ``days_until``: whole days between today and a date or datetime (local time);
* ``state_label``: the display name of an application state (badges: ``.state-<state>`` in portal.css);
* ``minutes``: a timedelta in whole minutes (django-axes lock-out page).
"""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


def _number(value):
    if isinstance(value, bool) or value is None:
        return str(value)
    value = Decimal(str(value))
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


def _labels(values, choices):
    labels = dict(choices)
    return "、".join(str(labels.get(v, v)) for v in values)


def _param_parts(rule_key, params):
    """Readable fragments for a rule's parameters, in a stable order."""
    from applications.models import Application, Person
    from applications.rules import LEAD_FLAGS
    from portal.models import CreditRecord, UnitType

    params = params or {}
    parts = []
    if "region_name" in params:
        parts.append(str(params["region_name"]))
    elif "divisions" in params:
        parts.append(_("division codes %(codes)s") % {"codes": "、".join(map(str, params["divisions"]))})
    if "types" in params:
        parts.append(_labels(params["types"], UnitType.choices))
    if "type" in params:
        parts.append(_labels([params["type"]], UnitType.choices))
    if "qualification" in params:
        parts.append(_("qualification: %(q)s") % {"q": params["qualification"]})
    if "roles" in params:
        parts.append(_labels(params["roles"], Person.Role.choices))
    if "flag" in params:
        parts.append(str(LEAD_FLAGS.get(params["flag"], params["flag"])))
    if "min" in params:
        if rule_key in ("lead_revenue_min", "total_investment_min"):
            parts.append(_("%(n)s (10k yuan)") % {"n": _number(params["min"])})
        else:
            parts.append(_number(params["min"]))
    if "min_percent" in params:
        parts.append(f"{_number(params['min_percent'])}%")
    if "default" in params:
        parts.append(_number(params["default"]))
    if params.get("by_field"):
        parts.append(_("by field: %(list)s") % {"list": "、".join(
            f"{field} {_number(n)}" for field, n in params["by_field"].items())})
    if params.get("include_lead"):
        parts.append(_("the lead unit counts"))
    if "categories" in params and rule_key != "lead_category":
        parts.append(_("applies to: %(cats)s") % {"cats": _labels(params["categories"],
                                                                   Application.LeadCategory.choices)})
    elif "categories" in params:
        parts.append(_labels(params["categories"], Application.LeadCategory.choices))
    if "kinds" in params:
        parts.append(_labels(params["kinds"], CreditRecord.Kind.choices))
    if "years" in params:
        parts.append(_("in the last %(n)d years") % {"n": params["years"]})
    return parts


@register.filter
def rule_label(rule):
    """``ProgrammeRule`` → e.g. «number of member units at least：8»."""
    from applications.rules import REGISTRY

    kind = REGISTRY.get(rule.rule_key)
    label = str(kind.label) if kind else rule.rule_key
    parts = _param_parts(rule.rule_key, rule.params)
    if not parts:
        return label
    return f"{label}：{'；'.join(parts)}"


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
def state_label(state):
    from review.workflow import State

    return dict(State.choices).get(state, state)


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
