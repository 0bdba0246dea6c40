"""The applicant's side of the review: return → edit → resubmit, version differences, withdrawal, timeline."""

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications.models import ApplicationVersion
from portal.lifecycle import ActionRefused
from portal.models import Role
from review import services
from review.models import TransitionLog
from review.views.applicant import diff_versions, timeline_context
from tests.applications.test_applications import editor_data, member_row
from tests.factories import AuthorityFactory, UnitFactory, UserFactory
from tests.review.test_review_district import (
    EN,
    SUZHOU_DIVISION,
    decide,
    district_reviewer,
    peer,
    staff_of,
    submitted,
    weihai,
)

pytestmark = pytest.mark.django_db

REASON = "组建协议缺少成员单位盖章，请补充。"


def returned_weihai(client):
    application, applicant = weihai()
    reviewer = district_reviewer(application, name="王审核")
    client.force_login(reviewer)
    decide(client, application, "return", opinion=REASON)
    application.refresh_from_db()
    assert application.state == "returned"
    return application, applicant, reviewer


def test_return_edit_resubmit_then_the_diff(client, seeded):
    application, applicant, reviewer = returned_weihai(client)
    old_goals = application.goals

    # The applicant sees the reason (the banner goes on top of the editor and the detail page).
    banner = render_to_string("review/applicant/_return_banner.html", {"application": application})
    assert REASON in banner and 'id="return-banner"' in banner
    client.force_login(applicant)
    page = client.get(reverse("review:application_withdraw", args=[application.pk]), **EN).content.decode()
    assert REASON in page and "Returned for revision" in page

    for url in (reverse("applications:application_edit", args=[application.pk]), reverse("review:application_detail", args=[application.pk])):
        response = client.get(url, **EN)
        assert response.status_code == 200
        page = response.content.decode()
        assert REASON in page and 'id="return-banner"' in page
        assert "王审核" not in page, "the applicant never sees the reviewer's name"
    # The detail page of a returned application is not called a draft, and offers its buttons once.
    assert 'id="draft-banner"' not in page and "still a draft" not in page
    assert page.count(reverse("applications:application_submit", args=[application.pk])) == 1

    # … edits (a changed field, an added member) …
    data = editor_data(application, members=[member_row(99)], goals="补充盖章后的组建协议，聚焦海洋生物材料。")
    response = client.post(reverse("applications:application_edit", args=[application.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    # … and resubmits: back to the stage that returned it, with a second frozen version.
    response = client.post(reverse("applications:application_submit", args=[application.pk]), {"confirm": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "district_review"
    assert [v.number for v in ApplicationVersion.objects.filter(application=application)] == [1, 2]
    log = TransitionLog.objects.get(application=application, transition="resubmit")
    assert (log.actor, log.actor_role, log.source, log.target, log.ip) == (
        applicant, "applicant", "returned", "district_review", "127.0.0.1")

    # The differences, for the applicant and for the reviewer.
    url = reverse("review:version_diff", args=[application.pk])
    for user in (applicant, reviewer, staff_of(application)):
        client.force_login(user)
        response = client.get(url, **EN)
        assert response.status_code == 200, user.role
        page = response.content.decode()
        assert "goals and positioning" in page
        assert old_goals in page and "补充盖章后的组建协议，聚焦海洋生物材料。" in page
        assert 'id="diff-members"' in page and "成员单位99" in page
        assert response.context["diff"]["sections"][0]["added"] == ["成员单位99"]
    # The district page links to it.
    client.force_login(reviewer)
    assert url in client.get(reverse("review:district_review", args=[application.pk])).content.decode()


def test_diff_page_choices_and_scope(client, seeded):
    application, applicant = weihai()
    url = reverse("review:version_diff", args=[application.pk])
    client.force_login(applicant)
    page = client.get(url, **EN).content.decode()
    assert 'id="nothing-to-compare"' in page
    ApplicationVersion.objects.create(application=application, number=2, data=application.versions.get().data,
                                      created_by=applicant)
    page = client.get(url + "?a=1&b=2", **EN).content.decode()
    assert 'id="no-changes"' in page
    assert client.get(url + "?a=1&b=7").status_code == 404
    assert client.get(url + "?a=x").status_code == 200  # falls back to the last two
    for user in (UserFactory(unit=UnitFactory(), is_unit_admin=True),
                 UserFactory(role=Role.STAFF, authority=AuthorityFactory(), unit=None),
                 UserFactory(role=Role.EXPERT, unit=None)):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_diff_versions_covers_every_section():
    old = {
        "application": {"name": "甲", "goals": "旧目标", "lead_selected_by": "city", "fulltime_staff": 10,
                        "updated_at": "2026-01-01", "submitted_at": "2026-01-01"},
        "district": "环翠区科技局", "lead_unit": {"name": "甲公司", "unit_type": "enterprise"},
        "members": [{"name": "成员A", "unit_type": "enterprise", "role": "member", "region": "威海"},
                    {"name": "成员B", "unit_type": "university", "role": "member"}],
        "people": [{"role": "council_chair", "name": "张", "title": "董事长"}],
        "tasks": [{"title": "任务一", "description": "旧", "budget": "100.00"}],
        "budget_lines": [{"source": "lead", "amount": "500.00", "note": ""}],
        "targets": [{"year": 2026, "indicator": "专利", "value": "5"}],
        "attachments": [{"kind": "组建协议", "name": "a.pdf", "version": 1, "sha256": "1"}],
    }
    new = {
        "application": {"name": "甲", "goals": "新目标", "lead_selected_by": "county", "fulltime_staff": 12,
                        "updated_at": "2026-02-01", "submitted_at": "2026-02-01"},
        "district": "环翠区科技局", "lead_unit": {"name": "甲公司", "unit_type": "enterprise"},
        "members": [{"name": "成员A", "unit_type": "enterprise", "role": "core", "region": "威海"},
                    {"name": "成员C", "unit_type": "research", "role": "member"}],
        "people": [{"role": "council_chair", "name": "张", "title": "董事长"},
                   {"role": "operations", "name": "李", "title": ""}],
        "tasks": [{"title": "任务一", "description": "新", "budget": "100.00"}],
        "budget_lines": [{"source": "lead", "amount": "600.00", "note": ""}],
        "targets": [],
        "attachments": [{"kind": "组建协议", "name": "b.pdf", "version": 2, "sha256": "2"},
                        {"kind": "推荐函", "name": "c.pdf", "version": 1, "sha256": "3"}],
    }
    diff = diff_versions(old, new)
    labels = {str(label): (before, after) for label, before, after in diff["scalars"]}
    assert labels["goals and positioning"] == ("旧目标", "新目标")
    assert labels["full-time staff"] == ("10", "12")
    assert labels["lead unit selected by"] == ("selected by the city", "selected by a county-level city or district")
    assert "last change" not in labels and "submitted at" not in labels
    sections = {s["key"]: s for s in diff["sections"]}
    assert sections["members"]["added"] == ["成员C"] and sections["members"]["removed"] == ["成员B"]
    assert sections["members"]["changed"] == [{"title": "成员A", "fields": [("role", "member", "core member")]}]
    assert sections["people"]["added"] == ["operating team head (运营团队) 李"]
    assert sections["tasks"]["changed"][0]["fields"] == [("content and goal", "旧", "新")]
    assert sections["budget_lines"]["changed"][0]["fields"] == [("amount (10k yuan)", "500.00", "600.00")]
    assert sections["targets"]["removed"] == ["2026 专利"]
    assert sections["attachments"]["added"] == ["推荐函: c.pdf"]
    assert sections["attachments"]["changed"][0]["fields"][0][1:] == ("a.pdf v1", "b.pdf v2")
    assert not diff["empty"] and not diff["lead_unit"]
    assert diff_versions(old, old)["empty"]


# --- withdrawal ----------------------------------------------------------------------------------------

def test_withdraw_before_a_decision(client, seeded):
    application, applicant = weihai()
    url = reverse("review:application_withdraw", args=[application.pk])
    for user in (district_reviewer(application), staff_of(application), UserFactory(unit=UnitFactory())):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 404
    client.force_login(applicant)
    page = client.get(url, **EN).content.decode()
    assert 'name="reason"' in page and 'name="confirm"' in page
    page = client.post(url, {"reason": "项目调整"}, **EN).content.decode()
    assert "Please tick the box" in page
    application.refresh_from_db()
    assert application.state == "district_review"
    response = client.post(url, {"reason": "牵头单位战略调整，暂不申报。", "confirm": "on"}, follow=True, **EN)
    assert "The application is withdrawn." in response.content.decode()
    application.refresh_from_db()
    assert application.state == "withdrawn"
    log = TransitionLog.objects.get(application=application, transition="withdraw")
    assert (log.actor, log.actor_role, log.source, log.target, log.reason, log.ip) == (
        applicant, "applicant", "district_review", "withdrawn", "牵头单位战略调整，暂不申报。", "127.0.0.1")
    # Once withdrawn, nothing more.
    response = client.get(url, follow=True, **EN)
    assert "can no longer be withdrawn" in response.content.decode()


def test_withdraw_refused_after_approval(client, seeded):
    application, applicant = submitted("suzhou-2026", SUZHOU_DIVISION, lead_selected_by="city", field="电子信息",
                                       lead_has_provincial_carrier=True, lead_has_equity_fund=True)
    assert application.state == "decision"
    staff = staff_of(application)
    services.decide([application.pk], staff, "approve", ip="10.1.1.1")
    application.refresh_from_db()
    assert application.state == "approved"
    client.force_login(applicant)
    url = reverse("review:application_withdraw", args=[application.pk])
    response = client.get(url, follow=True, **EN)
    assert "can no longer be withdrawn" in response.content.decode()
    response = client.post(url, {"reason": "改变主意", "confirm": "on"}, follow=True, **EN)
    assert "can no longer be withdrawn" in response.content.decode()
    application.refresh_from_db()
    assert application.state == "approved"
    assert not TransitionLog.objects.filter(transition="withdraw").exists()
    # And through the service directly: refused with a message, nothing written.
    with pytest.raises(ActionRefused):
        services.withdraw(application.pk, applicant, reason="x")
    log = TransitionLog.objects.get(application=application, transition="approve")
    assert (log.actor, log.actor_role, log.source, log.target, log.ip) == (
        staff, "staff", "decision", "approved", "10.1.1.1")


# --- the timeline -------------------------------------------------------------------------------------

def test_timeline_shows_roles_to_the_applicant_and_names_to_reviewers(client, seeded):
    application, applicant, reviewer = returned_weihai(client)
    services.resubmit(application.pk, applicant, ip="10.0.0.2")
    for level in ("senior", "senior", "associate"):
        peer(application, reviewer, level)
    client.force_login(reviewer)
    decide(client, application, "recommend", opinion="同意推荐。")
    application.refresh_from_db()
    assert application.state == "formal_review"

    entries = list(TransitionLog.objects.filter(application=application))
    assert [e.transition for e in entries] == ["submit", "return_for_revision", "resubmit", "recommend"]
    for entry in entries:
        assert entry.actor_id and entry.actor_role and entry.source and entry.target and entry.ip and entry.at

    with CaptureQueriesContext(connection) as queries:
        context = timeline_context(application, applicant)
    assert len(queries) == 1
    assert context["show_names"] is False
    with translation.override("en"):
        html = render_to_string("review/_timeline.html", context)
    assert "王审核" not in html and "申报人甲" not in html
    assert "district reviewer" in html and "return for revision" in html
    assert REASON in html and html.count('data-transition="') == 4
    assert "10.0.0.2" not in html

    staff = staff_of(application, name="赵处长")
    context = timeline_context(application, staff)
    assert context["show_names"] is True
    html = render_to_string("review/_timeline.html", context)
    assert "王审核" in html and "申报人甲" in html and "10.0.0.2" in html

    # On the district page the reviewer sees the names too; the applicant's pages never show them.
    page = client.get(reverse("review:district_review", args=[application.pk])).content.decode()
    assert 'id="timeline"' in page
    client.force_login(applicant)
    for url in (reverse("review:version_diff", args=[application.pk]), reverse("review:application_withdraw", args=[application.pk])):
        assert "王审核" not in client.get(url).content.decode()


def test_timeline_in_english_uses_labels(seeded):
    application, applicant = weihai()
    with translation.override("en"):
        html = render_to_string("review/_timeline.html", timeline_context(application, applicant))
    assert "submit" in html and "awaiting district review" in html and "applicant user" in html
    assert "申报人甲" not in html



@pytest.mark.chinese
def test_the_diff_and_the_timeline_speak_chinese(client, seeded):
    """The diff's first column is 变更项 (not the application's 所属领域 label); the timeline names each
    action in Chinese (提交, 退回修改 …), never the transition's code word."""
    from applications.states import State
    from tests.review_factories import make_application

    application = make_application("beijing-2026", state=State.RETURNED)
    type(application).objects.filter(pk=application.pk).update(goals="补充后的建设目标。")  # revised
    services.resubmit(application.pk, application.created_by)
    client.force_login(application.created_by)
    diff = client.get(reverse("review:version_diff", args=[application.pk])).content.decode()
    assert "<th>变更项</th>" in diff and "<th>所属领域</th>" not in diff
    detail = client.get(application.get_absolute_url()).content.decode()
    timeline = detail[detail.index('id="timeline"'):]
    timeline = timeline[:timeline.index("</section>")]
    labels = re.findall(r'<div class="fw-semibold">([^<]*)</div>', timeline)
    assert labels[:3] == ["提交", "退回修改", "重新提交"], labels
