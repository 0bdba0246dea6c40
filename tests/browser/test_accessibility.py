"""Accessibility (security and quality baseline): axe-core, injected by axe-playwright-python (which bundles
axe.min.js: no network), runs in real Chromium on the main page of each role and a few key pages; no
``serious`` or ``critical`` violation is allowed.  A failure prints each violation with its rule, impact, help
and the elements it names."""

import pytest
from django.urls import reverse

from applications.certificates import verification_code
from portal.models import Role
from tests.browser.pages import log_in, seed
from tests.factories import UserFactory
from tests.review_factories import district_user, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def test_axe_core_is_bundled():
    """The package injects its own copy of axe-core (the tests reach no network)."""
    script = axe().axe_script
    assert script.startswith("/*! axe v4")
    assert len(script) > 100_000


def pages_by_role(data):
    filed, entry = data.filed, data.entry
    number = filed.certificate_number
    evaluator = UserFactory(role=Role.EVALUATOR, unit=None, full_name="第三方评估机构")
    assignment = data.experts.assignments.select_related("expert__user").first()
    staff = staff_user(data.formal.programme.authority)
    return [
        ("public", None, [
            "/", reverse("applications:call_list"), reverse("applications:call_detail", args=["weihai-2026"]),
            reverse("review:directory"), reverse("review:publicity_list"),
            reverse("review:publicity_detail", args=[entry.batch_id]),
            reverse("review:verify_certificate", args=[number, verification_code(number)]),
            reverse("review:verify_document"), reverse("login"),
        ]),
        ("applicant", data.applicant, [
            reverse("review:workspace"), reverse("applications:application_edit", args=[data.draft.pk]),
            reverse("review:application_detail", args=[data.draft.pk]),
        ]),
        ("district", district_user(data.district.district), [
            reverse("review:workspace"), reverse("review:district_review", args=[data.district.pk]),
        ]),
        ("staff", staff, [
            reverse("review:workspace"), reverse("review:staff_list"),
            reverse("review:application_detail", args=[data.formal.pk]),
        ]),
        ("expert", assignment.expert.user, [
            reverse("review:workspace"), reverse("review:assignment_detail", args=[assignment.pk]),
        ]),
        ("evaluator", evaluator, [reverse("review:workspace")]),
        ("admin", data.admin, [reverse("review:workspace"), reverse("review:staff_list")]),
    ]


def describe(url, violations):
    lines = []
    for v in violations:
        lines.append(f"{url}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"      {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def test_no_serious_or_critical_violation_on_each_roles_main_pages(browser_page, live_server):
    data = seed()
    checker = axe()
    found, checked = [], 0
    for role, user, urls in pages_by_role(data):
        if user is None:
            browser_page.context.clear_cookies()
        else:
            log_in(browser_page, live_server, user)
        for url in urls:
            response = browser_page.goto(live_server.url + url)
            assert response.status == 200, (role, url, response.status)
            results = checker.run(browser_page)
            blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
            if blocking:
                found.append(describe(f"{role} {url}", blocking))
            checked += 1
    assert checked >= 20
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
