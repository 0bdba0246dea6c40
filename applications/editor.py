"""Which parts of the application editor a programme asks for, decided from the programme's data.

One function, :func:`parts_for`, reads the programme's rules (``ProgrammeRule`` rows and their
parameters, see :mod:`applications.rules`), its stages (:mod:`applications.stages`) and its attachment
requirements, and says which fields of the editor apply; the editor's form, its template, the
printed 申报书 (``templates/documents/application_form.html``) and the copy of an earlier
application all use it, so a Beijing applicant is not asked Jiangsu's lead categories, 中关村's
运营主体 or Suzhou's 股权投资基金, and nobody picks an 初审单位 on a route without a district stage.

The choices some fields offer (lead categories, governance roles) come from :func:`choices_for`,
the one place that says where they come from, so that they can be read from other data later.
This module imports only the enumerations: the rules (which judge the district office's presence)
import it.
"""

from dataclasses import dataclass

from .choices import PersonRole

#: The consortium's basic information and the lead's general figures: every programme asks for them
#: (the typical content of a 申报书: name, field, industry chain, goals; the lead's last-year revenue,
#: R&D spending and carriers held).
ALWAYS = ("name", "field", "industry_chain", "goals", "lead_revenue", "lead_rd_spending", "lead_carriers")

#: Fields a programme asks for only when one of its rules judges them: field -> the rule kinds.
BY_RULE = {
    "lead_category": ("lead_category",),
    "lead_has_provincial_carrier": (),  # lead_flag with flag=has_provincial_carrier, see _flags
    "lead_has_equity_fund": (),         # lead_flag with flag=has_equity_fund
    "operator_status": ("operator_independent",),
    "total_investment": ("total_investment_min",),
    "fulltime_staff": ("fulltime_staff_min",),
    "integrated_enterprises": ("integrated_enterprises_min",),
}

#: The editor's tables (formset prefixes), in their order; every programme has them.
TABLES = ("members", "people", "tasks", "budget_lines", "targets")

#: The scalar fields in the order the editor and the papers show them.
ORDER = ("name", "field", "industry_chain", "formation_mode", "lead_selected_by", "district", "goals",
         "lead_category", "lead_revenue", "lead_rd_spending", "lead_carriers", "lead_has_provincial_carrier",
         "lead_has_equity_fund", "operator_status", "total_investment", "fulltime_staff", "integrated_enterprises")

DISTRICT_STAGE = "district_review"


@dataclass(frozen=True)
class Parts:
    """What the editor shows for one programme."""

    fields: tuple            # the scalar fields of the application form, in ORDER
    tables: tuple            # the formset prefixes
    member_fields: tuple     # the columns of the member table
    district: bool           # the route has a district stage: the applicant names the office (初审单位)

    def __contains__(self, name):
        return name in self.fields


def _active_rules(programme):
    """The programme's active rules, read once per programme object (the editor asks for each row)."""
    cached = programme.__dict__.get("_editor_rules")
    if cached is None:
        cached = programme.__dict__["_editor_rules"] = [r for r in programme.rules.all() if r.active]
    return cached


def _flags(rules):
    return {"lead_" + (r.params or {}).get("flag", "") for r in rules if r.rule_key == "lead_flag"}


def uses_lead_selection(programme, requirements=None):
    """Whether the route or the attachments depend on who selected the lead (苏州: city or county)."""
    requirements = programme.attachment_requirements.all() if requirements is None else requirements
    in_stages = any("lead_selected_by" in (s.get("skip_when") or {}) for s in programme.stages)
    return in_stages or any("lead_selected_by" in (r.required_when or {}) for r in requirements)


def has_district_stage(programme):
    return any(s.get("key") == DISTRICT_STAGE for s in programme.stages)


def district_stage_applies(programme, lead_unit_type="", lead_selected_by=""):
    """Whether an application with these answers passes a district office (the stage's ``skip_when``)."""
    for stage in programme.stages:
        if stage.get("key") != DISTRICT_STAGE:
            continue
        skip = stage.get("skip_when") or {}
        if lead_unit_type in skip.get("lead_unit_types", []):
            return False
        return not (lead_selected_by and lead_selected_by in skip.get("lead_selected_by", []))
    return False


def parts_for(programme):
    """The editor's parts for ``programme`` (its rules, stages and attachment requirements, as data).

    Worked out once per programme object."""
    cached = programme.__dict__.get("_editor_parts")
    if cached is None:
        cached = programme.__dict__["_editor_parts"] = _parts(programme)
    return cached


def _parts(programme):
    rules = _active_rules(programme)
    kinds = {r.rule_key for r in rules}
    flags = _flags(rules)
    wanted = set(ALWAYS)
    if programme.formation_modes or "formation_mode_in" in kinds:
        wanted.add("formation_mode")
    if uses_lead_selection(programme):
        wanted.add("lead_selected_by")
    if has_district_stage(programme):
        wanted.add("district")
    for name, rule_kinds in BY_RULE.items():
        if kinds & set(rule_kinds) or name in flags:
            wanted.add(name)
    if any((r.params or {}).get("categories") for r in rules) or programme.configures_lead_categories():
        wanted.add("lead_category")  # the programme names lead categories, or a threshold applies to some
    member_fields = ["name", "credit_code", "unit_type", "region", "role", "division_of_work", "committed_input",
                     "independent_legal_person"]
    if "member_qualification" in kinds:
        member_fields.append("qualification")
    return Parts(fields=tuple(n for n in ORDER if n in wanted), tables=TABLES, member_fields=tuple(member_fields),
                 district=has_district_stage(programme))


def choices_for(programme, name):
    """The choices the editor offers for ``name`` in ``programme`` (``None``: the model's own).

    The lead categories are the programme's entries of the vocabulary (its selection of the shared ones and
    its own); the governance roles those its rules ask for (and "other"), or all of them when no rule names any.
    """
    if name == "lead_category":
        return [(entry.code, entry.name) for entry in programme.lead_category_entries()]
    rules = _active_rules(programme)
    if name == "person_role":
        named = {role for r in rules for role in (r.params or {}).get("roles", [])}
        if any(r.rule_key == "chair_from_lead" for r in rules):
            named.add(PersonRole.COUNCIL_CHAIR)
        if not named:
            return None
        return [(v, label) for v, label in PersonRole.choices if v in named or v == PersonRole.OTHER]
    return None
