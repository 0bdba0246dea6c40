"""The facts an application's eligibility is judged on, built from a saved application or from
the editor's unsaved form data (so the eligibility panel is live); :mod:`applications.rules`
judges them."""

import datetime
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal

from .credit import records_for


@dataclass
class MemberFacts:
    name: str
    unit_type: str
    qualification: str = ""
    independent_legal_person: bool = True
    credit_code: str = ""
    role: str = ""


@dataclass
class PersonFacts:
    role: str
    name: str
    unit_name: str = ""


@dataclass
class Facts:
    """What the rules may look at; independent of whether the data is saved."""

    programme: object
    lead_name: str
    lead_credit_code: str
    lead_unit_type: str
    lead_division_codes: list[str]
    lead_division_name: str
    lead_independent_legal_person: bool
    name: str = ""
    field: str = ""
    formation_mode: str = ""
    goals: str = ""
    lead_selected_by: str = ""
    district_chosen: bool = False
    lead_category: str = ""
    lead_revenue: Decimal | None = None
    lead_rd_spending: Decimal | None = None
    lead_has_provincial_carrier: bool = False
    lead_has_equity_fund: bool = False
    operator_status: str = ""
    total_investment: Decimal | None = None
    fulltime_staff: int | None = None
    integrated_enterprises: int | None = None
    members: list[MemberFacts] = dc_field(default_factory=list)
    people: list[PersonFacts] = dc_field(default_factory=list)
    task_count: int = 0
    attachment_codes: set[str] = dc_field(default_factory=set)
    credit_records: list = dc_field(default_factory=list)
    today: datetime.date | None = None

    @property
    def rd_intensity(self):
        if self.lead_revenue and self.lead_rd_spending is not None and self.lead_revenue > 0:
            return self.lead_rd_spending * 100 / self.lead_revenue
        return None


def lead_facts(unit):
    divisions = list(unit.division.ancestors_and_self()) if unit.division_id else []
    return {
        "lead_name": unit.name,
        "lead_credit_code": unit.credit_code,
        "lead_unit_type": unit.unit_type,
        "lead_division_codes": [d.code for d in divisions],
        "lead_division_name": unit.division.full_name if unit.division_id else "",
        "lead_independent_legal_person": unit.independent_legal_person,
    }


SCALARS = (
    "name", "field", "formation_mode", "goals", "lead_selected_by", "lead_category", "lead_revenue",
    "lead_rd_spending", "lead_has_provincial_carrier", "lead_has_equity_fund", "operator_status",
    "total_investment", "fulltime_staff", "integrated_enterprises",
)


def facts_from_application(application, today=None):
    """Facts of a saved application (uses prefetched members/people/attachments if present)."""
    facts = Facts(programme=application.programme, **lead_facts(application.unit), today=today)
    for name in SCALARS:
        setattr(facts, name, getattr(application, name))
    facts.district_chosen = application.district_id is not None
    facts.members = [
        MemberFacts(m.name, m.unit_type, m.qualification, m.independent_legal_person, m.credit_code, m.role)
        for m in application.members.all()
    ]
    facts.people = [PersonFacts(p.role, p.name, p.unit_name) for p in application.people.all()]
    facts.task_count = len(application.tasks.all())
    facts.attachment_codes = {
        a.requirement.code for a in application.attachments.all() if any(True for _f in a.files.all())
    }
    facts.credit_records = records_for(application.unit.credit_code, facts.members)
    return facts
