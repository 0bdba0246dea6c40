"""The pages the layout checks visit, per role, and the data they need (test_narrow_screens.py at 375 px,
test_wide_screens.py at 1366×768 and 1920×1080).

``seed()`` writes, in one transaction, a draft, applications at every review stage, a publicity batch
with an objection, a resubmitted application and a filed consortium with its certificate; ``visits()``
lists who visits which pages: the public, applicants, then the back office (district reviewer,
programme staff, expert, administrator), each back-office role with the lists of its stages.
"""

from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from applications.certificates import verification_code
from applications.stages import acting_states
from applications.states import State
from portal.models import Role
from review import services
from review.models import PublicityEntry
from tests.review_factories import (
    admin_user,
    advance,
    district_user,
    make_application,
    make_draft,
    staff_user,
)
from tests.twofactor import verify_session

#: The members of the formal review's application as issue 9 reported them: long names and divisions
#: of work, committed inputs with two decimals (800.00 was shown as "80", its end cut off).
LONG_MEMBERS = [
    ("中国科学院苏州纳米技术与纳米仿生研究所", "负责第三代半导体材料外延生长与缺陷表征的关键工艺攻关", Decimal("800.00")),
    ("威海市高新技术产业开发区先进制造产业技术研究院有限公司", "中试验证平台建设、工艺放大与可靠性试验", Decimal("12500.50")),
    ("哈尔滨工业大学（威海）", "联合培养研究生，承担检测方法与标准研究", Decimal("350.00")),
]


def log_in(page, live_server, user):
    """Put a session for ``user`` into the browser (the login page itself is visited as the public)."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.needs_second_factor:
        verify_session(session, user)  # as after the login's code step (tests/browser/test_two_factor.py logs in)
    session.save()
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key,
                               "url": live_server.url}])


def log_in_with_the_form(page, base, user, password, then=None):
    """Log ``user`` in through the login page as a person does: the password, then (for a role that needs a
    second factor) the code their authenticator app shows now; wait for ``then`` (the workspace by default)."""
    from tests.twofactor import unused_code_for

    submit = "form[action^='/accounts/login/'] button[type=submit]:not([name=wizard_goto_step])"
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_auth-username", user.username)
    page.fill("#id_auth-password", password)
    if user.needs_second_factor:
        code = unused_code_for(user)  # enrolled if need be
        with page.expect_navigation():
            page.locator(submit).click()
        page.wait_for_selector("#step-token")
        page.fill("#id_token-otp_token", code)
    with page.expect_navigation(url=then or f"{base}/workspace/"):
        page.locator(submit).click()


def _with_long_members(draft):
    """The draft with the members of :data:`LONG_MEMBERS` (before submission: the pages show the frozen version)."""
    for member, (name, work, amount) in zip(draft.members.order_by("order"), LONG_MEMBERS, strict=False):
        member.name, member.division_of_work, member.committed_input = name, work, amount
        member.region = "山东省威海市环翠区"
        member.save(update_fields=["name", "division_of_work", "committed_input", "region"])
    return draft


def seed():
    call_command("load_programmes", "--demo-window", verbosity=0)
    with transaction.atomic():
        data = SimpleNamespace(
            draft=make_draft("suzhou-2026"),
            district=make_application("weihai-2026", state=State.DISTRICT_REVIEW),
            formal=_with_long_members(make_draft("weihai-2026")),
            experts=make_application("zgc-2026", state=State.EXPERT_REVIEW, experts=3),
            decision=make_application("zgc-2026", state=State.DECISION),
            publicity=make_application("zgc-2026", state=State.PUBLICITY),
            returned=make_application("beijing-2026", state=State.RETURNED),
            filed=make_application("suzhou-2026", state=State.FILED, lead_selected_by="city"),
        )
        data.formal = advance(data.formal, State.FORMAL_REVIEW)
        data.entry = PublicityEntry.objects.get(application=data.publicity)
        data.objection = services.submit_objection(data.entry, "person", "数据不实。", person_name="王五",
                                                   phone="13900000000", today=data.entry.batch.starts_on)
        data.resubmitted = make_application("weihai-2026", state=State.RETURNED)
        data.resubmitted.goals += "（已按退回意见补充产业链上下游分工。）"
        data.resubmitted.save(update_fields=["goals"])
        services.resubmit(data.resubmitted.pk, data.resubmitted.created_by)
        data.applicant = data.draft.created_by
        data.applicant.is_unit_admin = True  # sees the unit's user management too
        data.applicant.save(update_fields=["is_unit_admin"])
        data.admin = admin_user(is_superuser=True, is_staff=True, full_name="系统管理员")
    return data


@dataclass
class Visit:
    """Who (None: the public) visits which pages [(path, screenshot name)], and in which layout."""

    user: object
    pages: list
    backoffice: bool = False
    role: str = "public"


def stage_lists(role, prefix):
    """The staff list filtered to each state ``role`` acts in (the sidebar's lists by stage)."""
    states = acting_states(role) if role != Role.ADMIN else acting_states(Role.DISTRICT) + acting_states(Role.STAFF)
    return [(reverse("review:staff_list") + f"?state={state}", f"{prefix}-list-{state}") for state in states]


def visits(data):
    entry, objection, filed = data.entry, data.objection, data.filed
    number = filed.certificate_number
    public = [
        ("/", "public-home"), (reverse("applications:call_list"), "public-calls"),
        (reverse("applications:call_detail", args=["weihai-2026"]), "public-call-detail"),
        (reverse("portal:register"), "public-register"), (reverse("login"), "public-login"),
        (reverse("password_reset"), "public-password-reset"),
        (reverse("review:publicity_list"), "public-publicity"),
        (reverse("review:publicity_detail", args=[entry.batch_id]), "public-publicity-batch"),
        (reverse("review:objection_form", args=[entry.batch_id, entry.pk]), "public-objection-form"),
        (reverse("review:directory"), "public-directory"),
        (reverse("review:verify_certificate", args=[number, verification_code(number)]), "public-verify"),
    ]
    draft, returned = data.draft, data.returned
    applicant = [
        (reverse("review:workspace"), "applicant-workspace"), (reverse("notices:inbox"), "applicant-inbox"),
        (reverse("portal:unit_profile"), "applicant-unit"), (reverse("portal:unit_users"), "applicant-unit-users"),
        (reverse("password_change"), "applicant-password"),
        (reverse("applications:application_edit", args=[draft.pk]), "applicant-editor"),
        (reverse("applications:application_submit", args=[draft.pk]), "applicant-submit"),
        (reverse("review:application_detail", args=[draft.pk]), "applicant-draft"),
    ]
    returned_pages = [
        (reverse("review:application_detail", args=[returned.pk]), "applicant-returned"),
        (reverse("review:application_withdraw", args=[returned.pk]), "applicant-withdraw"),
        (reverse("applications:version_detail", args=[returned.pk, 1]), "applicant-version"),
    ]
    district = [
        (reverse("review:workspace"), "district-workspace"),
        (reverse("review:district_review", args=[data.district.pk]), "district-review"),
        (reverse("review:staff_list"), "district-list"),
        *stage_lists(Role.DISTRICT, "district"),
        (reverse("notices:inbox"), "district-inbox"),
    ]
    formal = [
        (reverse("review:formal_review", args=[data.formal.pk]), "staff-formal-review"),
        (reverse("review:application_detail", args=[data.formal.pk]), "staff-application"),
        (reverse("review:version_diff", args=[data.resubmitted.pk]), "staff-version-diff"),
    ]
    staff = [
        (reverse("review:workspace"), "staff-workspace"),
        (reverse("review:staff_list"), "staff-list"),
        (reverse("review:staff_list") + "?q=创新", "staff-list-search"),
        *stage_lists(Role.STAFF, "staff"),
        (reverse("review:expert_organise", args=[data.experts.pk]), "staff-experts"),
        (reverse("review:decision", args=[data.decision.pk]), "staff-decision"),
        (reverse("review:decision_batch"), "staff-decision-batch"),
        (reverse("review:publicity_manage"), "staff-publicity"),
        (reverse("review:publicity_batch", args=[entry.batch_id]), "staff-publicity-batch"),
        (reverse("review:objection_finding", args=[objection.pk]), "staff-objection"),
        (reverse("review:filing"), "staff-filing"),
        (reverse("review:filing_agreement", args=[data.publicity.pk]), "staff-agreement"),
        (reverse("review:application_detail", args=[data.experts.pk]), "staff-application-detail"),
        (reverse("password_change"), "staff-password"),
    ]
    assignment = data.experts.assignments.select_related("expert__user").first()
    expert = [
        (reverse("review:workspace"), "expert-workspace"),
        (reverse("review:expert_assignments"), "expert-assignments"),
        (reverse("review:assignment_detail", args=[assignment.pk]), "expert-assignment"),
    ]
    admin = [
        (reverse("review:workspace"), "admin-workspace"),
        (reverse("review:staff_list"), "admin-list"),
        *stage_lists(Role.ADMIN, "admin"),
        (reverse("review:application_detail", args=[data.formal.pk]), "admin-application"),
    ]
    return [
        Visit(None, public),
        Visit(data.applicant, applicant, role="applicant"),
        Visit(returned.created_by, returned_pages, role="applicant"),
        Visit(filed.created_by, [(reverse("review:application_detail", args=[filed.pk]), "applicant-filed")],
              role="applicant"),
        Visit(district_user(data.district.district), district, backoffice=True, role="district"),
        Visit(staff_user(data.formal.programme.authority), formal, backoffice=True, role="staff"),
        Visit(staff_user(data.experts.programme.authority), staff, backoffice=True, role="staff"),
        Visit(assignment.expert.user, expert, backoffice=True, role="expert"),
        Visit(data.admin, admin, backoffice=True, role="admin"),
    ]
