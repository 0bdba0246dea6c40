"""Every seed programme's route, walked from submission to filing with the real services.

One test per route asserts each state on the way, the review records each stage leaves and the
certificate number at the end; then the return branch (return → resubmit → back to the same stage)
at every review stage of every route, and the refusal branch of every route.  The formal review
is also driven through its page (``formal_review``), and the role dashboards are checked.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services as app_services
from applications import stages
from applications.models import Application, Member
from applications.services import fire
from applications.states import State
from portal.lifecycle import ActionRefused
from review import services
from review.calendar import WorkingCalendar
from review.models import (
    Decision,
    DistrictOpinion,
    FormalReview,
    Objection,
    PeerOpinion,
    SiteVisit,
    TransitionLog,
)
from review.views.dashboards import dashboard_context
from tests.pdfs import text_pdf
from tests.review_factories import (
    accept_and_score,
    advance,
    applicant_user,
    district_user,
    ensure_experts,
    expert_user,
    forward_states,
    make_application,
    make_draft,
    move_log,
    pdf_upload,
    quick_application,
    reload,
    staff_user,
    step,
    ticked_checklist,
    unit_in,
)

TODAY = timezone.localdate


def targets(app):
    return list(TransitionLog.objects.filter(application=app).order_by("at", "id").values_list("target", flat=True))


def certificate(app):
    return f"{app.programme.certificate_prefix}{TODAY().year}0001"


def submit(app):
    app_services.submit(app.pk, app.created_by)
    return reload(app)


def draw_and_score(app, staff, count=3, seed="route-test"):
    ensure_experts(app.field, count)
    draw = services.draw_experts(app.pk, staff, count, seed=seed)
    assert reload(app).state == State.EXPERT_REVIEW
    assert services.replay_draw(draw) == draw.drawn
    with pytest.raises(ActionRefused, match="Every expert who accepted"):
        services.conclude_experts(app.pk, staff)
    accept_and_score(app, score=Decimal("80"))
    assert services.aggregate(reload(app)) == Decimal("80.00")
    return draw


# --- the five routes ------------------------------------------------------------------------------

def test_weihai_route(seeded, client):
    """区市初审 (≥3 peer opinions of 副高+) → 形式审查 → 专家评估 → 公示 → 备案."""
    app = make_draft("weihai-2026")
    staff = staff_user(app.programme.authority)
    app = submit(app)
    assert app.state == State.DISTRICT_REVIEW
    assert app.district.name == "环翠区科技局"

    reviewer = district_user(app.district)
    for level in ("senior", "associate", "intermediate"):
        services.add_peer_opinion(app, reviewer, expert_name=f"专家{level}", title="教授", title_level=level,
                                  discipline="材料科学", opinion="同意。", date=TODAY())
    with pytest.raises(ActionRefused, match="peer opinions"):
        services.district_decide(app.pk, reviewer, "recommend", "同意推荐。")
    assert reload(app).state == State.DISTRICT_REVIEW
    assert not DistrictOpinion.objects.filter(application=app).exists()
    services.add_peer_opinion(app, reviewer, expert_name="专家四", title="副研究员", title_level="associate",
                              discipline="材料科学", opinion="同意。", date=TODAY())
    services.district_decide(app.pk, reviewer, "recommend", "同意推荐。")
    app = reload(app)
    assert app.state == State.FORMAL_REVIEW
    assert PeerOpinion.objects.filter(application=app).count() == 4

    # 形式审查 through its page: ticks are required to pass; the ticked checklist is stored.
    client.force_login(staff)
    url = reverse("review:formal_review", args=[app.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "组建协议" in page.content.decode()
    response = client.post(url, {"decision": "pass", "confirm": "on"})
    assert response.status_code == 200
    assert reload(app).state == State.FORMAL_REVIEW
    ticks = {f"tick_{i}": "on" for i, item in enumerate(services.formal_checklist(reload(app)))
             if item["status"] == "manual"}
    response = client.post(url, {"decision": "pass", **ticks})  # no confirmation
    assert reload(app).state == State.FORMAL_REVIEW
    response = client.post(url, {"decision": "pass", "confirm": "on", **ticks})
    assert response.status_code == 302
    app = reload(app)
    assert app.state == State.EXPERT_PENDING
    review = FormalReview.objects.get(application=app)
    assert review.passed and all(item["ticked"] for item in review.checklist if item["status"] == "manual")

    # 专家评估: a conflicted expert is excluded from the draw; one expert declines.
    conflicted = expert_user(fields=[app.field], affiliation="某成员单位",
                             affiliation_credit_code=app.members.first().credit_code).expert_profile
    ensure_experts(app.field, 5)
    draw = services.draw_experts(app.pk, staff, 4, seed="weihai")
    assert conflicted.pk not in draw.drawn and conflicted.pk in [e["id"] for e in draw.excluded]
    app = reload(app)
    assert app.state == State.EXPERT_REVIEW
    first = app.assignments.select_related("expert__user").first()
    services.respond_to_invitation(first, first.expert.user, accept=False, reason="时间冲突")
    accept_and_score(app)
    # 专家评估 includes a site visit or a defence: concluding without one is refused.
    with pytest.raises(ActionRefused, match="site visit or defence"):
        services.conclude_experts(app.pk, staff)
    assert reload(app).state == State.EXPERT_REVIEW
    services.record_site_visit(app, staff, "site_visit", TODAY(), "威海市环翠区", "专家组", "现场考察情况良好。",
                               attachment=pdf_upload("visit.pdf"))
    services.record_site_visit(app, staff, "defence", TODAY(), "市科技局", "专家组", "答辩。")
    assert SiteVisit.objects.filter(application=app).count() == 2
    services.conclude_experts(app.pk, staff)
    app = reload(app)
    assert app.state == State.APPROVED

    # No decision stage: 公示 then 备案.
    with pytest.raises(ActionRefused, match="publicity first"):
        services.file_applications([app.pk], staff)
    batch, period = services.open_publicity(app.programme, [app.pk], staff, TODAY() - datetime.timedelta(days=30))
    app = reload(app)
    assert app.state == State.PUBLICITY
    assert period.end < TODAY() and batch.working_days == 5
    services.file_applications([app.pk], staff)
    app = reload(app)
    assert app.state == State.FILED
    assert app.certificate_number == certificate(app) and app.filed_on == TODAY()
    assert targets(app) == [State.DISTRICT_REVIEW, State.FORMAL_REVIEW, State.EXPERT_PENDING, State.EXPERT_REVIEW,
                            State.APPROVED, State.PUBLICITY, State.FILED]


def test_weihai_new_rd_lead_goes_straight_to_the_city(seeded):
    """A 新型研发机构 lead skips the district, with the peer opinions attached to the application."""
    app = make_draft("weihai-2026", lead_unit_type="new_rd")
    assert app.attachments.filter(requirement__code="peer_opinions").exists()
    assert stages.route(app) == ["formal_review", "expert_review", "publicity", "filing"]
    app = submit(app)
    assert app.state == State.FORMAL_REVIEW
    app = advance(app, State.FILED)
    assert app.certificate_number == certificate(app)
    assert targets(app) == [State.FORMAL_REVIEW, State.EXPERT_PENDING, State.EXPERT_REVIEW, State.APPROVED,
                            State.PUBLICITY, State.FILED]


def test_jiangsu_route(seeded):
    """设区市科技局 verifies and recommends → 省科技厅 expert evaluation → decision → filing (no publicity)."""
    app = submit(make_draft("jiangsu-2026"))
    staff = staff_user(app.programme.authority)
    assert app.state == State.DISTRICT_REVIEW and app.district.name == "苏州市科学技术局"
    services.district_decide(app.pk, district_user(app.district), "recommend", "经核实，同意推荐。")
    app = reload(app)
    assert app.state == State.EXPERT_PENDING
    draw_and_score(app, staff)
    services.conclude_experts(app.pk, staff)
    app = reload(app)
    assert app.state == State.DECISION
    services.decide([app.pk], staff, "approve")
    app = reload(app)
    assert app.state == State.APPROVED
    with pytest.raises(ActionRefused, match="no publicity"):
        services.open_publicity(app.programme, [app.pk], staff, TODAY())
    services.file_applications([app.pk], staff)
    app = reload(app)
    assert app.state == State.FILED and app.certificate_number == certificate(app)
    assert targets(app) == [State.DISTRICT_REVIEW, State.EXPERT_PENDING, State.EXPERT_REVIEW, State.DECISION,
                            State.APPROVED, State.FILED]


def test_suzhou_county_route(seeded):
    """County-selected lead: county review with the local government's 推荐函 → city approval → filing."""
    app = submit(make_draft("suzhou-2026", lead_selected_by="county"))
    staff = staff_user(app.programme.authority)
    assert app.state == State.DISTRICT_REVIEW and app.district.name == "虎丘区（苏州高新区）科技局"
    reviewer = district_user(app.district)
    with pytest.raises(ActionRefused, match="推荐函"):
        services.district_decide(app.pk, reviewer, "recommend", "同意推荐。")
    assert reload(app).state == State.DISTRICT_REVIEW
    services.district_decide(app.pk, reviewer, "recommend", "同意推荐。", letter=pdf_upload("推荐函.pdf"))
    app = reload(app)
    assert app.state == State.DECISION
    assert DistrictOpinion.objects.get(application=app).letter_name == "推荐函.pdf"
    services.decide([app.pk], staff, "approve")
    assert reload(app).state == State.APPROVED
    services.file_applications([app.pk], staff)
    app = reload(app)
    assert app.state == State.FILED and app.certificate_number == certificate(app)
    assert targets(app) == [State.DISTRICT_REVIEW, State.DECISION, State.APPROVED, State.FILED]


def test_suzhou_city_route(seeded):
    """City-selected lead: straight to the city's approval, then filing."""
    app = submit(make_draft("suzhou-2026", lead_selected_by="city"))
    staff = staff_user(app.programme.authority)
    assert app.state == State.DECISION
    services.decide([app.pk], staff, "approve")
    services.file_applications([app.pk], staff)
    app = reload(app)
    assert app.state == State.FILED and app.certificate_number == certificate(app)
    assert targets(app) == [State.DECISION, State.APPROVED, State.FILED]


def test_beijing_route(seeded):
    """Competent department (formal review) → expert review (material, site visit, defence) → support list."""
    app = submit(make_draft("beijing-2026"))
    staff = staff_user(app.programme.authority)
    assert app.state == State.FORMAL_REVIEW
    services.formal_review_decide(app.pk, staff, True, "", ticked_checklist(app))
    app = reload(app)
    assert app.state == State.EXPERT_PENDING
    draw_and_score(app, staff, count=5)
    for kind in ("site_visit", "defence"):
        services.record_site_visit(app, staff, kind, TODAY(), "北京市海淀区", "专家组", "记录。")
    services.conclude_experts(app.pk, staff)
    app = reload(app)
    assert app.state == State.DECISION
    services.decide([app.pk], staff, "approve")
    services.file_applications([app.pk], staff)
    app = reload(app)
    assert app.state == State.FILED and app.certificate_number == certificate(app)
    assert targets(app) == [State.FORMAL_REVIEW, State.EXPERT_PENDING, State.EXPERT_REVIEW, State.DECISION,
                            State.APPROVED, State.FILED]


def test_zgc_route(seeded):
    """分园 initial review → expert demonstration → 主任办公会 → publicity ≥5 working days → admitted."""
    app = submit(make_draft("zgc-2026"))
    staff = staff_user(app.programme.authority)
    assert app.state == State.DISTRICT_REVIEW and "海淀园" in app.district.name
    services.district_decide(app.pk, district_user(app.district), "recommend", "受理并推荐。")
    app = reload(app)
    assert app.state == State.EXPERT_PENDING
    draw_and_score(app, staff, count=5)
    services.conclude_experts(app.pk, staff)
    app = reload(app)
    assert app.state == State.DECISION
    meeting = services.new_meeting(app.programme, staff, TODAY(), "主任办公会", "审议通过。")
    services.decide([app.pk], staff, "approve", meeting=meeting)
    app = reload(app)
    assert app.state == State.APPROVED
    assert Decision.objects.get(application=app).meeting.body == "主任办公会"
    with pytest.raises(ActionRefused, match="publicity first"):
        services.file_applications([app.pk], staff)

    start = TODAY() - datetime.timedelta(days=30)
    batch, period = services.open_publicity(app.programme, [app.pk], staff, start)
    app = reload(app)
    assert app.state == State.PUBLICITY
    assert WorkingCalendar().working_days_between(start, period.end) == 5
    entry = batch.entries.get(application=app)
    objection = services.submit_objection(entry, "person", "数据不实。", person_name="王五", phone="13900000000",
                                          today=start)
    with pytest.raises(ActionRefused, match="objection is still pending"):
        services.file_applications([app.pk], staff)
    services.record_finding(objection.pk, staff, Objection.Finding.DISMISSED, "经核查，异议不成立。")
    assert reload(app).state == State.PUBLICITY
    # Admitted: the agreement with targets is signed before the platform is filed.
    with pytest.raises(ActionRefused, match="agreement with targets must be uploaded"):
        services.file_applications([app.pk], staff)
    assert reload(app).state == State.PUBLICITY
    services.store_filing_agreement(app.pk, staff, pdf_upload("协议书.pdf"), TODAY())
    services.file_applications([app.pk], staff)
    app = reload(app)
    assert app.state == State.FILED and app.certificate_number == certificate(app)
    assert targets(app) == [State.DISTRICT_REVIEW, State.EXPERT_PENDING, State.EXPERT_REVIEW, State.DECISION,
                            State.APPROVED, State.PUBLICITY, State.FILED]


def test_running_publicity_cannot_be_filed_yet(seeded):
    app = make_application("weihai-2026", state=State.PUBLICITY)
    with pytest.raises(ActionRefused, match="not ended"):
        services.file_applications([app.pk], staff_user(app.programme.authority))
    assert reload(app).state == State.PUBLICITY and reload(app).certificate_number is None


def test_certificate_numbers_follow_each_other(seeded):
    first = make_application("suzhou-2026", state=State.FILED, lead_selected_by="city")
    second = make_application("suzhou-2026", state=State.FILED, lead_selected_by="city")
    year = TODAY().year
    assert (first.certificate_number, second.certificate_number) == (f"SZCXLHT{year}0001", f"SZCXLHT{year}0002")


# --- the return branch: return → resubmit → back to the same stage ---------------------------------

ROUTES = [("weihai-2026", {}), ("jiangsu-2026", {}), ("suzhou-2026", {"lead_selected_by": "county"}),
          ("suzhou-2026", {"lead_selected_by": "city"}), ("beijing-2026", {}), ("zgc-2026", {})]
RETURN_CASES = [
    ("weihai-2026", {}, State.DISTRICT_REVIEW), ("weihai-2026", {}, State.FORMAL_REVIEW),
    ("weihai-2026", {}, State.EXPERT_PENDING), ("weihai-2026", {}, State.EXPERT_REVIEW),
    ("jiangsu-2026", {}, State.DISTRICT_REVIEW), ("jiangsu-2026", {}, State.EXPERT_REVIEW),
    ("jiangsu-2026", {}, State.DECISION),
    ("suzhou-2026", {"lead_selected_by": "county"}, State.DISTRICT_REVIEW),
    ("suzhou-2026", {"lead_selected_by": "county"}, State.DECISION),
    ("suzhou-2026", {"lead_selected_by": "city"}, State.DECISION),
    ("beijing-2026", {}, State.FORMAL_REVIEW), ("beijing-2026", {}, State.EXPERT_PENDING),
    ("beijing-2026", {}, State.DECISION),
    ("zgc-2026", {}, State.DISTRICT_REVIEW), ("zgc-2026", {}, State.EXPERT_REVIEW), ("zgc-2026", {}, State.DECISION),
]


def _case_id(case):
    code, extra, state = case
    return f"{code}{'-' + extra['lead_selected_by'] if extra else ''}-{state}"


@pytest.mark.parametrize("case", RETURN_CASES, ids=_case_id)
def test_return_and_resubmit_comes_back_to_the_same_stage(seeded, case):
    code, extra, stage = case
    app = make_application(code, state=State.RETURNED, from_state=stage, reason="请补充经费来源说明。", **extra)
    assert app.state == State.RETURNED
    assert app.returned_from == stage and app.return_reason == "请补充经费来源说明。"
    assert TransitionLog.objects.filter(application=app, transition="return_for_revision").get().reason == \
        "请补充经费来源说明。"
    # the applicant edits and resubmits: a new version is frozen and the application is back where it was
    Member.objects.filter(application=app).update(division_of_work="修改后的分工")
    app_services.submit(app.pk, app.created_by)
    app = reload(app)
    assert app.state == stage
    assert app.versions.count() == 2
    assert app.versions.get(number=2).data["members"][0]["division_of_work"] == "修改后的分工"
    # and it can go on to the end of its route from there
    app = advance(app, State.FILED)
    assert app.certificate_number == certificate(app)


@pytest.mark.parametrize("code", ["weihai-2026", "zgc-2026"])
def test_upheld_objection_returns_and_the_resubmission_starts_the_route_again(seeded, code):
    app = make_application(code, state=State.PUBLICITY)
    staff = staff_user(app.programme.authority)
    entry = app.publicity_entries.get()
    objection = services.submit_objection(entry, "person", "成员单位并未签署协议。", person_name="赵六",
                                          phone="010-12345678")
    services.record_finding(objection.pk, staff, Objection.Finding.UPHELD, "异议成立，退回补正。", action="return")
    app = reload(app)
    assert app.state == State.RETURNED and app.returned_from == forward_states(app)[1]
    app_services.submit(app.pk, app.created_by)
    assert reload(app).state == forward_states(app)[1]


@pytest.mark.parametrize("stage", [State.DISTRICT_REVIEW, State.FORMAL_REVIEW, State.DECISION])
def test_a_return_needs_a_reason(seeded, stage):
    code = {State.DISTRICT_REVIEW: "zgc-2026", State.FORMAL_REVIEW: "beijing-2026",
            State.DECISION: "jiangsu-2026"}[stage]
    app = make_application(code, state=stage)
    staff = staff_user(app.programme.authority)
    with pytest.raises(ActionRefused, match="reason"):
        if stage == State.DISTRICT_REVIEW:
            services.district_decide(app.pk, district_user(app.district), "return", "  ")
        elif stage == State.FORMAL_REVIEW:
            services.formal_review_decide(app.pk, staff, False, "", ticked_checklist(app))
        else:
            fire(app.pk, "return_for_revision", staff, reason="")
    assert reload(app).state == stage


# --- the refusal branch of every route --------------------------------------------------------------

REFUSAL_CASES = [
    ("weihai-2026", {}, State.NOT_RECOMMENDED, None), ("weihai-2026", {}, State.REFUSED, State.FORMAL_REVIEW),
    ("weihai-2026", {}, State.REFUSED, State.EXPERT_REVIEW),
    ("jiangsu-2026", {}, State.NOT_RECOMMENDED, None), ("jiangsu-2026", {}, State.REFUSED, State.DECISION),
    ("suzhou-2026", {"lead_selected_by": "county"}, State.NOT_RECOMMENDED, None),
    ("suzhou-2026", {"lead_selected_by": "county"}, State.REFUSED, State.DECISION),
    ("suzhou-2026", {"lead_selected_by": "city"}, State.REFUSED, State.DECISION),
    ("beijing-2026", {}, State.REFUSED, State.FORMAL_REVIEW), ("beijing-2026", {}, State.REFUSED, State.DECISION),
    ("zgc-2026", {}, State.NOT_RECOMMENDED, None), ("zgc-2026", {}, State.REFUSED, State.DECISION),
]


@pytest.mark.parametrize("case", REFUSAL_CASES,
                         ids=lambda c: f"{_case_id(c[:3])}{'-from-' + c[3] if c[3] else ''}")
def test_refusal_ends_the_route(seeded, case):
    code, extra, outcome, source = case
    app = make_application(code, state=outcome, from_state=source, reason="不符合条件。", **extra)
    assert app.state == outcome
    log = TransitionLog.objects.filter(application=app).order_by("-at", "-id").first()
    assert log.target == outcome and log.source == (source or forward_states(app)[1])
    staff = staff_user(app.programme.authority)
    for name, user in (("resubmit", app.created_by), ("approve", staff), ("file", staff),
                       ("return_for_revision", staff), ("withdraw", app.created_by)):
        with pytest.raises(ActionRefused):
            fire(app.pk, name, user, reason="x")
    assert reload(app).state == outcome and app.certificate_number is None


def test_refusal_in_a_decision_needs_a_reason_and_records_it(seeded):
    app = make_application("jiangsu-2026", state=State.DECISION)
    staff = staff_user(app.programme.authority)
    with pytest.raises(ActionRefused, match="reason"):
        services.decide([app.pk], staff, "refuse", reason=" ")
    services.decide([app.pk], staff, "refuse", reason="综合评分较低。")
    assert reload(app).state == State.REFUSED
    assert Decision.objects.get(application=app).reason == "综合评分较低。"


@pytest.mark.parametrize("code", ["weihai-2026", "zgc-2026"])
def test_upheld_objection_can_refuse(seeded, code):
    app = make_application(code, state=State.PUBLICITY)
    entry = app.publicity_entries.get()
    objection = services.submit_objection(entry, "person", "弄虚作假。", person_name="赵六", phone="13900000001")
    services.record_finding(objection.pk, staff_user(app.programme.authority), Objection.Finding.UPHELD,
                            "异议成立。", action="refuse")
    assert reload(app).state == State.REFUSED


@pytest.mark.parametrize("code,extra", ROUTES, ids=[f"{c}{'-' + e['lead_selected_by'] if e else ''}"
                                                     for c, e in ROUTES])
def test_withdrawal_before_a_decision(seeded, code, extra):
    app = make_application(code, state=State.WITHDRAWN, **extra)
    assert app.state == State.WITHDRAWN
    with pytest.raises(ActionRefused):
        app_services.submit(app.pk, app.created_by)


def test_factory_refuses_a_state_off_the_route(seeded):
    with pytest.raises(ValueError, match="not on the route"):
        make_application("weihai-2026", state=State.DECISION)


# --- the formal review page ---------------------------------------------------------------------

@pytest.fixture
def formal(seeded):
    return make_application("beijing-2026", state=State.FORMAL_REVIEW)


def test_formal_review_page_shows_checklist_beside_the_application(client, formal):
    client.force_login(staff_user(formal.programme.authority))
    response = client.get(reverse("review:formal_review", args=[formal.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert formal.name in html and formal.members.first().name in html  # the application (snapshot)
    assert 'data-key="attachment:agreement"' in html and 'data-key="signed:integrity"' in html
    assert 'data-key="rule:governance_roles"' in html
    assert "cannot check" in html  # the blank agreement has no text layer
    assert 'name="tick_' in html


def test_formal_review_return_needs_a_reason_then_returns(client, formal):
    client.force_login(staff_user(formal.programme.authority))
    url = reverse("review:formal_review", args=[formal.pk])
    response = client.post(url, {"decision": "return", "confirm": "on", "note": ""})
    assert response.status_code == 200 and "reason for the return" in response.content.decode()
    assert reload(formal).state == State.FORMAL_REVIEW
    response = client.post(url, {"decision": "return", "confirm": "on", "note": "诚信承诺书未盖章。"})
    assert response.status_code == 302
    app = reload(formal)
    assert app.state == State.RETURNED and app.return_reason == "诚信承诺书未盖章。"
    review = FormalReview.objects.get(application=app)
    assert not review.passed and review.note == "诚信承诺书未盖章。"
    assert any(item["status"] == "manual" and item["ticked"] is False for item in review.checklist)
    # back at the same stage after the resubmission, with the earlier review shown
    app_services.submit(app.pk, app.created_by)
    response = client.get(url)
    assert "诚信承诺书未盖章。" in response.content.decode()
    assert reverse("review:version_diff", args=[app.pk]) in response.content.decode()


def test_formal_review_is_for_staff_of_the_authority_only(client, formal, seeded):
    url = reverse("review:formal_review", args=[formal.pk])
    client.force_login(formal.created_by)
    assert client.get(url).status_code == 403
    client.force_login(district_user(formal.district))
    assert client.get(url).status_code == 403
    from applications.models import Programme

    other = staff_user(Programme.objects.get(code="zgc-2026").authority)
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "pass", "confirm": "on"}).status_code == 404
    assert reload(formal).state == State.FORMAL_REVIEW


def test_formal_review_page_outside_the_stage_redirects_with_a_message(client, seeded):
    app = make_application("beijing-2026", state=State.EXPERT_PENDING)
    client.force_login(staff_user(app.programme.authority))
    response = client.get(reverse("review:formal_review", args=[app.pk]), follow=True)
    assert response.redirect_chain[-1][0] == app.get_absolute_url()
    assert "not awaiting formal review" in response.content.decode()


def test_formal_review_lost_race_is_a_message_not_a_500(client, formal):
    staff = staff_user(formal.programme.authority)
    client.force_login(staff)
    url = reverse("review:formal_review", args=[formal.pk])
    ticks = {f"tick_{i}": "on" for i, item in enumerate(services.formal_checklist(reload(formal)))
             if item["status"] == "manual"}
    client.get(url)
    # someone else returns it in the meantime
    services.formal_review_decide(formal.pk, staff, False, "退回。", ticked_checklist(formal))
    response = client.post(url, {"decision": "pass", "confirm": "on", **ticks}, follow=True)
    assert response.status_code == 200
    assert reload(formal).state == State.RETURNED


def test_agreement_text_layer_is_checked_for_member_names(seeded):
    unit = unit_in("beijing-2026", name="LEAD TECH CO")
    app = make_draft("beijing-2026", unit=unit, members=2)
    names = ["ACME MATERIALS", "NORTH UNIVERSITY"]
    for member, name in zip(app.members.all(), names, strict=True):
        member.name = name
        member.save()
    requirement = app.programme.attachment_requirements.get(code="agreement")
    app_services.store_attachment(app, requirement, pdf_upload("agreement.pdf", text_pdf("LEAD TECH CO and ACME "
                                                                                         "MATERIALS agree")),
                                  app.created_by)
    app = advance(app, State.FORMAL_REVIEW)
    items = {item["label"]: item["status"] for item in services.formal_checklist(reload(app))
             if item["key"] == "agreement_name"}
    assert [status for label, status in items.items() if "LEAD TECH CO" in label] == ["pass"]
    assert [status for label, status in items.items() if "ACME MATERIALS" in label] == ["pass"]
    assert [status for label, status in items.items() if "NORTH UNIVERSITY" in label] == ["fail"]


# --- dashboards -----------------------------------------------------------------------------------

def test_staff_dashboard_shows_waiting_items_oldest_first_with_links(seeded):
    # In their states by trait: the dashboard is checked here, the routes above.
    formal = quick_application("weihai-2026", "in_formal_review")
    pending = quick_application("weihai-2026", "awaiting_experts")
    approved = quick_application("weihai-2026", "approved")
    publicity = quick_application("weihai-2026", "in_publicity")
    district = quick_application("weihai-2026", "in_district_review")
    staff = staff_user(formal.programme.authority)
    now = timezone.now()
    for days, app in ((3, formal), (9, pending), (1, approved), (5, publicity)):
        move_log(TransitionLog.objects.filter(application=app), now - datetime.timedelta(days=days))
    context = dashboard_context(staff)
    assert [item["application"].pk for item in context["queue"]] == [pending.pk, publicity.pk, formal.pk,
                                                                     approved.pk]
    assert [item["waited"] for item in context["queue"]] == [9, 5, 3, 1]
    links = {item["application"].pk: item["url"] for item in context["queue"]}
    assert links[formal.pk] == reverse("review:formal_review", args=[formal.pk])
    assert links[pending.pk] == reverse("review:expert_organise", args=[pending.pk])
    assert links[approved.pk] == reverse("review:publicity_manage")
    assert links[publicity.pk] == reverse("review:publicity_batch", args=[publicity.publicity_entries.get().batch_id])
    assert district.pk not in links
    counts = {state: n for state, _label, n in context["state_counts"]}
    assert counts == {State.DISTRICT_REVIEW: 1, State.FORMAL_REVIEW: 1, State.EXPERT_PENDING: 1,
                      State.APPROVED: 1, State.PUBLICITY: 1}
    assert context["queue_total"] == 4 and not context["queue_more"]
    assert context["pending_objections"] == 0
    services.submit_objection(publicity.publicity_entries.get(), "person", "异议。", person_name="甲",
                              phone="13900000002")
    assert dashboard_context(staff)["pending_objections"] == 1
    # staff of another authority see none of it
    from applications.models import Programme

    other = dashboard_context(staff_user(Programme.objects.get(code="zgc-2026").authority))
    assert other["queue"] == [] and other["state_counts"] == [] and other["pending_objections"] == 0


def test_dashboard_links_per_state(seeded):
    decision = quick_application("jiangsu-2026", "awaiting_decision")
    expert = quick_application("jiangsu-2026", "in_expert_review")
    approved = quick_application("jiangsu-2026", "approved")
    district_app = quick_application("jiangsu-2026", "in_district_review")
    links = {item["application"].pk: item["url"]
             for item in dashboard_context(staff_user(decision.programme.authority))["queue"]}
    assert links == {decision.pk: reverse("review:decision", args=[decision.pk]),
                     expert.pk: reverse("review:expert_organise", args=[expert.pk]),
                     approved.pk: reverse("review:filing")}
    reviewer = dashboard_context(district_user(district_app.district))
    assert [(item["application"].pk, item["url"]) for item in reviewer["queue"]] == [
        (district_app.pk, reverse("review:district_review", args=[district_app.pk]))]
    assert reviewer["pending_objections"] is None


def test_dashboard_queue_is_limited_to_twenty(seeded):
    app = quick_application("suzhou-2026", "awaiting_decision", lead_selected_by="city")
    from applications.models import Application

    for i in range(22):
        clone = Application.objects.create(programme=app.programme, unit=app.unit, created_by=app.created_by,
                                           district=app.district, name=f"克隆{i}", state=State.DECISION,
                                           submitted_at=timezone.now() - datetime.timedelta(days=i))
        assert clone.state == State.DECISION
    context = dashboard_context(staff_user(app.programme.authority))
    assert len(context["queue"]) == 20 and context["queue_total"] == 23 and context["queue_more"]
    waited = [item["waited"] for item in context["queue"]]
    assert waited == sorted(waited, reverse=True) and waited[0] == 21


def test_the_applicants_workspace_reads_its_list_queue_and_counts_in_one_query(client, seeded):
    """The applicant's workspace: the unit's applications, the returned ones waiting for it (oldest first) and
    the counts by state, from one query of the unit's applications."""
    older = make_application("weihai-2026", state=State.RETURNED)
    unit, applicant = older.unit, older.created_by
    newer = make_application("weihai-2026", state=State.RETURNED, unit=unit, applicant=applicant)
    Application.objects.filter(pk=older.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=20))
    draft = make_application("weihai-2026", unit=unit, applicant=applicant)
    with CaptureQueriesContext(connection) as queries:
        context = dashboard_context(applicant)
    assert len(queries.captured_queries) == 1
    assert [item["application"].pk for item in context["queue"]] == [older.pk, newer.pk]
    assert context["queue"][0]["waited"] == 20 and context["queue_total"] == 2 and not context["queue_more"]
    assert {state: n for state, _label, n in context["state_counts"]} == {State.RETURNED: 2, State.DRAFT: 1}
    assert [a.pk for a in context["applications"]] == list(
        Application.objects.filter(unit=unit).order_by("-updated_at", "-pk").values_list("pk", flat=True))
    client.force_login(applicant)
    page = client.get(reverse("review:workspace")).content.decode()
    assert 'id="work-queue"' in page and page.index(older.name) < page.index(newer.name) and draft.name in page


def test_applicant_and_expert_dashboards(seeded):
    returned = make_application("weihai-2026", state=State.RETURNED)
    context = dashboard_context(returned.created_by)
    assert [(item["application"].pk, item["url"]) for item in context["queue"]] == [
        (returned.pk, reverse("applications:application_edit", args=[returned.pk]))]
    assert context["pending_objections"] is None
    app = make_application("jiangsu-2026", state=State.EXPERT_REVIEW)
    expert = app.assignments.select_related("expert__user").first().expert.user
    context = dashboard_context(expert)
    assert context["expert_invitations"] == 1 and context["queue"] == []
    other = applicant_user(unit_in("weihai-2026"))
    assert dashboard_context(other)["queue"] == []


def test_dashboard_templates_render(seeded, client, rf):
    from django.template.loader import render_to_string

    app = make_application("weihai-2026", state=State.FORMAL_REVIEW)
    staff = staff_user(app.programme.authority)
    request = rf.get("/")
    request.user = staff
    html = render_to_string("review/dashboard/reviewer.html", {**dashboard_context(staff), "user": staff},
                            request=request)
    assert reverse("review:formal_review", args=[app.pk]) in html and 'id="pending-objections"' in html
    assert 'data-state="formal_review"' in html


def test_step_helper_walks_one_state_at_a_time(seeded):
    app = make_application("zgc-2026", state=State.DISTRICT_REVIEW)
    path = forward_states(app)
    while app.state != State.FILED:
        before = app.state
        app = step(app, target=State.FILED)
        assert path.index(app.state) == path.index(before) + 1
    assert app.certificate_number == certificate(app)


@pytest.mark.django_db
def test_zgc_decision_needs_a_meeting_record_even_through_the_service(seeded):
    app = make_application("zgc-2026", state=State.DECISION)
    staff = staff_user(app.programme.authority)
    for outcome, reason in (("approve", ""), ("refuse", "不予支持。")):
        with pytest.raises(ActionRefused, match="meeting"):
            services.decide([app.pk], staff, outcome, reason=reason)
    app = reload(app)
    assert app.state == State.DECISION and not Decision.objects.filter(application=app).exists()


def test_the_transition_log_is_append_only(seeded):
    from django.core.exceptions import ValidationError
    from django.db.models import ProtectedError

    app = make_application("weihai-2026", state=State.FORMAL_REVIEW)
    entry = TransitionLog.objects.filter(application=app).first()
    entry.reason = "改写历史"
    with pytest.raises(ValidationError, match="append-only"):
        entry.save()
    with pytest.raises(ValidationError, match="append-only"):
        entry.delete()
    with pytest.raises(ProtectedError):  # an application with a history cannot be deleted either
        Application.objects.filter(pk=app.pk).delete()
    assert TransitionLog.objects.get(pk=entry.pk).reason != "改写历史"


def _chinese_pdf(text):
    """A PDF with a Chinese text layer, as an agreement typed in a word processor would have."""
    from weasyprint import HTML

    from notices.documents import FONT_FAMILY, font_faces

    html = (f"<style>{font_faces()} body {{ font-family: '{FONT_FAMILY}', 'Noto Serif CJK SC', serif; }}</style>"
            f"<h1>创新联合体组建协议</h1><p>{text}</p>")
    return HTML(string=html).write_pdf()


def test_chinese_agreement_names_are_found_across_line_breaks_and_scans_cannot_be_checked(client, seeded):
    unit = unit_in("beijing-2026", name="北京京创智能装备有限公司")
    app = make_draft("beijing-2026", unit=unit, members=2)
    names = ["北京精密材料科技有限公司", "北方工业大学"]
    for member, name in zip(app.members.all(), names, strict=True):
        member.name = name
        member.save()
    requirement = app.programme.attachment_requirements.get(code="agreement")
    # The lead's name is broken by a space and a line break, as PDF text often is.
    text = "甲方：北京京创智能<br>装备有限公司；乙方：北京精密 材料科技有限公司。双方约定共建创新联合体。"
    app_services.store_attachment(app, requirement, pdf_upload("组建协议.pdf", _chinese_pdf(text)), app.created_by)
    app = advance(app, State.FORMAL_REVIEW)
    statuses = {item["label"]: item["status"] for item in services.formal_checklist(reload(app))
                if item["key"] == "agreement_name"}
    assert [s for label, s in statuses.items() if unit.name in label] == ["pass"]
    assert [s for label, s in statuses.items() if names[0] in label] == ["pass"]
    assert [s for label, s in statuses.items() if names[1] in label] == ["fail"]

    # A scanned agreement (no text layer): every name is "cannot check", never a false failure.
    scanned = make_draft("beijing-2026", members=2)
    scanned = advance(scanned, State.FORMAL_REVIEW)  # the factory's agreement is a blank (scanned-like) PDF
    items = [item for item in services.formal_checklist(reload(scanned)) if item["key"] == "agreement_name"]
    assert items and {item["status"] for item in items} == {"na"}
    assert all("no text layer" in str(item["detail"]) for item in items)
    client.force_login(staff_user(scanned.programme.authority))
    page = client.get(reverse("review:formal_review", args=[scanned.pk])).content.decode()
    assert "cannot check: the PDF has no text layer (scanned)" in page
