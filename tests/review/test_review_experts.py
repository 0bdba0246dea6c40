"""Expert evaluation: the recorded random draw, conflicts of interest, invitations, scoring sheets,
the aggregate, site visits, the conclusion, and who sees what."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Programme
from applications.states import State
from portal.lifecycle import ActionRefused
from portal.models import Role
from review import services
from review.models import Assignment, Criterion, Expert, ExpertDraw, ExpertRelation, Score, SiteVisit
from review.seed_criteria import ZGC_CRITERIA, load_criteria
from review.services.experts import DEFAULT_CRITERIA
from tests import pdfs
from tests.factories import AuthorityFactory, UserFactory
from tests.review_factories import (
    accept_and_score,
    admin_user,
    district_user,
    expert_user,
    make_application,
    record_visit,
    reload,
    staff_user,
)

pytestmark = pytest.mark.django_db

FIELD = "新一代信息技术"  # the first field of the Beijing and ZGC programmes (the factories' default)


def pool(n, field=FIELD, **kwargs):
    """``n`` fresh experts with logins; returns their Expert rows."""
    return [expert_user(fields=[field], **kwargs).expert_profile for _i in range(n)]


def staff_of(app):
    return staff_user(app.programme.authority)


def organise_url(app):
    return reverse("review:expert_organise", args=[app.pk])


def assignment_url(assignment):
    return reverse("review:assignment_detail", args=[assignment.pk])


def set_aggregate(code, method):
    programme = Programme.objects.get(code=code)
    programme.stages = [dict(s, aggregate=method) if s["key"] == "expert_review" else s for s in programme.stages]
    programme.save(update_fields=["stages"])


@pytest.fixture
def pending(seeded):
    """A Beijing application awaiting expert evaluation."""
    return make_application("beijing-2026", state=State.EXPERT_PENDING)


@pytest.fixture
def drawn(pending):
    """The Beijing application with three experts drawn (invited), and those experts."""
    experts = pool(3)
    services.draw_experts(pending.pk, staff_of(pending), 3, seed="fixed-seed")
    return reload(pending), experts


# --- the draw -----------------------------------------------------------------------------------

def test_draw_is_recorded_and_reproducible(seeded):
    experts = pool(8)
    first = make_application("beijing-2026", state=State.EXPERT_PENDING)
    second = make_application("beijing-2026", state=State.EXPERT_PENDING)
    draw_1 = services.draw_experts(first.pk, staff_of(first), 3, seed="2026-zgc-demo")
    draw_2 = services.draw_experts(second.pk, staff_of(second), 3, seed="2026-zgc-demo")
    assert draw_1.seed == "2026-zgc-demo" and draw_1.candidates == [e.pk for e in experts]
    assert draw_1.drawn == draw_2.drawn  # same pool, same seed → same experts
    assert services.replay_draw(draw_1) == draw_1.drawn
    assert len(set(draw_1.drawn)) == 3
    assert sorted(reload(first).assignments.values_list("expert_id", flat=True)) == sorted(draw_1.drawn)
    assert reload(first).state == State.EXPERT_REVIEW  # the draw starts the evaluation
    other = services.draw_experts(make_application("beijing-2026", state=State.EXPERT_PENDING).pk,
                                  staff_of(first), 3, seed="another seed")
    assert services.replay_draw(other) == other.drawn


def test_draw_through_the_page_records_a_random_seed_and_replays_identically(client, pending):
    experts = pool(4)
    staff = staff_of(pending)
    client.force_login(staff)
    page = client.get(organise_url(pending))
    assert page.status_code == 200
    assert "4" in page.content.decode()  # the pool of the field
    deadline = timezone.localdate() + timezone.timedelta(days=10)
    response = client.post(organise_url(pending), {"action": "draw", "count": "2", "field": FIELD, "seed": "",
                                                   "deadline": deadline.isoformat()}, follow=True)
    draw = ExpertDraw.objects.get(application=pending)
    assert len(draw.seed) == 32 and draw.requested == 2 and draw.by == staff
    assert set(draw.drawn) <= {e.pk for e in experts}
    assert set(reload(pending).assignments.values_list("deadline", flat=True)) == {deadline}
    body = response.content.decode()
    assert draw.seed in body and "replay-identical" in body and "replay-different" not in body
    for expert in Expert.objects.filter(pk__in=draw.drawn):
        assert expert.name in body  # staff see the experts' names


def test_draw_excludes_conflicts_inactive_and_other_fields(seeded):
    app = make_application("beijing-2026", state=State.EXPERT_PENDING)
    members = list(app.members.all())
    clean = pool(3)
    lead = expert_user(fields=[FIELD], affiliation=app.unit.name + "（分部）",
                       affiliation_credit_code=app.unit.credit_code).expert_profile
    member_code = expert_user(fields=[FIELD], affiliation="某单位",
                              affiliation_credit_code=members[0].credit_code.lower()).expert_profile
    member_name = expert_user(fields=[FIELD], affiliation=members[1].name,
                              affiliation_credit_code="").expert_profile
    related = pool(1)[0]
    ExpertRelation.objects.create(expert=related, credit_code=members[2].credit_code, note="原任职单位")
    inactive = pool(1)[0]
    Expert.objects.filter(pk=inactive.pk).update(active=False)
    elsewhere = pool(1, field="医药健康")[0]

    draw = services.draw_experts(app.pk, staff_of(app), 3, seed="s")
    assert sorted(draw.candidates) == sorted(e.pk for e in clean)
    assert sorted(draw.drawn) == sorted(e.pk for e in clean)
    excluded = {row["id"]: row["reasons"] for row in draw.excluded}
    assert set(excluded) == {lead.pk, member_code.pk, member_name.pk, related.pk}
    assert "affiliated with the lead or a member unit" in excluded[lead.pk]
    assert "affiliated with the lead or a member unit" in excluded[member_code.pk]
    assert "affiliated with the lead or a member unit" in excluded[member_name.pk]
    assert excluded[related.pk] == ["declared relation with the lead or a member unit"]
    assert inactive.pk not in draw.candidates + list(excluded)
    assert elsewhere.pk not in draw.candidates + list(excluded)


def test_excluded_experts_are_shown_with_their_reasons(client, seeded):
    app = make_application("beijing-2026", state=State.EXPERT_PENDING)
    pool(2)
    conflicted = expert_user(fields=[FIELD], name="冲突专家甲", affiliation_credit_code=app.unit.credit_code)
    services.draw_experts(app.pk, staff_of(app), 2)
    client.force_login(staff_of(app))
    body = client.get(organise_url(app)).content.decode()
    assert conflicted.full_name in body and "affiliated with the lead or a member unit" in body


def test_asking_for_more_experts_than_available_is_refused(client, pending):
    pool(2)
    with pytest.raises(ActionRefused, match="Only 2 experts"):
        services.draw_experts(pending.pk, staff_of(pending), 3)
    client.force_login(staff_of(pending))
    response = client.post(organise_url(pending), {"action": "draw", "count": "5", "field": FIELD,
                                                   "deadline": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert "Only 2 experts without conflict match the field" in response.content.decode()
    assert not ExpertDraw.objects.filter(application=pending).exists()
    assert reload(pending).state == State.EXPERT_PENDING


def test_a_later_draw_adds_experts_not_yet_assigned(drawn):
    app, experts = drawn
    more = pool(2)
    draw = services.draw_experts(app.pk, staff_of(app), 2)
    assert sorted(draw.drawn) == sorted(e.pk for e in more)
    assert app.assignments.count() == 5


# --- invitations ------------------------------------------------------------------------------

def test_an_invited_expert_does_not_see_the_materials(client, drawn):
    app, _experts = drawn
    assignment = app.assignments.select_related("expert__user").first()
    member = app.members.first()
    attachment = app.attachments.first().files.first()
    client.force_login(assignment.expert.user)

    page = client.get(assignment_url(assignment)).content.decode()
    assert app.name in page and app.programme.title in page and app.field in page
    assert member.name not in page and app.goals not in page and attachment.original_name not in page
    assert client.get(reverse("review:application_detail", args=[app.pk])).status_code == 404
    assert client.get(reverse("applications:attachment_download", args=[app.pk, attachment.pk])).status_code == 404

    client.post(assignment_url(assignment), {"action": "accept", "no_conflict": "on"})
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED and assignment.no_conflict_declared_at
    page = client.get(assignment_url(assignment)).content.decode()
    assert member.name in page and "score-form" in page
    assert reverse("applications:attachment_download", args=[app.pk, attachment.pk]) in page
    assert client.get(reverse("review:application_detail", args=[app.pk])).status_code == 200
    download = client.get(reverse("applications:attachment_download", args=[app.pk, attachment.pk]))
    assert download.status_code == 200


def test_accepting_requires_the_no_conflict_declaration(client, drawn):
    app, _experts = drawn
    assignment = app.assignments.select_related("expert__user").first()
    client.force_login(assignment.expert.user)
    response = client.post(assignment_url(assignment), {"action": "accept"}, follow=True)
    assert "Please declare that you have no conflict of interest" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.INVITED
    with pytest.raises(ActionRefused):
        services.respond_to_invitation(assignment, assignment.expert.user, accept=True, no_conflict=False)


def test_declining_with_a_reason(client, drawn):
    app, _experts = drawn
    assignment = app.assignments.select_related("expert__user").first()
    client.force_login(assignment.expert.user)
    client.post(assignment_url(assignment), {"action": "decline", "reason": ""})
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.INVITED  # a reason is asked for
    response = client.post(assignment_url(assignment), {"action": "decline", "reason": "出差在外"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DECLINED and assignment.declined_reason == "出差在外"
    page = client.get(assignment_url(assignment)).content.decode()
    assert "score-form" not in page and app.members.first().name not in page
    assert client.get(reverse("review:application_detail", args=[app.pk])).status_code == 404
    # the answer is final
    response = client.post(assignment_url(assignment), {"action": "accept", "no_conflict": "on"}, follow=True)
    assert "You have already answered this invitation." in response.content.decode()


def test_an_expert_cannot_open_another_experts_assignment(client, drawn):
    app, _experts = drawn
    mine, theirs = list(app.assignments.select_related("expert__user"))[:2]
    client.force_login(mine.expert.user)
    assert client.get(assignment_url(theirs)).status_code == 404
    assert client.post(assignment_url(theirs), {"action": "decline", "reason": "x"}).status_code == 404


def test_my_assignments_lists_invitations_with_deadlines(client, drawn):
    app, _experts = drawn
    assignment = app.assignments.select_related("expert__user").first()
    client.force_login(assignment.expert.user)
    page = client.get(reverse("review:expert_assignments")).content.decode()
    assert app.name in page and assignment.deadline.isoformat() in page and assignment_url(assignment) in page
    other = app.assignments.exclude(pk=assignment.pk).first()
    assert assignment_url(other) not in page
    # The days the invitation has waited, counted from the draw.
    ExpertDraw.objects.filter(pk=assignment.draw_id).update(at=timezone.now() - datetime.timedelta(days=6))
    page = client.get(reverse("review:expert_assignments")).content.decode()
    assert 'data-days-waited="6"' in page


def test_my_assignments_without_an_expert_profile(client, seeded):
    client.force_login(UserFactory(role=Role.EXPERT, unit=None))
    response = client.get(reverse("review:expert_assignments"))
    assert response.status_code == 200 and "not linked to an entry of the expert pool" in response.content.decode()
    client.force_login(UserFactory())  # an applicant
    assert client.get(reverse("review:expert_assignments")).status_code == 404


# --- scoring ----------------------------------------------------------------------------------

@pytest.fixture
def accepted(drawn):
    app, _experts = drawn
    assignment = app.assignments.select_related("expert__user").first()
    services.respond_to_invitation(assignment, assignment.expert.user, accept=True, no_conflict=True)
    return app, assignment


def sheet(criteria, values, recommendation="support", comment="总体同意。", **extra):
    data = {"recommendation": recommendation, "overall_comment": comment, **extra}
    for criterion, value in zip(criteria, values, strict=True):
        data[f"score_{criterion.pk}"] = "" if value is None else str(value)
        data[f"comment_{criterion.pk}"] = f"关于{criterion.name}"
    return data


def test_scoring_requires_every_criterion_between_0_and_100(accepted):
    app, assignment = accepted
    user = assignment.expert.user
    criteria = services.criteria_for(app.programme)
    full = {c.pk: (Decimal(80), "") for c in criteria}
    with pytest.raises(ActionRefused, match="Please score every criterion"):
        services.submit_scores(assignment, user, dict(list(full.items())[:-1]), "support", "")
    for bad in (Decimal("100.5"), Decimal(-1)):
        with pytest.raises(ActionRefused, match="between 0 and 100"):
            services.submit_scores(assignment, user, {**full, criteria[0].pk: (bad, "")}, "support", "")
    with pytest.raises(ActionRefused, match="overall recommendation"):
        services.submit_scores(assignment, user, full, "", "")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED and not assignment.scores.exists()
    services.submit_scores(assignment, user, {c.pk: (Decimal(v), "") for c, v in zip(criteria, (0, 100, 50, 50), strict=True)},
                           "support", "")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED


def test_scoring_sheet_draft_submit_and_read_only(client, accepted):
    app, assignment = accepted
    criteria = services.criteria_for(app.programme)
    client.force_login(assignment.expert.user)
    url = assignment_url(assignment)

    response = client.post(url, sheet(criteria, [120, 80, 80, 80], action="save"))
    assert response.status_code == 200 and not assignment.scores.exists()  # 120 is out of range

    client.post(url, sheet(criteria, [90, None, 70, None], action="save"))
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED
    assert {s.criterion_id: s.score for s in assignment.scores.all()} == {criteria[0].pk: 90, criteria[2].pk: 70}
    page = client.get(url).content.decode()
    assert 'value="90.00"' in page or 'value="90"' in page  # the draft comes back

    response = client.post(url, sheet(criteria, [90, None, 70, None], action="submit", confirm="on"), follow=True)
    assert "Please score every criterion." in response.content.decode()
    response = client.post(url, sheet(criteria, [90, 80, 70, 60], action="submit"), follow=True)
    assert "Please tick the confirmation" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED

    client.post(url, sheet(criteria, [90, 80, 70, 60], action="submit", confirm="on"))
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED and assignment.submitted_at
    # default sheet: 建设基础 30, 攻关任务与目标 30, 组织架构与运行机制 20, 经费与保障 20
    assert assignment.total == Decimal("77.00")  # (90·30 + 80·30 + 70·20 + 60·20) / 100
    page = client.get(url).content.decode()
    assert "score-form" not in page and "77.00" in page
    response = client.post(url, sheet(criteria, [10, 10, 10, 10], action="submit", confirm="on"), follow=True)
    assert "only after accepting, and only once" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.total == Decimal("77.00")


def test_weighted_total_on_the_zhongguancun_sheet(seeded):
    load_criteria()
    app = make_application("zgc-2026", state=State.EXPERT_PENDING)
    expert = pool(1)[0]
    services.draw_experts(app.pk, staff_of(app), 1)
    assignment = app.assignments.get(expert=expert)
    services.respond_to_invitation(assignment, expert.user, accept=True, no_conflict=True)
    criteria = services.criteria_for(app.programme)
    assert [c.name for c in criteria] == [name for name, _w in ZGC_CRITERIA]
    values = [100, 81, 60, 90, 70, 50, 40, 30]  # plain mean 65.125
    services.submit_scores(assignment, expert.user, {c.pk: (Decimal(v), "") for c, v in zip(criteria, values, strict=True)},
                           "support_changes", "")
    assignment.refresh_from_db()
    expected = sum(Decimal(v) * w for v, (_n, w) in zip(values, ZGC_CRITERIA, strict=True)) / 100
    assert assignment.total == expected.quantize(Decimal("0.01")) == Decimal("67.15")


def test_weighted_total_with_weights_not_summing_to_100():
    criteria = [Criterion(pk=1, weight=Decimal(1)), Criterion(pk=2, weight=Decimal(3))]
    scores = [Score(criterion_id=1, score=Decimal(40)), Score(criterion_id=2, score=Decimal(80))]
    assert services.weighted_total(scores, criteria) == Decimal("70.00")


# --- the aggregate -----------------------------------------------------------------------------

def submitted_totals(app, totals):
    for expert, total in zip(pool(len(totals)), totals, strict=True):
        Assignment.objects.create(application=app, expert=expert, status=Assignment.Status.SUBMITTED,
                                  total=Decimal(total), deadline=timezone.localdate(), recommendation="support",
                                  submitted_at=timezone.now())


@pytest.mark.parametrize(("method", "totals", "expected"), [
    ("mean", [10, 70, 80, 90, 95], "69.00"),
    ("trimmed_mean", [10, 70, 80, 90, 95], "80.00"),      # ≥5: highest and lowest dropped
    ("trimmed_mean", [10, 70, 80, 95], "63.75"),          # 4: the plain mean
    ("mean", [10, 70, 80, 95], "63.75"),
    ("trimmed_mean", [50, 60, 70, 80, 90, 100], "75.00"),
])
def test_aggregate_mean_and_trimmed_mean(client, pending, method, totals, expected):
    set_aggregate("beijing-2026", method)
    app = reload(pending)
    submitted_totals(app, totals)
    assert services.aggregate(app) == Decimal(expected)
    client.force_login(staff_of(app))
    body = client.get(organise_url(app)).content.decode()
    assert f'<span id="aggregate">{expected}</span>' in body
    assert f'data-method="{method}"' in body


def test_aggregate_ignores_unsubmitted_and_defaults_to_mean(pending):
    submitted_totals(pending, [60, 90])
    Assignment.objects.create(application=pending, expert=pool(1)[0], status=Assignment.Status.ACCEPTED,
                              deadline=timezone.localdate())
    assert services.aggregate(reload(pending)) == Decimal("75.00")


def test_per_criterion_averages_on_the_organise_page(client, seeded):
    app = make_application("beijing-2026", state=State.EXPERT_PENDING)
    experts = pool(2)
    services.draw_experts(app.pk, staff_of(app), 2)
    criteria = services.criteria_for(app.programme)
    for expert, values in zip(experts, ([90, 80, 70, 60], [70, 60, 50, 41]), strict=True):
        assignment = app.assignments.get(expert=expert)
        services.respond_to_invitation(assignment, expert.user, accept=True, no_conflict=True)
        services.submit_scores(assignment, expert.user, {c.pk: (Decimal(v), "") for c, v in zip(criteria, values, strict=True)},
                               "support", "")
    client.force_login(staff_of(app))
    body = client.get(organise_url(app)).content.decode()
    for average in ("80.00", "70.00", "60.00", "50.50"):
        assert f'<td class="text-end criterion-average">{average}</td>' in body


# --- site visits and defences ----------------------------------------------------------------

def test_site_visit_recorded_and_its_attachment_for_staff_only(client, drawn):
    app, _experts = drawn
    staff = staff_of(app)
    client.force_login(staff)
    upload = SimpleUploadedFile("现场考察记录.pdf", pdfs.blank_pdf(), content_type="application/pdf")
    response = client.post(organise_url(app), {
        "action": "visit", "kind": "site_visit", "date": timezone.localdate().isoformat(), "place": "海淀区中关村大街1号",
        "participants": "专家组5人，牵头单位负责人", "notes": "现场查看研发场地与设备。", "attachment": upload})
    assert response.status_code == 302
    visit = SiteVisit.objects.get(application=app)
    assert visit.attachment_name == "现场考察记录.pdf" and visit.by == staff
    body = client.get(organise_url(app)).content.decode()
    url = reverse("review:visit_attachment", args=[app.pk, visit.pk])
    assert "海淀区中关村大街1号" in body and url in body
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")

    response = client.post(organise_url(app), {"action": "visit", "kind": "defence", "date": "", "place": "",
                                               "participants": "", "notes": ""})
    assert response.status_code == 200 and SiteVisit.objects.filter(application=app).count() == 1

    assignment = app.assignments.select_related("expert__user").first()
    services.respond_to_invitation(assignment, assignment.expert.user, accept=True, no_conflict=True)
    for user in (assignment.expert.user, app.created_by, staff_user(AuthorityFactory()), district_user(app.district),
                 admin_user()):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.role


def test_a_non_pdf_visit_attachment_is_refused_with_a_message(client, drawn):
    app, _experts = drawn
    client.force_login(staff_of(app))
    upload = SimpleUploadedFile("notes.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(organise_url(app), {
        "action": "visit", "kind": "defence", "date": timezone.localdate().isoformat(), "place": "会议室",
        "participants": "专家组", "notes": "答辩", "attachment": upload})
    assert response.status_code == 200 and not SiteVisit.objects.exists()
    assert "alert-danger" in response.content.decode()


# --- concluding ---------------------------------------------------------------------------------

def test_conclude_is_refused_until_every_accepted_expert_submitted_beijing_to_decision(client, drawn):
    app, _experts = drawn
    first, second, third = list(app.assignments.select_related("expert__user").order_by("id"))
    criteria = services.criteria_for(app.programme)
    full = {c.pk: (Decimal(75), "") for c in criteria}
    services.respond_to_invitation(first, first.expert.user, accept=True, no_conflict=True)
    services.submit_scores(first, first.expert.user, full, "support", "")
    services.respond_to_invitation(second, second.expert.user, accept=True, no_conflict=True)
    services.respond_to_invitation(third, third.expert.user, accept=False, reason="回避")

    client.force_login(staff_of(app))
    response = client.post(organise_url(app), {"action": "conclude"}, follow=True)
    assert "Please tick the confirmation" in response.content.decode()
    response = client.post(organise_url(app), {"action": "conclude", "confirm": "on"}, follow=True)
    assert "Every expert who accepted must submit scores first" in response.content.decode()
    assert reload(app).state == State.EXPERT_REVIEW

    services.submit_scores(second, second.expert.user, full, "not_support", "")
    # Every score is in, but Beijing's expert review includes a site visit or defence.
    response = client.post(organise_url(app), {"action": "conclude", "confirm": "on"}, follow=True)
    page = response.content.decode()
    assert "Record the site visit or defence first" in page and 'id="visit-missing"' in page
    assert reload(app).state == State.EXPERT_REVIEW
    record_visit(app, staff_of(app))
    response = client.post(organise_url(app), {"action": "conclude", "confirm": "on"}, follow=True)
    assert response.status_code == 200
    app = reload(app)
    assert app.state == State.DECISION
    assert app.log.filter(transition="conclude_expert_review").exists()
    assert 'id="conclude-form"' not in response.content.decode() and 'id="draw-form"' not in response.content.decode()


def test_conclude_moves_weihai_to_approved(client, seeded):
    app = make_application("weihai-2026", state=State.EXPERT_REVIEW, experts=3)
    accept_and_score(app)
    client.force_login(staff_of(app))
    # 专家评估 includes 现场考察（答辩评审）: recorded through the page, then the evaluation concludes.
    response = client.post(organise_url(app), {"action": "conclude", "confirm": "on"}, follow=True)
    assert "Record the site visit or defence first" in response.content.decode()
    assert reload(app).state == State.EXPERT_REVIEW
    response = client.post(organise_url(app), {
        "action": "visit", "kind": "defence", "date": timezone.localdate().isoformat(), "place": "市科技局会议室",
        "participants": "评审专家三名", "notes": "牵头单位答辩，专家提问。"}, follow=True)
    assert response.status_code == 200 and app.site_visits.filter(kind="defence").exists()
    client.post(organise_url(app), {"action": "conclude", "confirm": "on"})
    assert reload(app).state == State.APPROVED


def test_experts_cannot_score_once_the_evaluation_is_concluded(client, drawn):
    app, _experts = drawn
    assignments = list(app.assignments.select_related("expert__user"))
    services.respond_to_invitation(assignments[0], assignments[0].expert.user, accept=True, no_conflict=True)
    services.submit_scores(assignments[0], assignments[0].expert.user,
                           {c.pk: (Decimal(70), "") for c in services.criteria_for(app.programme)}, "support", "")
    for late in assignments[1:]:
        services.respond_to_invitation(late, late.expert.user, accept=False, reason="时间冲突")
    # Beijing's expert review includes a site visit or defence: concluding waits for its record.
    with pytest.raises(ActionRefused, match="site visit or defence"):
        services.conclude_experts(app.pk, staff_of(app))
    record_visit(app, staff_of(app))
    services.conclude_experts(app.pk, staff_of(app))
    client.force_login(assignments[0].expert.user)
    page = client.get(assignment_url(assignments[0])).content.decode()
    assert "score-form" not in page


# --- who sees what --------------------------------------------------------------------------------

def test_the_applicant_never_sees_an_experts_name(client, seeded):
    app = make_application("beijing-2026", state=State.EXPERT_REVIEW, experts=3)
    accept_and_score(app)
    record_visit(app, staff_of(app))
    services.conclude_experts(app.pk, staff_of(app))
    names = list(app.assignments.values_list("expert__name", flat=True))
    assert len(names) == 3
    client.force_login(app.created_by)
    page = client.get(reverse("review:application_detail", args=[app.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    for name in names:
        assert name not in body
    assert client.get(organise_url(app)).status_code == 404
    assert client.get(assignment_url(app.assignments.first())).status_code == 404
    assert client.get(reverse("review:expert_assignments")).status_code == 404


def test_only_staff_of_the_programmes_authority_organise_experts(client, pending):
    client.force_login(staff_of(pending))
    assert client.get(organise_url(pending)).status_code == 200
    others = [staff_user(AuthorityFactory()), staff_user(Programme.objects.get(code="weihai-2026").authority, new=True),
              district_user(pending.district), admin_user(), pending.created_by, expert_user()]
    for user in others:
        client.force_login(user)
        assert client.get(organise_url(pending)).status_code == 404, user.role
        response = client.post(organise_url(pending), {"action": "draw", "count": "1", "field": FIELD,
                                                       "deadline": timezone.localdate().isoformat()})
        assert response.status_code == 404
    assert not ExpertDraw.objects.exists()


def test_draw_refused_outside_the_expert_stage(client, seeded):
    pool(3)
    app = make_application("beijing-2026", state=State.FORMAL_REVIEW)
    client.force_login(staff_of(app))
    page = client.get(organise_url(app)).content.decode()
    assert 'id="draw-form"' not in page
    response = client.post(organise_url(app), {"action": "draw", "count": "1", "field": FIELD,
                                               "deadline": timezone.localdate().isoformat()})
    assert "Experts are drawn only during the expert evaluation." in response.content.decode()
    assert not ExpertDraw.objects.exists()


# --- query counts ---------------------------------------------------------------------------------

def organise_queries(client, app):
    client.force_login(staff_of(app))
    client.get(organise_url(app))  # warm-up (criteria, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(organise_url(app))
    assert response.status_code == 200
    return len(queries)


def test_organise_page_queries_do_not_grow_with_the_experts(client, seeded):
    small = make_application("beijing-2026", state=State.EXPERT_REVIEW, experts=1)
    accept_and_score(small)
    big = make_application("beijing-2026", state=State.EXPERT_REVIEW, experts=10)
    accept_and_score(big)
    assert big.assignments.filter(status="submitted").count() == 10
    assert small.assignments.filter(status="submitted").count() == 1
    for app in (small, big):
        services.record_site_visit(app, staff_of(app), "defence", timezone.localdate(), "会议室", "专家组", "答辩")
    one, ten = organise_queries(client, small), organise_queries(client, big)
    assert one == ten <= 20


def test_expert_pages_queries_are_fixed(client, seeded, django_assert_max_num_queries):
    app = make_application("beijing-2026", state=State.EXPERT_REVIEW, experts=2)
    accept_and_score(app, submit=False)
    assignment = app.assignments.select_related("expert__user").first()
    client.force_login(assignment.expert.user)
    client.get(assignment_url(assignment))
    with django_assert_max_num_queries(30):
        assert client.get(assignment_url(assignment)).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("review:expert_assignments")).status_code == 200


# --- the Zhongguancun sheet -----------------------------------------------------------------------

def test_load_criteria_seeds_the_eight_zhongguancun_criteria_idempotently(seeded):
    zgc = Programme.objects.get(code="zgc-2026")
    # load_programmes (the ``seeded`` fixture) has already loaded the sheet …
    assert [c.name for c in services.criteria_for(zgc)][:2] == ["建设意义和必要性", "实施基础"]
    zgc.criteria.all().delete()
    services.criteria_for(zgc)  # … here the default sheet is made before the seed runs again …
    counts = load_criteria()
    assert counts["created"] == 8 and counts["deleted"] == 4  # … is replaced
    rows = list(zgc.criteria.all())
    assert [r.name for r in rows] == ["建设意义和必要性", "实施基础", "人才团队", "创新能力", "产业整合服务能力",
                                      "建设内容", "绩效目标", "资金筹措"]
    assert sum(r.weight for r in rows) == 100
    assert load_criteria() == {"created": 0, "updated": 0, "unchanged": 8, "deleted": 0, "kept": 0}
    beijing = Programme.objects.get(code="beijing-2026")
    assert [c.name for c in services.criteria_for(beijing)] == [n for n, _w in DEFAULT_CRITERIA]


def test_load_criteria_keeps_a_scored_criterion(seeded):
    zgc = Programme.objects.get(code="zgc-2026")
    old = Criterion.objects.create(programme=zgc, name="旧指标", weight=10)
    expert = pool(1)[0]
    app = make_application("zgc-2026", state=State.EXPERT_PENDING)
    services.draw_experts(app.pk, staff_of(app), 1)
    Score.objects.create(assignment=app.assignments.get(expert=expert), criterion=old, score=50)
    counts = load_criteria()
    assert counts["kept"] == 1 and Criterion.objects.filter(pk=old.pk).exists()



# --- the field taxonomy (领域): one for programmes and the pool ------------------------------------

def draw_data(page):
    """The draw form's values as the page offers them (its initial values)."""
    form = page.context["draw_form"]
    return {"action": "draw", "count": str(form["count"].value()), "field": form["field"].value() or "",
            "seed": "", "deadline": form["deadline"].value().isoformat()}


@pytest.mark.sqlite
def test_an_expert_of_a_broader_or_narrower_field_is_drawn_and_others_are_not(seeded):
    from applications.models import Field

    broad, narrow = Field.objects.get(name="新一代信息技术"), Field.objects.get(name="集成电路")
    assert narrow.parent == broad
    app = make_application("beijing-2026", state=State.EXPERT_PENDING, field="集成电路")
    broader = pool(2, field="新一代信息技术")
    same = pool(1, field="集成电路")
    pool(3, field="生物医药")  # another branch of the taxonomy
    draw = services.draw_experts(app.pk, staff_of(app), 3, seed="taxonomy")
    assert set(draw.candidates) == {e.pk for e in broader + same}
    # An application of the broad field finds the experts of its narrower fields too.
    other = make_application("zgc-2026", state=State.EXPERT_PENDING, field="新一代信息技术")
    assert {e.pk for e in broader + same} <= set(services.draw_experts(other.pk, staff_of(other), 3).candidates)


def test_a_short_pool_says_how_many_experts_and_which_fields_have_too_few(client, seeded):
    app = make_application("zgc-2026", state=State.EXPERT_PENDING, field="新材料")
    pool(2, field="新材料")
    pool(6, field="新一代信息技术")
    client.force_login(staff_of(app))
    page = client.get(organise_url(app))
    body = page.content.decode()
    assert "The pool is short: 2 active experts match the application's field, 5 are wanted" in body
    shortfall = page.context["shortfall"]
    # ZGC's fields (第四条): 新一代信息技术 has six, the others too few — 新材料 two, the rest none.
    assert dict(shortfall["short_fields"]) == {"生物健康": 0, "高端装备与先进制造": 0, "新材料": 2,
                                               "新能源与节能环保": 0, "其他领域": 0}
    assert "<li>新材料：2</li>" in body and "<li>生物健康：none</li>" in body
    # The page's own draw (its default field and count) is refused with the same numbers; nothing is drawn.
    response = client.post(organise_url(app), draw_data(page))
    assert "Only 2 experts without conflict match the field 新材料; 5 were asked for." in response.content.decode()
    assert not ExpertDraw.objects.filter(application=app).exists()


def test_a_field_outside_the_taxonomy_is_named_and_the_draw_offers_the_taxonomy(client, seeded):
    app = make_application("weihai-2026", state=State.EXPERT_PENDING, field="海洋生物（自填）")
    pool(5, field="医药健康")
    client.force_login(staff_of(app))
    page = client.get(organise_url(app))
    assert "“海洋生物（自填）” is not a field of the taxonomy" in page.content.decode()
    choices = dict(page.context["draw_form"].fields["field"].choices)
    assert "海洋生物（自填）" in choices and "生物医药" in choices and "" in choices  # every field
    response = client.post(organise_url(app), dict(draw_data(page), field="生物医药"))
    assert response.status_code == 302
    assert len(ExpertDraw.objects.get(application=app).drawn) == 5


def test_the_draw_asks_for_the_number_of_experts_the_stage_sets(client, pending):
    programme = pending.programme
    programme.stages = [dict(s, experts=7) if s["key"] == "expert_review" else s for s in programme.stages]
    programme.save(update_fields=["stages"])
    pool(7)
    client.force_login(staff_of(pending))
    page = client.get(organise_url(pending))
    assert page.context["draw_form"]["count"].value() == 7 and page.context["shortfall"] is None
    assert client.post(organise_url(pending), draw_data(page)).status_code == 302
    assert len(ExpertDraw.objects.get(application=pending).drawn) == 7
