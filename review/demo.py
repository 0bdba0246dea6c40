"""Demo applications at every stage, walked there by the real services as the demo users.

``manage.py demo_data`` calls :func:`populate` once the demo units and users exist, so a newcomer
finds work waiting for every role at once: for each seed programme one application waiting at each
stage of its route (district review, formal review, experts to draw, experts scoring, decision),
one approved, one in a publicity whose period has already ended (staff can file it at once: a
publicity opened through the pages starts today and lasts its working days), one filed with its
certificate, and one returned for revision.  Idempotent: a programme whose demo unit already has
demo applications is left alone.
"""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from applications import services as app_services
from applications.models import Application, BudgetLine, Member, Person, Target, Task
from applications.stages import STAGES, StageKey, route, route_has_publicity, stage_params
from applications.states import State
from portal.models import District, Role, UnitType, User

from . import services
from .models import Assignment

DEMO_MARK = "（演示·"  # in the name of every application this module makes


def _pdf(name):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    data = io.BytesIO()
    writer.write(data)
    return SimpleUploadedFile(name, data.getvalue(), content_type="application/pdf")


def draft(programme, unit, applicant, label):
    """A complete draft of ``unit`` that passes the programme's hard rules."""
    lead_selected_by = "county" if "lead_selected_by" in str(programme.stages) else ""
    application = Application.objects.create(
        programme=programme, unit=unit, created_by=applicant, district=District.suggest(programme.authority, unit.division),
        name=f"{unit.name.split('（')[0][:18]}创新联合体{DEMO_MARK}{label}）",
        field=(programme.field_names() or ["新一代信息技术"])[0], industry_chain="核心部件—整机—应用",
        formation_mode=programme.formation_modes[0] if programme.formation_modes else "",
        lead_selected_by=lead_selected_by, goals="突破关键核心技术，带动产业链上下游协同创新。",
        lead_category="industry_leader", lead_revenue=Decimal("200000"),
        lead_rd_spending=Decimal("12000"), lead_carriers="省级企业技术中心", lead_has_provincial_carrier=True,
        lead_has_equity_fund=True, operator_status=Application.OperatorStatus.LEGAL_ENTITY,
        total_investment=Decimal("8000"), fulltime_staff=25, integrated_enterprises=60)
    kinds = [UnitType.ENTERPRISE, UnitType.UNIVERSITY, UnitType.RESEARCH]
    for i, kind in enumerate(kinds):
        Member.objects.create(application=application, name=f"示范{kind}成员单位{i + 1}（演示）", unit_type=kind,
                              region="本市", role=Member.Role.CORE if i == 0 else Member.Role.MEMBER,
                              division_of_work="协同攻关", committed_input=Decimal("500"), order=i)
    for order, role in enumerate(r for r in Person.Role.values if r != Person.Role.OTHER):
        Person.objects.create(application=application, role=role, name=f"演示负责人{order + 1}", title="高级工程师",
                              unit_name=unit.name, phone="13800000000", order=order)
    Task.objects.create(application=application, title="关键核心技术攻关", description="攻关内容与目标",
                        responsible=unit.name, budget=Decimal("3000"))
    BudgetLine.objects.create(application=application, source=BudgetLine.Source.LEAD, amount=Decimal("5000"))
    Target.objects.create(application=application, year=timezone.localdate().year + 1, indicator="发明专利",
                          value="20件")
    for requirement in programme.attachment_requirements.all():
        if requirement.applies_to(application.lead_selected_by, unit.unit_type):
            app_services.store_attachment(application, requirement, _pdf(f"{requirement.code}.pdf"), applicant)
    return application


def _reload(application):
    return Application.objects.select_related("programme__authority", "unit", "district").get(pk=application.pk)


def _district_review(application, reviewer):
    params = stage_params(application, StageKey.DISTRICT_REVIEW)
    for i in range(params.get("peer_opinions_min", 0)):
        services.add_peer_opinion(application, reviewer, expert_name=f"同行专家{i + 1}（演示）", title="教授",
                                  title_level="senior", discipline="机械工程", opinion="同意推荐。",
                                  date=timezone.localdate())
    letter = _pdf("推荐函.pdf") if params.get("recommendation_letter") else None
    services.district_decide(application.pk, reviewer, "recommend", "材料真实，同意推荐。", letter=letter)


def _expert_review(application, staff):
    criteria = services.criteria_for(application.programme)
    for assignment in application.assignments.select_related("expert__user"):
        user = assignment.expert.user
        if assignment.status == Assignment.Status.INVITED:
            services.respond_to_invitation(assignment, user, accept=True, no_conflict=True)
            assignment.refresh_from_db()
        if assignment.status == Assignment.Status.ACCEPTED:
            services.submit_scores(assignment, user, {c.pk: (Decimal("86"), "同意") for c in criteria}, "support",
                                   "建议支持。")
    if stage_params(application, StageKey.EXPERT_REVIEW).get("visit_required"):
        services.record_site_visit(application, staff, "site_visit", timezone.localdate(), "牵头单位研发中心",
                                   "评审专家、工作人员", "查看研发场地和设备，座谈。")
    services.conclude_experts(application.pk, staff)


def step(application, users):
    """Fire the one forward action ``application`` waits for, as the demo user who acts there."""
    application = _reload(application)
    staff, today = users["staff"], timezone.localdate()
    state = application.state
    if state == State.DRAFT:
        app_services.submit(application.pk, application.created_by)
    elif state == State.DISTRICT_REVIEW:
        _district_review(application, users["district"])
    elif state == State.FORMAL_REVIEW:
        checklist = [dict(item, ticked=True) if item["status"] == "manual" else item
                     for item in services.formal_checklist(application)]
        services.formal_review_decide(application.pk, staff, True, "", checklist)
    elif state == State.EXPERT_PENDING:
        services.draw_experts(application.pk, staff, 3, deadline=today + datetime.timedelta(days=14))
    elif state == State.EXPERT_REVIEW:
        _expert_review(application, staff)
    elif state == State.DECISION:
        body = stage_params(application, StageKey.DECISION).get("meeting")
        meeting = services.new_meeting(application.programme, staff, today, body, "审议通过。") if body else None
        services.decide([application.pk], staff, "approve", meeting=meeting)
    elif state == State.APPROVED and route_has_publicity(application):
        # A period that began a month ago, so that it has ended and staff can file at once.
        services.open_publicity(application.programme, [application.pk], staff, today - datetime.timedelta(days=30))
    else:
        if stage_params(application, StageKey.FILING).get("agreement"):
            services.store_filing_agreement(application.pk, staff, _pdf("协议书.pdf"), today)
        services.file_applications([application.pk], staff)
    return _reload(application)


def waiting_states(application):
    """The states of this application's route from submission to filing, in order."""
    states = [state for key in route(application) if key not in (StageKey.PUBLICITY, StageKey.FILING)
              for state in STAGES[key].states]
    states.append(State.APPROVED)
    if route_has_publicity(application):
        states.append(State.PUBLICITY)
    return states + [State.FILED]


@transaction.atomic
def populate(programme, unit, applicant):
    """One demo application of ``unit`` at every state of the programme's route, and one returned."""
    if Application.objects.filter(unit=unit, programme=programme, name__contains=DEMO_MARK).exists():
        return 0
    users = {"staff": User.objects.filter(role=Role.STAFF, authority=programme.authority).order_by("pk").first(),
             "district": User.objects.filter(role=Role.DISTRICT, district=District.suggest(
                 programme.authority, unit.division)).order_by("pk").first()}
    probe = draft(programme, unit, applicant, "已提交")
    states = waiting_states(probe)
    made = [probe]
    for target in states[1:]:
        made.append(draft(programme, unit, applicant, str(State(target).label)))
    for application, target in zip(made, states, strict=True):
        application = step(application, users)  # submitted
        while application.state != target:
            application = step(application, users)
    returned = step(draft(programme, unit, applicant, str(State.RETURNED.label)), users)
    reviewer = users["district"] if returned.state == State.DISTRICT_REVIEW else users["staff"]
    app_services.fire(returned.pk, "return_for_revision", reviewer, reason="请补充成员单位的合作协议。")
    return len(made) + 1
