"""The public objection form in real Chromium: a new picture fetched by its button, the sum answered (read from
the challenge's store, as the picture shows it), the objection received; then the programme's staff tick it on
the batch page, mark it as spam and confirm.  Screenshots land in artefacts/browser/<test>/."""

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from review.models import Objection
from tests.browser.conftest import shoot
from tests.browser.test_weihai_route import go, log_in
from tests.review_factories import quick_application, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_objects_through_the_challenge_and_staff_mark_it_as_spam(live_server, browser_page, seeded):
    app = quick_application("weihai-2026", "in_publicity", publicity_start=timezone.localdate())
    entry = app.publicity_entries.get()
    page, base = browser_page, live_server.url
    page.goto(base + reverse("review:objection_form", args=[entry.batch_id, entry.pk]))
    page.check("input[name='kind'][value='person']")
    page.fill("#id_person_name", "王浏览")
    page.fill("#id_phone", "13911112222")
    page.fill("#id_content", "牵头单位研发投入数据不实。")
    first = page.input_value("input[name='captcha_0']")
    assert page.locator("[data-challenge-image]").evaluate("img => img.complete && img.naturalWidth > 0")
    page.click("[data-challenge-refresh]")
    # (Playwright's expect polls from outside the page: the portal's CSP refuses a predicate evaluated as a string.)
    expect(page.locator("input[name='captcha_0']")).not_to_have_value(first)
    key = page.input_value("input[name='captcha_0']")
    page.fill("input[name='captcha_1']", CaptchaStore.objects.get(hashkey=key).response)
    shoot(page, "1-form-answered")
    go(page, page.locator("#objection-form button[type=submit]"))
    assert "received=1" in page.url
    objection = Objection.objects.get()
    assert objection.person_name == "王浏览" and objection.ip == "127.0.0.1"

    log_in(page, base, staff_user(app.programme.authority))
    page.goto(base + reverse("review:publicity_batch", args=[entry.batch_id]))
    page.check(f"#choose-objection-{objection.pk}")
    go(page, page.locator("#objection-mark-actions button[value='spam']"))
    shoot(page, "2-confirm-spam")
    go(page, page.locator("#objection-marks-confirm button[type=submit]"))
    assert page.locator("#spam-count").inner_text().strip() == "1"
    objection.refresh_from_db()
    assert objection.is_spam
