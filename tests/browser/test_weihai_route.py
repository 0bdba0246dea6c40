"""The Weihai (威海) route in real Chromium, each role logging in through the login page in turn:

applicant submits → district office 初审 with three peer opinions of 副高 or above → city staff
形式审查 → staff draw experts at random → each drawn expert declares no conflict, accepts and
scores → staff record a site visit and conclude → staff open the publicity (5 working days on the
holiday table) → the public sees the list → the period passes → staff file it → the directory
shows it with its certificate number → the applicant sees 已备案.  A screenshot of every stage's
page lands in artefacts/browser/<test>/.

A publicity start date in the past is refused by the portal (objections must be possible during
the whole period), so the period is opened today and the test then lets the working days pass by
moving the portal's clock forward: the live server runs in this process.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from applications.models import Application
from applications.states import State
from review.calendar import WorkingCalendar
from review.models import Assignment, HolidayDay, PeerOpinion, PublicityBatch, SiteVisit, TransitionLog
from tests.browser.conftest import shoot
from tests.browser.pages import log_in_with_the_form
from tests.review_factories import (
    district_user,
    ensure_experts,
    expert_user,
    forward_states,
    make_draft,
    staff_user,
    unit_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory
CODE = "weihai-2026"


def zh(text, **params):
    """A message as the browser (Accept-Language zh-CN) sees it."""
    with translation.override("zh-hans"):
        translated = gettext(text)
    return translated % params if params else translated


def label(choice):
    with translation.override("zh-hans"):
        return str(choice.label)


def body(page):
    return page.locator("body").inner_text()


def state_of(application):
    return Application.objects.get(pk=application.pk).state


def go(page, target, url=None):
    """Click ``target`` and wait for the page it leads to (a form post and its redirect, or a link)."""
    with page.expect_navigation(url=url):
        target.click()


def log_in(page, base, user):
    log_in_with_the_form(page, base, user, PASSWORD)
    assert page.locator("#user-menu").inner_text().strip() == user.display_name


def log_out(page, base):
    page.click("#user-menu")
    go(page, page.locator("form[action='/accounts/logout/'] button[type=submit]"), f"{base}/")
    assert page.locator("#user-menu").count() == 0


def open_from_queue(page, application, url):
    """Follow the action button of the application's row in the workspace's "waiting for you"."""
    row = page.locator(f"#work-queue tr[data-pk='{application.pk}']")
    assert row.get_attribute("data-state") == Application.objects.get(pk=application.pk).state
    go(page, row.locator("a.btn"), url)


def weighted(scores, weights):
    return (sum(Decimal(s) * w for s, w in zip(scores, weights, strict=True)) / sum(weights)).quantize(
        Decimal("0.01"))


def let_days_pass(monkeypatch, days):
    """Move the portal's clock ``days`` forward.  The live server is a thread of this process, so
    every ``timezone.now()`` and ``timezone.localdate()`` it calls (model defaults included) is later."""
    real = datetime.datetime
    shift = datetime.timedelta(days=days)

    class AnyDatetime(type):
        def __instancecheck__(cls, value):  # timezone.template_localtime checks isinstance(value, datetime)
            return isinstance(value, real)

    class Later(real, metaclass=AnyDatetime):
        @classmethod
        def now(cls, tz=None):
            return real.now(tz) + shift

    monkeypatch.setattr(timezone, "datetime", Later)


def test_weihai_route_role_by_role(live_server, browser_page, monkeypatch):
    call_command("load_programmes", "--demo-window", verbosity=0)
    # The migration's holiday rows are there even after an earlier transactional test flushed them
    # (tests/conftest.py refills them), so the period below is counted on the real calendar.
    assert HolidayDay.objects.filter(date__year=timezone.localdate().year).exists()
    page = browser_page
    base = live_server.url

    # The cast: a complete, eligible Weihai draft of a unit in 环翠区, its district reviewer, the
    # city's programme staff, and four experts of the application's field (three are drawn) plus
    # one of another field (never a candidate).  Written in one transaction: one commit.
    with transaction.atomic():
        draft = make_draft(CODE, unit=unit_in(CODE, name="威海海洋装备科技有限公司"),
                           name="威海市海洋装备创新联合体")
        applicant = draft.created_by
        reviewer = district_user(draft.district, full_name="环翠区初审员")
        staff = staff_user(draft.programme.authority, full_name="市科技局经办人")
        pool = ensure_experts(draft.field, 4)
        outsider = expert_user(fields=["生物医药"]).expert_profile
    assert draft.state == State.DRAFT and draft.district.name == "环翠区科技局"
    expected_path = forward_states(draft)
    assert expected_path == [State.DRAFT, State.DISTRICT_REVIEW, State.FORMAL_REVIEW, State.EXPERT_PENDING,
                             State.EXPERT_REVIEW, State.APPROVED, State.PUBLICITY, State.FILED]

    # 1. The applicant logs in and submits, with the declaration.
    page.goto(f"{base}/accounts/login/")
    shoot(page, "01-login")
    log_in(page, base, applicant)
    go(page, page.get_by_role("link", name=draft.name).first, f"**/applications/{draft.pk}/")
    assert page.locator("#application-state").inner_text() == label(State.DRAFT)
    shoot(page, "02-applicant-draft")
    go(page, page.locator(f"#actions a[href='/applications/{draft.pk}/submit/']"), "**/submit/")
    assert page.locator("#submit-blocked").count() == 0
    shoot(page, "03-applicant-submit-confirm")
    page.check("#confirm")
    go(page, page.locator("#confirm-submit"), f"**/applications/{draft.pk}/")
    assert page.locator("#application-state").inner_text() == label(State.DISTRICT_REVIEW) == "待初审"
    assert page.locator("#submitted-at").is_visible()
    shoot(page, "04-applicant-submitted")
    assert state_of(draft) == State.DISTRICT_REVIEW
    assert draft.versions.count() == 1
    log_out(page, base)

    # 2. The district office of 环翠区: peer opinions, then the recommendation.
    log_in(page, base, reviewer)
    open_from_queue(page, draft, f"**/review/{draft.pk}/district/")
    peer_count = page.locator("#peer-count")
    assert (peer_count.get_attribute("data-qualifying"), peer_count.get_attribute("data-required")) == ("0", "3")
    peer_form = page.locator(f"form[action='/review/{draft.pk}/district/peer/']")
    today = timezone.localdate()

    def add_peer(name, title, level, discipline, opinion):
        peer_form.locator("[name=expert_name]").fill(name)
        peer_form.locator("[name=title]").fill(title)
        peer_form.locator("[name=title_level]").select_option(level.value)
        peer_form.locator("[name=discipline]").fill(discipline)
        peer_form.locator("[name=opinion]").fill(opinion)
        peer_form.locator("[name=date]").fill(today.isoformat())
        go(page, peer_form.locator("#add-peer-opinion"), f"**/review/{draft.pk}/district/#peer-opinions")
        assert name in page.locator("#peer-opinions table").inner_text()

    add_peer("张海洋", "教授", PeerOpinion.TitleLevel.SENIOR, "船舶与海洋工程", "技术路线可行，同意推荐。")
    add_peer("李新材", "副研究员", PeerOpinion.TitleLevel.ASSOCIATE, "材料科学与工程", "组建协议完整，同意推荐。")
    add_peer("王助理", "工程师", PeerOpinion.TitleLevel.INTERMEDIATE, "机械工程", "同意。")
    # The 中级 opinion is recorded but does not count.
    assert page.locator("#peer-count").get_attribute("data-qualifying") == "2"
    assert page.locator("#peer-opinions tr[data-qualifies='0']").count() == 1

    opinion_form = page.locator("#opinion-form form")

    def send_opinion(text, url=None):
        opinion_form.locator("input[name=decision][value=recommend]").check()
        opinion_form.locator("[name=opinion]").fill(text)
        opinion_form.locator("[name=confirm]").check()
        go(page, opinion_form.locator("#send-opinion"), url)

    # Two qualifying opinions are not enough: the recommendation is refused.
    send_opinion("材料真实，同意推荐。")
    assert zh("At least %(n)d peer opinions by experts of associate senior title (副高) or above are needed.",
              n=3) in body(page)
    assert state_of(draft) == State.DISTRICT_REVIEW
    assert not draft.district_opinions.exists()

    add_peer("赵高工", "高级工程师", PeerOpinion.TitleLevel.ASSOCIATE, "控制科学与工程", "攻关任务明确，同意推荐。")
    assert page.locator("#peer-count").get_attribute("data-qualifying") == "3"
    assert page.locator("#peer-opinions tbody tr").count() == 4
    shoot(page, "05-district-review-peer-opinions")
    # The decision lands on the application's page: its message and the new state, no banner saying the
    # application cannot be decided (issue: green 已推荐 beside 该申报书不在待初审状态).
    send_opinion("材料真实，三名同行专家意见齐备，同意推荐。", f"**/applications/{draft.pk}/")
    assert page.locator("#review-closed").count() == 0
    assert page.locator("#application-state").inner_text() == label(State.FORMAL_REVIEW)
    assert draft.district_opinions.filter(decision="recommend").count() == 1
    shoot(page, "06-district-recommended")
    assert state_of(draft) == State.FORMAL_REVIEW
    assert sum(o.qualifies for o in draft.peer_opinions.all()) == 3
    log_out(page, base)

    # 3. City staff: 形式审查 — passing needs every "signed and sealed" item ticked.
    log_in(page, base, staff)
    open_from_queue(page, draft, f"**/review/{draft.pk}/formal/")
    ticks = page.locator("#checklist input[type=checkbox][name^=tick_]")
    assert ticks.count() >= 1
    assert page.locator("#checklist [data-key='attachment:agreement'][data-status='pass']").count() == 1
    page.locator("#decision-panel input[name=decision][value=pass]").check()
    page.locator("#decision-panel input[name=confirm]").check()
    go(page, page.locator("#send-formal-review"))
    assert zh("Tick every “signed and sealed” item before passing, or return the application with the reason.") \
        in body(page)
    assert state_of(draft) == State.FORMAL_REVIEW
    for index in range(ticks.count()):
        ticks.nth(index).check()
    page.locator("#decision-panel input[name=decision][value=pass]").check()
    page.locator("#decision-panel input[name=confirm]").check()
    shoot(page, "07-formal-review")
    go(page, page.locator("#send-formal-review"), f"**/applications/{draft.pk}/")
    assert page.locator("#application-state").inner_text() == label(State.EXPERT_PENDING)
    assert state_of(draft) == State.EXPERT_PENDING
    review = draft.formal_reviews.get()
    assert review.passed and all(item["ticked"] for item in review.checklist if item["status"] == "manual")

    # 4. Staff draw three of the four experts of the field at random.
    go(page, page.locator(f"#actions a[href='/review/{draft.pk}/experts/']"), f"**/review/{draft.pk}/experts/")
    with translation.override("zh-hans"):
        pool_text = ngettext("%(n)s active expert in the field “%(field)s”.",
                             "%(n)s active experts in the field “%(field)s”.", 4) % {"n": 4, "field": draft.field}
    assert pool_text in page.locator("#pool").inner_text()
    draw_form = page.locator("#draw-form form")
    assert draw_form.locator("[name=field]").input_value() == draft.field
    draw_form.locator("[name=count]").fill("3")
    go(page, draw_form.locator("button[type=submit]"), f"**/review/{draft.pk}/experts/")
    draw = draft.draws.get()
    assert zh("%(n)d experts drawn (seed %(seed)s). They have been invited.", n=3, seed=draw.seed) in body(page)
    assert page.locator(".draw-record").count() == 1
    assert page.locator(".replay-identical").count() == 1
    assert page.locator("#assignments tbody tr").count() == 3
    assert page.locator("#application-state").inner_text() == label(State.EXPERT_REVIEW)
    shoot(page, "08-expert-draw")
    assert state_of(draft) == State.EXPERT_REVIEW
    assignments = list(draft.assignments.select_related("expert__user").order_by("pk"))
    drawn = {a.expert_id for a in assignments}
    assert len(drawn) == 3 and drawn <= {e.pk for e in pool} and outsider.pk not in drawn
    assert sorted(draw.candidates) == sorted(e.pk for e in pool)
    assert all(a.status == Assignment.Status.INVITED for a in assignments)
    log_out(page, base)

    # 5. Each drawn expert: declare no conflict, accept, score every criterion, submit.
    totals = []
    for number, assignment in enumerate(assignments, start=1):
        expert = assignment.expert
        log_in(page, base, expert.user)
        go(page, page.locator("#expert-invitations"), "**/experts/")
        detail = f"**/experts/assignments/{assignment.pk}/"
        go(page, page.locator(f"a[href='/experts/assignments/{assignment.pk}/']"), detail)
        assert page.locator("#assignment-status").inner_text() == label(Assignment.Status.INVITED)
        assert page.locator("#materials").count() == 0  # nothing is shown before the declaration
        if number == 1:
            shoot(page, "09-expert-invitation")
            # Accepting without declaring no conflict of interest is refused.
            go(page, page.locator("#accept-form button[type=submit]"))
            assert zh("Please declare that you have no conflict of interest before you accept.") in body(page)
            assert Assignment.objects.get(pk=assignment.pk).status == Assignment.Status.INVITED
        page.check("#id_no_conflict")
        go(page, page.locator("#accept-form button[type=submit]"), detail)
        assert page.locator("#assignment-status").inner_text() == label(Assignment.Status.ACCEPTED)
        assert draft.name in page.locator("#materials").inner_text()

        inputs = page.locator("#score-form input.score-input")
        weights = [Decimal(inputs.nth(i).get_attribute("data-weight")) for i in range(inputs.count())]
        assert len(weights) >= 2
        scores = [str(80 + number + 2 * i) for i in range(len(weights))]
        comments = page.locator("#score-form textarea[name^=comment_]")
        assert comments.count() == len(weights)
        for i, score in enumerate(scores):
            inputs.nth(i).fill(score)
            comments.nth(i).fill(f"第{i + 1}项：基础扎实，论证充分。")
        total = weighted(scores, weights)
        assert page.locator("#total-preview").inner_text() == f"{total:.2f}"
        page.select_option("#id_recommendation", Assignment.Recommendation.SUPPORT.value)
        page.fill("#id_overall_comment", f"专家{number}：建议予以备案。")
        page.check("#id_confirm")
        if number == 1:
            shoot(page, "10-expert-score-sheet")
        go(page, page.locator("#score-form button[name=action][value=submit]"), detail)
        assert page.locator("#assignment-status").inner_text() == label(Assignment.Status.SUBMITTED)
        assert page.locator("#weighted-total").inner_text() == f"{total:.2f}"
        shoot(page, f"11-expert-{number}-submitted")
        done = Assignment.objects.get(pk=assignment.pk)
        assert done.status == Assignment.Status.SUBMITTED and done.total == total
        assert done.recommendation == Assignment.Recommendation.SUPPORT and done.no_conflict_declared_at
        assert done.scores.count() == len(weights) and all(s.comment for s in done.scores.all())
        totals.append(total)
        log_out(page, base)
    assert state_of(draft) == State.EXPERT_REVIEW

    # 6. Staff record the site visit and conclude the expert evaluation.
    log_in(page, base, staff)
    open_from_queue(page, draft, f"**/review/{draft.pk}/experts/")
    aggregate = (sum(totals) / len(totals)).quantize(Decimal("0.01"))
    assert page.locator("#aggregate").inner_text() == f"{aggregate:.2f}"
    assert page.locator("#scores tbody tr").count() == 3
    visit_form = page.locator("#visit-form form")
    visit_form.locator("[name=kind]").select_option(SiteVisit.Kind.SITE_VISIT.value)
    visit_form.locator("[name=date]").fill(today.isoformat())
    visit_form.locator("[name=place]").fill("威海市环翠区牵头单位研发中心")
    visit_form.locator("[name=participants]").fill("市科技局两名工作人员、三名评审专家")
    visit_form.locator("[name=notes]").fill("现场查看研发条件与运营团队，情况属实。")
    go(page, visit_form.locator("button[type=submit]"), f"**/review/{draft.pk}/experts/#visits")
    assert "威海市环翠区牵头单位研发中心" in page.locator("#visits").inner_text()
    assert SiteVisit.objects.filter(application=draft, kind=SiteVisit.Kind.SITE_VISIT).count() == 1
    page.locator("#conclude-form [name=confirm]").check()
    shoot(page, "12-staff-expert-evaluation")
    # (the page was left at #visits: the browser keeps that fragment through the redirect)
    go(page, page.locator("#conclude-form button[type=submit]"),
       re.compile(rf"/review/{draft.pk}/experts/(#.*)?$"))
    assert page.locator("#application-state").inner_text() == label(State.APPROVED)
    assert page.locator("#conclude-form").count() == 0
    shoot(page, "13-staff-concluded")
    assert state_of(draft) == State.APPROVED

    # 7. Staff open the publicity: a start in the past is refused; today's start is previewed
    #    with its end counted in working days on the holiday table, then confirmed.
    page.goto(f"{base}/staff/publicity/")
    page.check(f"#choose-{draft.pk}")
    page.fill("#id_starts_on", (today - datetime.timedelta(days=30)).isoformat())
    go(page, page.locator("#publicity-form button[name=step][value=preview]"))
    assert zh("The start date cannot be in the past.") in body(page)
    assert page.locator("#publicity-preview").count() == 0
    period = WorkingCalendar().period(today, draft.programme.publicity_working_days)
    assert draft.programme.publicity_working_days == 5 and not period.used_fallback
    assert WorkingCalendar().working_days_between(today, period.end) == 5
    page.fill("#id_starts_on", today.isoformat())
    go(page, page.locator("#publicity-form button[name=step][value=preview]"))
    assert period.end.isoformat() in page.locator("#preview-end").inner_text()
    assert draft.name in page.locator("#publicity-preview").inner_text()
    page.check("#publicity-confirm")
    shoot(page, "14-publicity-preview")
    go(page, page.locator("#publicity-form button[name=step][value=open]"), "**/staff/publicity/*/")
    assert page.locator("#batch-period").inner_text().startswith(f"{today.isoformat()} – {period.end.isoformat()}")
    shoot(page, "15-publicity-batch")
    assert state_of(draft) == State.PUBLICITY
    batch = PublicityBatch.objects.get()
    assert (batch.starts_on, batch.ends_on, batch.working_days) == (today, period.end, 5)
    assert list(batch.entries.values_list("application_id", flat=True)) == [draft.pk]

    # While the period runs, filing is not possible: the application waits, with the end date.
    page.goto(f"{base}/staff/filing/")
    waiting = page.locator("#waiting-list").inner_text()
    assert draft.name in waiting and period.end.isoformat() in waiting
    assert page.locator(f"#file-{draft.pk}").count() == 0
    shoot(page, "16-filing-not-yet")
    log_out(page, base)

    # 8. The public (no login) sees the running publicity list and may object.
    page.goto(f"{base}/publicity/")
    go(page, page.get_by_role("link", name=batch.title), f"**/publicity/{batch.pk}/")
    entries = page.locator("#publicity-entries").inner_text()
    assert draft.name in entries and draft.unit.name in entries
    assert page.locator(f"a[href='/publicity/{batch.pk}/object/{batch.entries.get().pk}/']").is_visible()
    assert f"{today.isoformat()} – {period.end.isoformat()}" in page.locator("#publicity-period").inner_text()
    shoot(page, "17-public-publicity")

    # 9. The five working days pass with no objection (the portal's clock moves past the end).
    let_days_pass(monkeypatch, (period.end - today).days + 1)
    later = timezone.localdate()
    assert later == period.end + datetime.timedelta(days=1)
    page.reload()
    assert zh("The publicity period ended on %(end)s; objections are no longer accepted.",
              end=period.end.isoformat()) in body(page)
    assert page.locator("a[href*='/object/']").count() == 0
    shoot(page, "18-public-publicity-ended")

    # 10. Staff file it: it gets its certificate number.
    log_in(page, base, staff)
    open_from_queue(page, draft, f"**/staff/publicity/{batch.pk}/")
    assert page.locator("#pending-count").inner_text() == "0"
    go(page, page.locator("a.btn[href='/staff/filing/']"), "**/staff/filing/")
    assert draft.name in page.locator("#ready-list").inner_text()
    page.check(f"#file-{draft.pk}")
    page.check("#filing-confirm")
    shoot(page, "19-filing")
    go(page, page.locator("#filing-form button[type=submit]"), f"**/staff/filing/?filed={draft.pk}")
    filed = Application.objects.get(pk=draft.pk)
    assert filed.state == State.FILED
    assert filed.certificate_number == f"WHCXLHT{later.year}0001" and filed.filed_on == later
    assert timezone.localtime(filed.log.get(transition="file").at).date() == later
    just_filed = page.locator("#just-filed").inner_text()
    assert filed.certificate_number in just_filed and draft.name in just_filed and later.isoformat() in just_filed
    shoot(page, "20-filed")
    log_out(page, base)

    # 11. The public directory lists it, searchable by its certificate number.
    page.goto(f"{base}/directory/")
    page.fill("#directory-q", filed.certificate_number)
    go(page, page.locator("form[role=search] button[type=submit]"), "**/directory/?*")
    rows = page.locator("#directory-table tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert filed.certificate_number in row and draft.name in row and draft.unit.name in row
    assert later.isoformat() in row
    shoot(page, "21-directory")

    # 12. The applicant logs in and sees 已备案, and the whole route on the timeline.
    log_in(page, base, applicant)
    assert label(State.FILED) == "已备案"
    assert "已备案" in page.locator("#applications-heading + *").inner_text()
    go(page, page.get_by_role("link", name=draft.name).first, f"**/applications/{draft.pk}/")
    assert page.locator("#application-state").inner_text() == "已备案"
    transitions = page.locator("#timeline li").evaluate_all("els => els.map(el => el.dataset.transition)")
    assert transitions == ["submit", "recommend", "pass_formal_review", "start_expert_review",
                           "conclude_expert_review", "publicize", "file"]
    timeline = page.locator("#timeline").inner_text()
    assert reviewer.display_name not in timeline and staff.display_name not in timeline  # roles, never names
    shoot(page, "22-applicant-filed")

    log = TransitionLog.objects.filter(application=draft).order_by("at", "pk").values_list("source", "target")
    assert list(log) == list(zip(expected_path[:-1], expected_path[1:], strict=True))
