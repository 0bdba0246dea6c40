"""Template helpers for programmes and applications.

* ``rule_label``: a programme rule in readable words (its kind's label and its parameters);
* ``state_label``: the display name of an application state (badges: ``.state-<state>`` in portal.css);
* ``result_colour``: the Bootstrap colour of a rule or checklist result.
"""

from django import template
from django.utils.translation import gettext as _

from portal.models import CreditRecord, UnitType
from portal.templatetags.portal_tags import _number

from .. import vocabulary
from ..choices import PersonRole
from ..rules import LEAD_FLAGS, REGISTRY
from ..states import State

register = template.Library()


def _labels(values, choices):
    labels = dict(choices)
    return "、".join(str(labels.get(v, v)) for v in values)


def _param_parts(rule_key, params):
    """Readable fragments for a rule's parameters, in a stable order."""
    params = params or {}
    parts = []
    if "region_name" in params:
        parts.append(str(params["region_name"]))
    elif "divisions" in params:
        parts.append(_("division codes %(codes)s") % {"codes": "、".join(map(str, params["divisions"]))})
    if "types" in params:
        parts.append(_labels(params["types"], UnitType.choices))
    if "member_kinds" in params:
        parts.append(vocabulary.joined(vocabulary.MEMBER_KIND, params["member_kinds"]))
    if "type" in params:
        parts.append(vocabulary.name_of(vocabulary.MEMBER_KIND, params["type"]))
    if "qualification" in params:
        parts.append(_("qualification: %(q)s") % {"q": params["qualification"]})
    if "roles" in params:
        parts.append(_labels(params["roles"], PersonRole.choices))
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
        parts.append(_("applies to: %(cats)s") % {"cats": vocabulary.joined(vocabulary.LEAD_CATEGORY,
                                                                             params["categories"])})
    elif "categories" in params:
        parts.append(vocabulary.joined(vocabulary.LEAD_CATEGORY, params["categories"]))
    if "kinds" in params:
        parts.append(_labels(params["kinds"], CreditRecord.Kind.choices))
    if "years" in params:
        parts.append(_("for %(n)d years unless the record says otherwise") % {"n": params["years"]})
    if params.get("lead_only"):
        parts.append(_("the lead unit only"))
    return parts


@register.filter
def rule_label(rule):
    """``ProgrammeRule`` → e.g. «number of member units at least：8»."""
    kind = REGISTRY.get(rule.rule_key)
    label = str(kind.label) if kind else rule.rule_key
    parts = _param_parts(rule.rule_key, rule.params)
    if not parts:
        return label
    return f"{label}：{'；'.join(parts)}"



@register.filter
def state_label(state):
    return dict(State.choices).get(state, state)


#: Bootstrap colour of a rule or checklist result (pass, fail, warn, manual, na).
RESULT_COLOURS = {"pass": "success", "fail": "danger", "warn": "warning", "manual": "primary"}


@register.filter
def result_colour(status):
    return RESULT_COLOURS.get(status, "secondary")

