"""The editor saves while the applicant types, and a colleague editing the same draft is told, in real
Chromium: typing shows the saved time and a reload shows the text; the colleague's page, opened before,
gets the conflict (who, when), reloads, and restores the input the browser kept."""

import re

import pytest
from django.core.management import call_command

from applications.models import Application, ApplicationVersion, DraftState
from tests.browser.conftest import shoot
from tests.browser.pages import log_in_with_the_form
from tests.browser.test_narrow_screens import log_in
from tests.factories import UserFactory
from tests.review_factories import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = re.compile(r"\d{2}:\d{2}")


def wait_saved(page, timeout=15000):
    page.wait_for_function(
        "() => /\\d{2}:\\d{2}/.test(document.getElementById('autosave-status').textContent)"
        " && !document.getElementById('autosave-status').textContent.includes('·')", timeout=timeout)


def test_typing_saves_and_a_colleague_is_told_of_the_conflict(live_server, browser_page, chromium_browser):
    call_command("load_programmes", "--demo-window", verbosity=0)
    draft = make_draft("weihai-2026")
    author = draft.created_by
    author.full_name = "王自动"
    author.save()
    colleague = UserFactory(unit=draft.unit, full_name="李同事")
    base = live_server.url
    edit = f"{base}/applications/{draft.pk}/edit/"

    # The colleague opens the draft first (revision 0), in a browser of their own.
    other_context = chromium_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                                 viewport={"width": 1366, "height": 900})
    other = other_context.new_page()
    other_errors = []
    other.on("console", lambda msg: other_errors.append(msg.text) if msg.type == "error" else None)
    other.on("pageerror", lambda error: other_errors.append(str(error)))
    log_in(other, live_server, colleague)
    other.goto(edit)
    assert other.locator("#id_revision").input_value() == "0"

    # The author types; the draft is saved without any button, and the page says when.
    page = browser_page
    log_in(page, live_server, author)
    page.goto(edit)
    page.locator("#id_goals").fill("")
    page.locator("#id_goals").press_sequentially("面向海洋装备产业链，自动保存的目标。", delay=10)
    wait_saved(page)
    status = page.locator("#autosave-status").inner_text()
    assert SAVED.search(status), status
    shoot(page, "01-saved-automatically")
    assert Application.objects.get(pk=draft.pk).goals == "面向海洋装备产业链，自动保存的目标。"
    assert DraftState.objects.get(application=draft).revision == 1
    assert not ApplicationVersion.objects.filter(application=draft).exists()
    page.reload()
    assert page.locator("#id_goals").input_value() == "面向海洋装备产业链，自动保存的目标。"
    assert SAVED.search(page.locator("#autosave-status").inner_text())
    assert page.locator("#local-copy").is_hidden()  # the copy the browser kept was saved: nothing to offer

    # The colleague, still on the page opened before, types: the save is refused and they are told by whom.
    other.locator("#id_name").fill("同事改的联合体名称")
    alert = other.locator("#autosave-alert")
    alert.wait_for(state="visible", timeout=15000)
    assert "王自动" in alert.inner_text()
    shoot(other, "02-colleague-told")
    assert Application.objects.get(pk=draft.pk).name == draft.name  # nothing overwritten

    # They reload: the author's text is there, and their own input is offered back from the browser.
    with other.expect_navigation():
        other.locator("[data-alert-reload]").click()
    assert other.locator("#id_goals").input_value() == "面向海洋装备产业链，自动保存的目标。"
    offer = other.locator("#local-copy")
    assert offer.is_visible()
    shoot(other, "03-restore-offered")
    other.locator("[data-local-restore]").click()
    assert other.locator("#id_name").input_value() == "同事改的联合体名称"
    # Only what the colleague changed comes back: the author's goals stay.
    assert other.locator("#id_goals").input_value() == "面向海洋装备产业链，自动保存的目标。"
    wait_saved(other)
    saved = Application.objects.get(pk=draft.pk)
    assert saved.name == "同事改的联合体名称" and saved.goals == "面向海洋装备产业链，自动保存的目标。"
    assert saved.members.count() == 3 and saved.tasks.count() == 1  # the tables came back whole, not twice
    assert DraftState.objects.get(application=draft).saved_by == colleague
    other_context.close()
    assert all("409" in text for text in other_errors), other_errors  # the refused save's own log line only


def test_an_expired_session_keeps_the_input_and_saving_resumes_after_a_login_in_another_tab(live_server,
                                                                                          chromium_browser):
    from django.contrib.sessions.models import Session

    call_command("load_programmes", "--demo-window", verbosity=0)
    draft = make_draft("zgc-2026")
    user = draft.created_by
    context = chromium_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                           viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/applications/{draft.pk}/edit/")
    Session.objects.all().delete()  # the session expires while the page is open

    page.locator("#id_industry_chain").fill("登录过期时输入的产业链")
    alert = page.locator("#autosave-alert")
    alert.wait_for(state="visible", timeout=15000)
    assert alert.inner_text().strip() == page.locator("#application-form").get_attribute("data-msg-expired")
    kept = page.evaluate(f"() => JSON.parse(localStorage.getItem('portal-editor:{draft.pk}')).entries")
    assert ["industry_chain", "登录过期时输入的产业链"] in kept
    assert Application.objects.get(pk=draft.pk).industry_chain != "登录过期时输入的产业链"
    shoot(page, "04-session-expired")

    # A login in another tab (it renews the CSRF token too); the page goes on saving with the next change.
    tab = context.new_page()
    log_in_with_the_form(tab, live_server.url, user, "pass-word-123", then="**")
    page.locator("#id_industry_chain").press("End")
    page.locator("#id_industry_chain").press_sequentially("。", delay=10)
    wait_saved(page)
    assert alert.is_hidden()
    assert Application.objects.get(pk=draft.pk).industry_chain == "登录过期时输入的产业链。"
    assert page.evaluate(f"() => localStorage.getItem('portal-editor:{draft.pk}')") is None
    context.close()
    assert not errors, errors
