"""The rule library: one small, named function per kind of condition.

A programme's policy is a list of ``ProgrammeRule`` rows (rule key, parameters, severity,
citation).  Each rule function takes the application's :class:`Facts` and the parameters and
returns ``(passed, requirement, observation)``; :func:`evaluate` turns that into a
:class:`Result` whose status is pass, warn (a soft condition, 原则上/一般, not met) or fail
(a hard condition not met) and whose message cites the article, e.g.
「《苏州市创新联合体建设实施方案》三（一）2：成员单位一般不少于8个，当前5个」.

A new guideline whose conditions are combinations of these kinds is configured in the admin
as rows, with no code change.  Facts are built either from a saved application or from the
editor's unsaved form data, so the eligibility panel is live.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import UnitType

from . import credit, vocabulary
from .choices import OperatorStatus, PersonRole, Severity
from .editor import district_stage_applies
from .facts import Facts, facts_from_application

PASS, WARN, FAIL, NA = "pass", "warn", "fail", "na"
#: What each status is called (translated when shown: one lookup per result, not one per status).
STATUS_LABELS = {PASS: gettext_lazy("met"), WARN: gettext_lazy("warning"), FAIL: gettext_lazy("not met"),
                 NA: gettext_lazy("not applicable")}


# --- results ----------------------------------------------------------------------------------

@dataclass
class Result:
    key: str
    status: str
    message: str
    severity: str

    @property
    def blocks(self):
        return self.status == FAIL

    @property
    def css(self):
        return {PASS: "success", WARN: "warning", FAIL: "danger", NA: "secondary"}[self.status]

    @property
    def soft_warning(self):
        """A soft condition (原则上/一般) not met: a warning, never a block."""
        return self.severity == Severity.SOFT and self.status == WARN

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass
class RuleKind:
    key: str
    label: object
    func: Callable
    params: dict  # name -> (type, required)


REGISTRY: dict[str, RuleKind] = {}


def rule(key, label, **params):
    def register(func):
        REGISTRY[key] = RuleKind(key, label, func, params)
        return func
    return register


def validate_params(key, params):
    kind = REGISTRY[key]
    if not isinstance(params, dict):
        raise ValidationError({"params": _("Parameters must be a JSON object.")})
    unknown = set(params) - set(kind.params)
    if unknown:
        raise ValidationError({"params": _("Unknown parameters: %(names)s") % {"names": ", ".join(sorted(unknown))}})
    for name, (typ, required) in kind.params.items():
        if name not in params:
            if required:
                raise ValidationError({"params": _("Missing parameter: %(name)s") % {"name": name}})
            continue
        value = params[name]
        if typ is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif typ is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, typ)
        if not ok:
            raise ValidationError({"params": _("Parameter %(name)s has the wrong type.") % {"name": name}})


def _types_label(types):
    labels = dict(UnitType.choices)
    return "、".join(str(labels.get(t, t)) for t in types)


def _num(value):
    if value is None:
        return _("not given")
    value = Decimal(value)
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


def _soft(params, hard_text, soft_text):
    return soft_text if params.get("_soft") else hard_text


# --- the rule kinds ---------------------------------------------------------------------------

@rule("lead_region", gettext_lazy("lead unit registered in a region"), divisions=(list, True), region_name=(str, True))
def lead_region(f, p):
    ok = any(code in f.lead_division_codes for code in p["divisions"])
    req = _soft(p, _("the lead unit must be registered in %(region)s"),
                _("the lead unit should in principle be registered in %(region)s")) % {"region": p["region_name"]}
    obs = _("it is registered in %(where)s") % {"where": f.lead_division_name or _("an unknown place")}
    return ok, req, obs


@rule("lead_unit_type", gettext_lazy("lead unit type"), types=(list, True))
def lead_unit_type(f, p):
    ok = f.lead_unit_type in p["types"]
    req = _soft(p, _("the lead unit must be: %(types)s"), _("the lead unit should in principle be: %(types)s")) % {
        "types": _types_label(p["types"])}
    obs = _("it is: %(type)s") % {"type": _types_label([f.lead_unit_type])}
    return ok, req, obs


@rule("lead_independent_legal_person", gettext_lazy("lead unit is an independent legal person"))
def lead_independent_legal_person(f, p):
    ok = f.lead_independent_legal_person
    req = _("the lead unit must be an independent legal person")
    obs = _("the unit profile says yes") if ok else _("the unit profile says no")
    return ok, req, obs


@rule("lead_category", gettext_lazy("lead unit category"), categories=(list, True))
def lead_category(f, p):
    ok = f.lead_category in p["categories"]
    req = _("the lead unit must be one of: %(cats)s") % {
        "cats": vocabulary.joined(vocabulary.LEAD_CATEGORY, p["categories"])}
    obs = (_("declared: %(cat)s") % {"cat": vocabulary.name_of(vocabulary.LEAD_CATEGORY, f.lead_category)}
           if f.lead_category else _("no category declared"))
    return ok, req, obs


def _category_applies(f, p):
    cats = p.get("categories")
    return not cats or f.lead_category in cats


@rule("lead_revenue_min", gettext_lazy("lead unit revenue at least"), min=(float, True), categories=(list, False))
def lead_revenue_min(f, p):
    if not _category_applies(f, p):
        return None, _("the revenue threshold applies only to some lead categories"), _("not applicable")
    ok = f.lead_revenue is not None and f.lead_revenue >= Decimal(str(p["min"]))
    req = _soft(p, _("the lead unit's annual revenue must be at least %(min)s (10k yuan)"),
                _("the lead unit's annual revenue should in principle be at least %(min)s (10k yuan)")) % {
        "min": _num(p["min"])}
    obs = _("declared %(value)s") % {"value": _num(f.lead_revenue)}
    return ok, req, obs


@rule("lead_rd_intensity_min", gettext_lazy("lead unit R&D intensity at least"), min_percent=(float, True),
      categories=(list, False))
def lead_rd_intensity_min(f, p):
    if not _category_applies(f, p):
        return None, _("the R&D intensity threshold applies only to some lead categories"), _("not applicable")
    value = f.rd_intensity
    ok = value is not None and value >= Decimal(str(p["min_percent"]))
    req = _soft(p, _("the lead unit's R&D intensity must be at least %(min)s%%"),
                _("the lead unit's R&D intensity should in principle be at least %(min)s%%")) % {
        "min": _num(p["min_percent"])}
    obs = (_("declared %(value)s%%") % {"value": f"{value:.2f}"}) if value is not None else _(
        "revenue or R&D spending not given")
    return ok, req, obs


LEAD_FLAGS = {
    "has_provincial_carrier": gettext_lazy("the lead unit must hold a provincial-level or higher innovation carrier"),
    "has_equity_fund": gettext_lazy("the lead unit must have an equity investment fund"),
}


@rule("lead_flag", gettext_lazy("lead unit declares a qualification"), flag=(str, True))
def lead_flag(f, p):
    if p["flag"] not in LEAD_FLAGS:
        raise ValidationError(_("Unknown flag: %(flag)s") % {"flag": p["flag"]})
    ok = bool(getattr(f, "lead_" + p["flag"]))
    return ok, str(LEAD_FLAGS[p["flag"]]), (_("declared") if ok else _("not declared"))


@rule("min_members", gettext_lazy("number of member units at least"), min=(int, True), include_lead=(bool, False))
def min_members(f, p):
    n = len(f.members) + (1 if p.get("include_lead") else 0)
    req = _soft(p, _("member units must number at least %(min)d"),
                _("member units should generally number at least %(min)d")) % {"min": p["min"]}
    return n >= p["min"], req, _("currently %(n)d") % {"n": n}


@rule("min_members_of_kind", gettext_lazy("members of given kinds at least"), member_kinds=(list, True),
      min=(int, True))
def min_members_of_kind(f, p):
    """E.g. 北京 三2: 联动产业链上下游企业原则上不少于1家 — at least N members of the kinds K (member kinds
    are data: applications.MemberKind, so a guideline's own kind can be counted)."""
    n = sum(1 for m in f.members if m.unit_type in p["member_kinds"])
    req = _soft(p, _("members must include at least %(min)d of: %(kinds)s"),
                _("members should in principle include at least %(min)d of: %(kinds)s")) % {
        "min": p["min"], "kinds": vocabulary.joined(vocabulary.MEMBER_KIND, p["member_kinds"])}
    return n >= p["min"], req, _("currently %(n)d") % {"n": n}


@rule("members_independent_legal", gettext_lazy("members are independent legal persons"))
def members_independent_legal(f, p):
    bad = [m.name for m in f.members if not m.independent_legal_person]
    req = _("every member unit must be an independent legal person")
    obs = _("not so: %(names)s") % {"names": "、".join(bad)} if bad else _("all are")
    return not bad, req, obs


@rule("member_qualification", gettext_lazy("members of a type need a qualification"), type=(str, True),
      qualification=(str, True))
def member_qualification(f, p):
    relevant = [m for m in f.members if m.unit_type == p["type"]]
    bad = [m.name for m in relevant if p["qualification"] not in (m.qualification or "")]
    req = _("a member of type %(type)s must be a %(qualification)s") % {
        "type": vocabulary.name_of(vocabulary.MEMBER_KIND, p["type"]), "qualification": p["qualification"]}
    if not relevant:
        return None, req, _("there is no such member")
    obs = _("not stated for: %(names)s") % {"names": "、".join(bad)} if bad else _("stated for all")
    return not bad, req, obs


@rule("governance_roles", gettext_lazy("governance roles filled"), roles=(list, True))
def governance_roles(f, p):
    labels = dict(PersonRole.choices)
    filled = {person.role for person in f.people if person.name.strip()}
    missing = [r for r in p["roles"] if r not in filled]
    req = _soft(p, _("the consortium must name: %(roles)s"), _("the consortium should in principle name: %(roles)s")) % {
        "roles": "、".join(str(labels.get(r, r)) for r in p["roles"])}
    obs = _("missing: %(roles)s") % {"roles": "、".join(str(labels.get(r, r)) for r in missing)} if missing else _(
        "all named")
    return not missing, req, obs


@rule("chair_from_lead", gettext_lazy("council chair comes from the lead unit"))
def chair_from_lead(f, p):
    chairs = [person for person in f.people if person.role == PersonRole.COUNCIL_CHAIR and person.name.strip()]
    ok = any(person.unit_name.strip() == f.lead_name.strip() for person in chairs)
    req = _soft(p, _("the head of the lead unit must chair the council"),
                _("the head of the lead unit should in principle chair the council"))
    if not chairs:
        obs = _("no council chair named")
    else:
        obs = _("the chair is from %(unit)s") % {"unit": chairs[0].unit_name or _("an unnamed unit")}
    return ok, req, obs


@rule("total_investment_min", gettext_lazy("total investment at least"), min=(float, True))
def total_investment_min(f, p):
    ok = f.total_investment is not None and f.total_investment >= Decimal(str(p["min"]))
    req = _("total investment must be at least %(min)s (10k yuan)") % {"min": _num(p["min"])}
    return ok, req, _("declared %(value)s") % {"value": _num(f.total_investment)}


@rule("fulltime_staff_min", gettext_lazy("full-time staff at least"), min=(int, True))
def fulltime_staff_min(f, p):
    ok = f.fulltime_staff is not None and f.fulltime_staff >= p["min"]
    req = _("full-time staff must number at least %(min)d") % {"min": p["min"]}
    return ok, req, _("declared %(value)s") % {"value": _num(f.fulltime_staff)}


@rule("integrated_enterprises_min", gettext_lazy("integrated up/downstream enterprises at least"),
      default=(int, True), by_field=(dict, False))
def integrated_enterprises_min(f, p):
    needed = (p.get("by_field") or {}).get(f.field, p["default"])
    ok = f.integrated_enterprises is not None and f.integrated_enterprises >= needed
    req = _("in the field %(field)s at least %(min)d up/downstream enterprises must already be integrated") % {
        "field": f.field or _("(no field chosen)"), "min": needed}
    return ok, req, _("declared %(value)s") % {"value": _num(f.integrated_enterprises)}


@rule("operator_independent", gettext_lazy("operating entity is independent"))
def operator_independent(f, p):
    ok = f.operator_status in (OperatorStatus.LEGAL_ENTITY, OperatorStatus.SEPARATE)
    req = _("the operating entity must be an independent legal entity or have separate people, money and assets")
    labels = dict(OperatorStatus.choices)
    return ok, req, _("declared: %(value)s") % {"value": labels.get(f.operator_status, f.operator_status)}


@rule("formation_mode_in", gettext_lazy("formation mode is one of the programme's"))
def formation_mode_in(f, p):
    modes = f.programme.formation_modes
    req = _("the formation mode must be one of: %(modes)s") % {"modes": "、".join(modes)}
    obs = _("chosen: %(mode)s") % {"mode": f.formation_mode} if f.formation_mode else _("none chosen")
    return f.formation_mode in modes, req, obs


@rule("field_in", gettext_lazy("field is one of the programme's"))
def field_in(f, p):
    fields = f.programme.field_names()
    req = _soft(p, _("the field must be one of: %(fields)s"), _("the field should generally be one of: %(fields)s")) % {
        "fields": "、".join(fields)}
    obs = _("chosen: %(field)s") % {"field": f.field} if f.field else _("none chosen")
    return f.field in fields, req, obs


@rule("no_credit_record", gettext_lazy("no credit record in force against the lead or a member unit"),
      kinds=(list, True), years=(int, False), lead_only=(bool, False))
def no_credit_record(f, p):
    """Every unit of the consortium (``lead_only``: the lead unit alone), by credit code; ``years``: how
    long a record that names no end counts."""
    found, unchecked = credit.hits(f, p["kinds"], f.today or timezone.localdate(), p.get("years"),
                                   members=not p.get("lead_only"))
    if p.get("lead_only"):
        req = _("the lead unit must have no record in force of: %(kinds)s")
    else:
        req = _("neither the lead unit nor any member unit may have a record in force of: %(kinds)s")
    return not found, req % {"kinds": credit.kinds_label(p["kinds"])}, credit.observation(found, unchecked)


@rule("disqualification_bar", gettext_lazy("a disqualified lead may neither lead nor join a core layer"),
      kinds=(list, True), years=(int, True))
def disqualification_bar(f, p):
    """A unit whose lead qualification was withdrawn may, for the record's period (``years`` when it names
    no end), neither lead a new consortium nor be a member of its core layer."""
    found, unchecked = credit.hits(f, p["kinds"], f.today or timezone.localdate(), p["years"], core_only=True)
    req = _("a unit with a record of %(kinds)s may, for %(years)d years unless the record says otherwise, neither "
            "lead a consortium nor be in its core layer") % {"kinds": credit.kinds_label(p["kinds"]), "years": p["years"]}
    return not found, req, credit.observation(found, unchecked)


# --- evaluation -------------------------------------------------------------------------------

def _message(programme, citation, requirement, observation):
    return f"{programme.guideline_title}{citation}：{requirement}，{observation}"


def completeness(f):
    """What every application needs before it can be submitted, whatever the programme."""
    checks = [
        (bool(f.name.strip()), _("the consortium name is filled in")),
        (bool(f.field.strip()), _("a field is chosen")),
        (bool(f.goals.strip()), _("goals and positioning are described")),
        (f.task_count > 0, _("at least one key task is listed")),
    ]
    if district_stage_applies(f.programme, f.lead_unit_type, f.lead_selected_by):  # no office on other routes
        checks.append((f.district_chosen, _("the district office for the initial review is chosen")))
    missing = [text for ok, text in checks if not ok]
    message = (_("Application form: still to do — %(items)s") % {"items": "；".join(missing)} if missing
               else _("Application form: every required section is filled in"))
    return Result("completeness", FAIL if missing else PASS, message, "hard")


def evaluate(application_or_facts, rules=None, requirements=None):
    """Every rule's result for an application (saved, or its unsaved Facts)."""
    f = application_or_facts if isinstance(application_or_facts, Facts) else facts_from_application(
        application_or_facts)
    programme = f.programme
    if rules is None:
        rules = [r for r in programme.rules.all() if r.active]
    if requirements is None:
        requirements = list(programme.attachment_requirements.all())
    results = [completeness(f)]
    for row in rules:
        kind = REGISTRY.get(row.rule_key)
        if kind is None:
            continue
        params = dict(row.params, _soft=row.severity == Severity.SOFT)
        ok, requirement, observation = kind.func(f, params)
        if ok is None:
            status = NA
        elif ok:
            status = PASS
        else:
            status = WARN if row.severity == Severity.SOFT else FAIL
        results.append(Result(row.rule_key, status, _message(programme, row.citation, requirement, observation),
                              row.severity))
    for req in requirements:
        if not req.applies_to(f.lead_selected_by, f.lead_unit_type):
            continue
        present = req.code in f.attachment_codes
        requirement = _("attachment %(name)s must be uploaded") % {"name": req.name}
        observation = _("uploaded") if present else _("not uploaded yet")
        results.append(Result("attachment:" + req.code, PASS if present else FAIL,
                              _message(programme, req.citation, requirement, observation), "hard"))
    return results
