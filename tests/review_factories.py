"""Review-workflow factories: an application of a seed programme in any state, in one line.

    app = make_application("weihai-2026", state="decision")   # (Weihai has no decision: ValueError)
    app = make_application("zgc-2026", state="publicity")
    app = make_application("suzhou-2026", state="filed", lead_selected_by="city")

The application is complete and eligible (members, governance people, key tasks, budget, targets
and every required attachment as a real PDF upload), and it is walked through the REAL services
by the right users — submit by its applicant, the district reviewer of its district (with peer
opinions or the 推荐函 where the route asks for them), staff of the programme's authority, drawn
experts who accept and score — so its state, transition log, versions and review records are
honest.  Needs the ``seeded`` fixture (the five seed programmes).

Side states: ``returned`` / ``withdrawn`` / ``not_recommended`` / ``refused`` are reached from
``from_state`` (default: the first review stage, or the decision stage for a refusal).

This file is shared: add helpers, don't rewrite others' additions.
"""

import datetime
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from applications import services as app_services
from applications import stages
from applications.models import Application, BudgetLine, Member, Person, Programme, Target, Task
from applications.services import fire
from applications.states import State
from portal.models import District, Division, Role, UnitType, User
from review import services
from review.demo import waiting_states
from review.models import Expert

from .factories import ApplicationFactory, UnitFactory, UserFactory, make_credit_code, taxonomy
from .pdfs import blank_pdf

_n = itertools.count(1)

#: Where the lead unit of each seed programme is registered (a division with a district office).
LEAD_DIVISION = {
    "weihai-2026": "371002",   # 环翠区 → 环翠区科技局
    "jiangsu-2026": "320505",  # 虎丘区 → 苏州市科学技术局 (设区市科技局)
    "suzhou-2026": "320505",   # 虎丘区 → 虎丘区（苏州高新区）科技局
    "beijing-2026": "110108",  # 海淀区 → 海淀区科学技术和信息化局 (follows, does not gate)
    "zgc-2026": "110108",      # 海淀区 → 中关村科技园区海淀园管理委员会
}
#: A second division of the same authority with its own office (for "another district" cases).
OTHER_DIVISION = {"weihai-2026": "371003", "jiangsu-2026": "320100", "suzhou-2026": "320506",
                  "beijing-2026": "110105", "zgc-2026": "110105"}

SEED_CODES = tuple(LEAD_DIVISION)
SIDE_STATES = (State.RETURNED, State.WITHDRAWN, State.NOT_RECOMMENDED, State.REFUSED)
REFUSE_SOURCES = (State.FORMAL_REVIEW, State.EXPERT_REVIEW, State.DECISION, State.PUBLICITY)


def pdf_upload(name="file.pdf", data=None):
    return SimpleUploadedFile(name, data or blank_pdf(), content_type="application/pdf")


def programme(code):
    return Programme.objects.select_related("authority").get(code=code)


# --- users per role -------------------------------------------------------------------------------

def applicant_user(unit, **kwargs):
    return UserFactory(role=Role.APPLICANT, unit=unit, **kwargs)


def district_user(district, **kwargs):
    """A reviewer of ``district`` (one per office is reused unless ``new=True``)."""
    if not kwargs.pop("new", False):
        found = User.objects.filter(role=Role.DISTRICT, district=district).order_by("pk").first()
        if found:
            return found
    return UserFactory(role=Role.DISTRICT, district=district, unit=None, **kwargs)


def staff_user(authority, **kwargs):
    """Programme staff of ``authority`` (one per authority is reused unless ``new=True``)."""
    if not kwargs.pop("new", False):
        found = User.objects.filter(role=Role.STAFF, authority=authority).order_by("pk").first()
        if found:
            return found
    return UserFactory(role=Role.STAFF, authority=authority, unit=None, **kwargs)


def admin_user(**kwargs):
    return UserFactory(role=Role.ADMIN, unit=None, **kwargs)


def expert_user(fields=("新一代信息技术",), **kwargs):
    """An expert of the pool with a login; returns the user (``user.expert_profile`` is the Expert)."""
    n = next(_n)
    user = UserFactory(role=Role.EXPERT, unit=None, full_name=kwargs.pop("name", f"评审专家{n}"))
    expert = Expert.objects.create(
        name=user.full_name, title=kwargs.pop("title", "研究员"), affiliation=kwargs.pop("affiliation", f"某某研究院{n}"),
        affiliation_credit_code=kwargs.pop("affiliation_credit_code", make_credit_code("110108", "12")),
        user=user, **kwargs)
    expert.fields.set(taxonomy(fields))
    return user


def ensure_experts(field, count):
    """At least ``count`` active experts with a login in ``field``; returns them."""
    have = list(Expert.objects.filter(active=True, user__isnull=False, fields__name=field).distinct())
    for _i in range(count - len(have)):
        have.append(expert_user(fields=[field]).expert_profile)
    return have


def unit_in(code, unit_type=UnitType.ENTERPRISE, division=None, **kwargs):
    division = Division.objects.get(code=division or LEAD_DIVISION[code])
    return UnitFactory(division=division, unit_type=unit_type, **kwargs)


def district_of(code, other=False):
    prog = programme(code)
    division = Division.objects.get(code=(OTHER_DIVISION if other else LEAD_DIVISION)[code])
    return District.suggest(prog.authority, division)


# --- a complete, eligible draft -----------------------------------------------------------------

def make_draft(code, unit=None, lead_unit_type=UnitType.ENTERPRISE, lead_selected_by=None, members=3,
               name=None, field=None, applicant=None):
    """A complete draft that passes every hard rule of the seed programme ``code``."""
    prog = programme(code)
    unit = unit or unit_in(code, unit_type=lead_unit_type)
    applicant = applicant or applicant_user(unit)
    if lead_selected_by is None:
        lead_selected_by = "county" if code == "suzhou-2026" else ""
    field = field or (prog.field_names() or ["新一代信息技术"])[0]
    n = next(_n)
    app = Application.objects.create(
        programme=prog, unit=unit, created_by=applicant, district=District.suggest(prog.authority, unit.division),
        name=name or f"{unit.name[:20]}创新联合体{n}", field=field, industry_chain="集成电路设计—制造—封测",
        formation_mode=prog.formation_modes[0] if prog.formation_modes else "",
        lead_selected_by=lead_selected_by, goals="突破关键核心技术，带动产业链上下游协同创新。",
        lead_category="industry_leader", lead_revenue=Decimal("200000"),
        lead_rd_spending=Decimal("12000"), lead_carriers="省级企业技术中心",
        lead_has_provincial_carrier=True, lead_has_equity_fund=True,
        operator_status=Application.OperatorStatus.LEGAL_ENTITY, total_investment=Decimal("8000"),
        fulltime_staff=25, integrated_enterprises=60,
    )
    kinds = [UnitType.ENTERPRISE, UnitType.UNIVERSITY, UnitType.RESEARCH]
    for i in range(members):
        kind = kinds[i % len(kinds)]
        Member.objects.create(application=app, name=f"成员单位{n}-{i + 1}号{kind}", credit_code=make_credit_code(),
                              unit_type=kind, region="本市", role=Member.Role.CORE if i == 0 else Member.Role.MEMBER,
                              division_of_work="协同攻关", committed_input=Decimal("500"), order=i)
    for order, role in enumerate(Person.Role.values):
        if role == Person.Role.OTHER:
            continue
        Person.objects.create(application=app, role=role, name=f"负责人{n}-{order}", title="高级工程师",
                              unit_name=unit.name, phone="13800000000", order=order)
    Task.objects.create(application=app, title="关键核心技术攻关", description="攻关内容与目标", responsible=unit.name,
                        budget=Decimal("3000"))
    BudgetLine.objects.create(application=app, source=BudgetLine.Source.LEAD, amount=Decimal("5000"))
    Target.objects.create(application=app, year=timezone.localdate().year + 1, indicator="发明专利", value="20件")
    for req in prog.attachment_requirements.all():
        if req.applies_to(app.lead_selected_by, unit.unit_type):
            app_services.store_attachment(app, req, pdf_upload(f"{req.code}.pdf"), applicant)
    return app


def quick_application(code, trait, unit=None, lead_selected_by=None, publicity_start=None, **fields):
    """An application of seed programme ``code`` put straight into a state by an ApplicationFactory trait
    (``"in_formal_review"``, ``"filed"`` …): no services, no review records (see tests/factories.py).

    For tests that need an application in a state and check something else (a list, a directory, a
    race); ``make_application`` when the way there, or what it leaves behind, matters.
    """
    with transaction.atomic():  # one commit in a transactional test
        prog = programme(code)
        unit = unit or unit_in(code)
        if lead_selected_by is None:
            lead_selected_by = "county" if code == "suzhou-2026" else ""
        fields.setdefault("field", (prog.field_names() or ["新一代信息技术"])[0])
        return ApplicationFactory(programme=prog, unit=unit, created_by=applicant_user(unit),
                                  district=District.suggest(prog.authority, unit.division),
                                  lead_selected_by=lead_selected_by, history__publicity_start=publicity_start,
                                  **fields, **{trait: True})


# --- walking the route with the real services -----------------------------------------------------

def forward_states(app):
    """The states this application passes through from draft to filed, in order."""
    return [State.DRAFT, *waiting_states(app)]


def rewriting_history():
    """Lets a test move the append-only log's entries (PostgreSQL refuses UPDATE on it: pgtrigger's ``append_only``
    trigger), for this block only.  Tests only: the portal never rewrites its log."""
    import contextlib

    import pgtrigger
    from django.db import connection

    if connection.vendor != "postgresql":
        return contextlib.nullcontext()
    return pgtrigger.ignore("review.TransitionLog:append_only")


def move_log(entries, at):
    """Move the log ``entries`` (a queryset) to the time ``at`` — tests only: the log is append-only — and the
    ``waiting_since`` of their applications with them (their latest entry's time)."""
    from django.db.models import Max

    from review.models import TransitionLog

    applications = set(entries.values_list("application_id", flat=True))
    with rewriting_history():
        entries.update(at=at)
    for pk in applications:
        last = TransitionLog.objects.filter(application_id=pk).aggregate(last=Max("at"))["last"]
        Application.objects.filter(pk=pk).update(waiting_since=last)


def reload(app):
    return Application.objects.select_related("programme__authority", "unit", "district").get(pk=app.pk)


def ticked_checklist(app):
    """The formal-review checklist with every "signed and sealed" item ticked by the reviewer."""
    return [dict(item, ticked=True) if item["status"] == "manual" else item
            for item in services.formal_checklist(reload(app))]


def accept_and_score(app, score=Decimal("85"), recommendation="support", submit=True):
    """Every invited expert accepts (declaring no conflict) and, if ``submit``, scores every criterion."""
    criteria = services.criteria_for(app.programme)
    for assignment in app.assignments.select_related("expert__user").all():
        user = assignment.expert.user
        if assignment.status == "invited":
            services.respond_to_invitation(assignment, user, accept=True, no_conflict=True)
        if submit and assignment.status == "accepted":
            services.submit_scores(assignment, user, {c.pk: (score, "意见") for c in criteria}, recommendation,
                                   "同意支持。")


def step(app, target=None, experts=3, publicity_start=None, today=None):
    """Fire the one forward action the application is waiting for, as the right user."""
    app = reload(app)
    staff = staff_user(app.programme.authority)
    state = app.state
    if state == State.DRAFT:
        app_services.submit(app.pk, app.created_by)
    elif state == State.DISTRICT_REVIEW:
        reviewer = district_user(app.district)
        params = stages.stage_params(app, "district_review")
        for i in range(params.get("peer_opinions_min", 0) - sum(p.qualifies for p in app.peer_opinions.all())):
            services.add_peer_opinion(app, reviewer, expert_name=f"同行专家{i + 1}", title="教授",
                                      title_level="senior", discipline="电子科学与技术", opinion="同意推荐。",
                                      date=timezone.localdate())
        letter = pdf_upload("推荐函.pdf") if params.get("recommendation_letter") else None
        services.district_decide(app.pk, reviewer, "recommend", "材料真实，同意推荐。", letter=letter)
    elif state == State.FORMAL_REVIEW:
        services.formal_review_decide(app.pk, staff, True, "", ticked_checklist(app))
    elif state == State.EXPERT_PENDING:
        ensure_experts(app.field, experts)
        services.draw_experts(app.pk, staff, experts)
    elif state == State.EXPERT_REVIEW:
        accept_and_score(app)
        record_visit(app, staff)
        services.conclude_experts(app.pk, staff)
    elif state == State.DECISION:
        meeting_body = stages.stage_params(app, "decision").get("meeting")
        meeting = services.new_meeting(app.programme, staff, timezone.localdate(), meeting_body, "审议通过。") \
            if meeting_body else None
        services.decide([app.pk], staff, "approve", meeting=meeting)
    elif state == State.APPROVED and stages.route_has_publicity(app):
        if publicity_start is None:
            publicity_start = timezone.localdate() - datetime.timedelta(days=30 if target == State.FILED else 0)
        services.open_publicity(app.programme, [app.pk], staff, publicity_start)
    elif state in (State.APPROVED, State.PUBLICITY):
        sign_agreement(app, staff)
        services.file_applications([app.pk], staff, today=today)
    else:
        raise ValueError(f"nothing moves an application forward from {state}")
    return reload(app)


def record_visit(app, staff):
    """Where the programme's expert assessment includes one (威海, 北京), staff record a site visit."""
    if stages.stage_params(app, "expert_review").get("visit_required") and not app.site_visits.exists():
        services.record_site_visit(app, staff, "site_visit", timezone.localdate(), "牵头单位研发中心",
                                   "评审专家三名、市科技局工作人员", "查看研发场地和设备，座谈。")


def sign_agreement(app, staff):
    """Where the programme's filing needs it (中关村), staff upload the signed agreement with targets."""
    if stages.stage_params(app, "filing").get("agreement") and not app.filing_agreements.exists():
        services.store_filing_agreement(app.pk, staff, pdf_upload("协议书.pdf"), timezone.localdate())


def advance(app, state, **options):
    """Walk ``app`` forward through the real services until it is in ``state``."""
    path = forward_states(app)
    if state not in path:
        raise ValueError(f"{state} is not on the route of {app.programme.code}: {path}")
    app = reload(app)
    while path.index(app.state) < path.index(state):
        app = step(app, target=state, **options)
    return app


def make_application(code, state=State.DRAFT, from_state=None, reason="请补充材料。", **kwargs):
    """An application of seed programme ``code`` honestly brought into ``state`` (see module doc)."""
    walk = {k: kwargs.pop(k) for k in ("experts", "publicity_start", "today") if k in kwargs}
    app = make_draft(code, **kwargs)
    if state not in SIDE_STATES:
        return advance(app, state, **walk)
    path = forward_states(app)
    if from_state is None:
        if state == State.REFUSED:
            from_state = next(s for s in (State.DECISION, State.EXPERT_REVIEW, State.FORMAL_REVIEW) if s in path)
        else:
            from_state = path[1]
    app = advance(app, from_state, **walk)
    staff = staff_user(app.programme.authority)
    if state == State.WITHDRAWN:
        services.withdraw(app.pk, app.created_by, reason="主动撤回。")
    elif state == State.NOT_RECOMMENDED:
        services.district_decide(app.pk, district_user(app.district), "not_recommend", "不符合推荐条件。")
    elif state == State.RETURNED:
        if app.state == State.DISTRICT_REVIEW:
            services.district_decide(app.pk, district_user(app.district), "return", reason)
        elif app.state == State.FORMAL_REVIEW:
            services.formal_review_decide(app.pk, staff, False, reason, ticked_checklist(app))
        else:
            fire(app.pk, "return_for_revision", staff, reason=reason)
    elif state == State.REFUSED:
        if app.state == State.DECISION:
            body = stages.stage_params(app, "decision").get("meeting")
            meeting = services.new_meeting(app.programme, staff, timezone.localdate(), body, "审议未通过。") \
                if body else None
            services.decide([app.pk], staff, "refuse", reason=reason, meeting=meeting)
        else:
            fire(app.pk, "refuse", staff, reason=reason)
    return reload(app)

