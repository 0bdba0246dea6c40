"""Template helpers for programmes and applications.

* ``rule_label``: a programme rule in readable words (its kind's label and its parameters);
* ``state_label``: the display name of an application state (badges: ``.state-<state>`` in portal.css);
* ``result_colour``: the Bootstrap colour of a rule or checklist result;
* ``eligibility_results``: the eligibility results, one line each (``applications/_results.html``);
* ``definitions``, ``member_rows``: the snapshot's labelled values and its members' table
  (``applications/_snapshot.html``).
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal.formhtml import escaped, html_join
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


#: One eligibility result (see ``eligibility_results``).
RESULT_ITEM = ('<li class="eligibility-item border-start border-3 border-{} ps-2 mb-2" data-status="{}" data-key="{}">'
               '<span class="badge text-bg-{}">{}</span>{}<div>{}</div></li>')


@register.simple_tag
def eligibility_results(results):
    """The eligibility results (``applications.rules.Result``), one line each: written here, as a template's loop
    over them cost more than the rest of their card."""
    soft = format_html(' <span class="badge text-bg-light border">{}</span>', _("soft condition"))
    return format_html('<ul class="list-unstyled mb-0 small">{}</ul>', html_join("\n", RESULT_ITEM, (
        (r.css, r.status, r.key, r.css, r.status_label, soft if r.soft_warning else "", r.message) for r in results)))


def _shown(value):
    """``{{ value }}``: localised (numbers), then escaped."""
    return escaped(localize(value))


@register.simple_tag
def definitions(pairs, lines=False):
    """``<dt>label</dt><dd>value</dd>`` for each ``(label, value)`` (its line breaks kept with ``lines``): the
    snapshot's lists, written here rather than by a loop of the template (some twenty on each review page)."""
    return html_join("", '<dt class="col-sm-4">{}</dt><dd class="col-sm-8 text-break">{}</dd>', (
        (label, linebreaksbr(value) if lines else mark_safe(_shown(value))) for label, value in pairs))


#: One row of the snapshot's members' table (see ``member_rows``).
MEMBER_ROW = ('<tr><td>{}</td><td>{}<br><span class="small text-body-secondary text-nowrap">{}</span></td><td>{}</td>'
              '<td>{}</td><td>{}</td><td>{}</td><td class="text-end text-nowrap">{}</td></tr>')


@register.simple_tag
def member_rows(members):
    """The rows of the snapshot's members' table (``present()``'s members), numbered."""
    return html_join("", MEMBER_ROW, ((
        number, *(mark_safe(_shown(m.get(key, ""))) for key in ("name", "credit_code", "unit_type", "region", "role",
                                                            "division_of_work")),
        "" if m.get("committed_input") is None else mark_safe(_shown(m["committed_input"])))
        for number, m in enumerate(members, start=1)))
