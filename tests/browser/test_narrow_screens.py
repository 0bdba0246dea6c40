"""Every page is usable at 375 px wide (issue 2): in real Chromium at an iPhone-sized viewport, each
page of each role renders without horizontal scrolling of the page itself (wide tables scroll
inside their own ``.table-responsive`` box), and its main heading and forms stay inside the screen.
A screenshot of each page goes to artefacts/browser/<test>/."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from applications.certificates import verification_code
from applications.models import Programme
from applications.states import State
from review import services
from review.models import Objection, PublicityEntry
from tests.browser.conftest import shoot
from tests.review_factories import district_user, make_application, make_draft, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375

#: How far the page may be wider than the viewport (a rounding pixel).
SLACK = 1


def log_in(page, live_server, user):
    """Put a session for ``user`` into the browser (the login page itself is checked below)."""
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key,
                               "url": live_server.url}])


def check(page, base, path, name):
    response = page.goto(base + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    overflow = page.evaluate("""() => {
        const doc = document.documentElement;
        const offenders = [];
        for (const el of document.querySelectorAll('body *')) {
            if (el.closest('.table-responsive, pre, .visually-hidden, details:not([open])')) continue;
            const r = el.getBoundingClientRect();
            if (r.width && (r.right > doc.clientWidth + 1 || r.left < -1)) {
                offenders.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                               (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''));
            }
        }
        return {scroll: doc.scrollWidth, client: doc.clientWidth, offenders: offenders.slice(0, 8)};
    }""")
    shoot(page, name)
    assert overflow["scroll"] <= WIDTH + SLACK, (path, overflow)
    assert not overflow["offenders"], (path, overflow)
    heading = page.locator("h1").first
    if heading.count():
        box = heading.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + SLACK, (path, box)


@pytest.fixture
def narrow_page(chromium_browser, browser_page):
    browser_page.set_viewport_size({"width": WIDTH, "height": 812})
    return browser_page


def test_every_page_fits_a_375_px_screen(live_server, narrow_page):
    call_command("load_programmes", "--demo-window", verbosity=0)
    page, base = narrow_page, live_server.url

    # The data every page needs: a draft, applications at each review stage, a publicity batch with
    # an objection, a filed consortium with its certificate (written in one transaction: one commit).
    with transaction.atomic():
        draft = make_draft("suzhou-2026")
        district = make_application("weihai-2026", state=State.DISTRICT_REVIEW)
        formal = make_application("weihai-2026", state=State.FORMAL_REVIEW)
        experts = make_application("zgc-2026", state=State.EXPERT_REVIEW, experts=3)
        decision = make_application("zgc-2026", state=State.DECISION)
        publicity = make_application("zgc-2026", state=State.PUBLICITY)
        returned = make_application("beijing-2026", state=State.RETURNED)
        filed = make_application("suzhou-2026", state=State.FILED, lead_selected_by="city")
        entry = PublicityEntry.objects.get(application=publicity)
        objection = services.submit_objection(entry, "person", "数据不实。", person_name="王五",
                                              phone="13900000000", today=entry.batch.starts_on)
        resubmitted = make_application("weihai-2026", state=State.RETURNED)
        resubmitted.goals += "（已按退回意见补充产业链上下游分工。）"
        resubmitted.save(update_fields=["goals"])
        services.resubmit(resubmitted.pk, resubmitted.created_by)
    assert objection.finding == Objection.Finding.PENDING
    zgc = Programme.objects.get(code="zgc-2026")
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
    for path, name in public:
        check(page, base, path, name)

    applicant = draft.created_by
    applicant.is_unit_admin = True  # sees the unit's user management too
    applicant.save(update_fields=["is_unit_admin"])
    log_in(page, live_server, applicant)
    for path, name in [
        (reverse("review:workspace"), "applicant-workspace"), (reverse("notices:inbox"), "applicant-inbox"),
        (reverse("portal:unit_profile"), "applicant-unit"), (reverse("portal:unit_users"), "applicant-unit-users"),
        (reverse("password_change"), "applicant-password"),
        (reverse("applications:application_edit", args=[draft.pk]), "applicant-editor"),
        (reverse("applications:application_submit", args=[draft.pk]), "applicant-submit"),
        (reverse("review:application_detail", args=[draft.pk]), "applicant-draft"),
    ]:
        check(page, base, path, name)
    log_in(page, live_server, returned.created_by)
    check(page, base, reverse("review:application_detail", args=[returned.pk]), "applicant-returned")
    check(page, base, reverse("review:application_withdraw", args=[returned.pk]), "applicant-withdraw")
    check(page, base, reverse("applications:version_detail", args=[returned.pk, 1]), "applicant-version")
    log_in(page, live_server, filed.created_by)
    check(page, base, reverse("review:application_detail", args=[filed.pk]), "applicant-filed")

    log_in(page, live_server, district_user(district.district))
    check(page, base, reverse("review:workspace"), "district-workspace")
    check(page, base, reverse("review:district_review", args=[district.pk]), "district-review")

    weihai_staff = staff_user(formal.programme.authority)
    log_in(page, live_server, weihai_staff)
    check(page, base, reverse("review:formal_review", args=[formal.pk]), "staff-formal-review")
    check(page, base, reverse("review:application_detail", args=[formal.pk]), "staff-application")
    check(page, base, reverse("review:version_diff", args=[resubmitted.pk]), "staff-version-diff")

    staff = staff_user(zgc.authority)
    log_in(page, live_server, staff)
    for path, name in [
        (reverse("review:workspace"), "staff-workspace"),
        (reverse("review:staff_list"), "staff-list"),
        (reverse("review:staff_list") + "?q=创新", "staff-list-search"),
        (reverse("review:expert_organise", args=[experts.pk]), "staff-experts"),
        (reverse("review:decision", args=[decision.pk]), "staff-decision"),
        (reverse("review:decision_batch"), "staff-decision-batch"),
        (reverse("review:publicity_manage"), "staff-publicity"),
        (reverse("review:publicity_batch", args=[entry.batch_id]), "staff-publicity-batch"),
        (reverse("review:objection_finding", args=[objection.pk]), "staff-objection"),
        (reverse("review:filing"), "staff-filing"),
        (reverse("review:filing_agreement", args=[publicity.pk]), "staff-agreement"),
        (reverse("review:application_detail", args=[experts.pk]), "staff-application-detail"),
    ]:
        check(page, base, path, name)

    assignment = experts.assignments.select_related("expert__user").first()
    log_in(page, live_server, assignment.expert.user)
    check(page, base, reverse("review:expert_assignments"), "expert-assignments")
    check(page, base, reverse("review:assignment_detail", args=[assignment.pk]), "expert-assignment")
