"""The programme editor's route in real Chromium: only the chosen stage's parameters are shown, a stage
is added and moved into place with the buttons, and the saved route is what the rows said."""

import pytest
from django.core.management import call_command

from applications.models import Programme
from tests.browser.conftest import shoot
from tests.browser.pages import log_in_with_the_form
from tests.review_factories import admin_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visible_params(row):
    return [p.get_attribute("data-param") for p in row.locator(".stage-param").all() if p.is_visible()]


def test_add_a_decision_to_weihai_s_route_and_move_it_before_the_publicity(live_server, browser_page):
    call_command("load_programmes", "--demo-window", verbosity=0)
    user = admin_user(is_staff=True, is_superuser=True, username="route-admin")
    user.set_password("route-admin-2026")
    user.save()
    weihai = Programme.objects.get(code="weihai-2026")
    before = weihai.stages
    page = browser_page
    # The admin's pages name no icon, so Chromium asks for /favicon.ico (a 404 the fixture would count).
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    # The admin is behind the second factor: the portal's login (password, then the code), then the admin.
    log_in_with_the_form(page, live_server.url, user, "route-admin-2026", then="**")
    page.goto(f"{live_server.url}/admin/applications/programme/{weihai.pk}/change/")
    page.wait_for_selector(".stage-rows")

    rows = page.locator(".stage-rows tbody tr.stage-row")
    assert rows.count() == len(before) + 1  # one empty row to fill in
    assert visible_params(rows.nth(0)) == ["label", "skip_lead_unit_types", "skip_lead_selected_by",
                                           "peer_opinions_min", "peer_title_min", "recommendation_letter"]
    assert visible_params(rows.nth(len(before))) == []  # no stage chosen yet
    shoot(page, "01-weihai-route")

    page.click(".stage-row-add")
    assert rows.count() == len(before) + 2
    # The added row, found by its own field (a position would follow the row that moves into it).
    new = page.locator("tr.stage-row", has=page.locator(f"select[name='stages-{len(before) + 1}-key']"))
    new.locator(".stage-row-key select").select_option("decision")
    assert visible_params(new) == ["label", "skip_lead_unit_types", "skip_lead_selected_by", "meeting"]
    new.locator("[data-param=label] input").fill("市科技局审定")
    for _step in range(3):  # above the empty row, the filing and the publicity
        new.locator(".stage-row-up").click()
    assert rows.nth(3).locator(".stage-row-key select").input_value() == "decision"
    shoot(page, "02-decision-added")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    weihai.refresh_from_db()
    assert [s["key"] for s in weihai.stages] == ["district_review", "formal_review", "expert_review", "decision",
                                                 "publicity", "filing"]
    assert weihai.stages[3] == {"key": "decision", "label": "市科技局审定"}
    assert [s for s in weihai.stages if s["key"] != "decision"] == before
