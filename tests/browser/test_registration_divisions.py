"""Registering anywhere in China in real Chromium: the province → city → county selects over the
national division table, the credit code's suggestion, and a municipality without a city level."""

import pytest
from django.core.management import call_command

from portal import creditcode
from portal.models import Unit
from tests.browser.conftest import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(division):
    body = f"91{division}MA1XYK009"
    return body + creditcode.check_character(body)


def chosen(page):
    return [page.locator(f"#id_division-{part} option:checked").inner_text() if page.locator(
        f"#id_division-{part}").is_visible() else None for part in ("province", "city", "county")]


def test_a_unit_in_hefei_registers_with_the_cascading_selects(live_server, browser_page):
    call_command("load_programmes", "--demo-window", verbosity=0)
    page = browser_page
    page.goto(f"{live_server.url}/accounts/register/")
    assert not page.locator("#id_division").is_visible()  # the plain select stays, hidden, as the field
    page.fill("#id_name", "合肥示范科技有限公司")
    page.fill("#id_credit_code", code_for("340104"))
    page.wait_for_function("document.getElementById('id_division-county').value !== ''")
    assert chosen(page) == ["安徽省", "合肥市", "蜀山区"]
    assert "安徽省合肥市蜀山区" in page.locator("#credit-code-hint").inner_text()

    # A municipality: its districts in the second select, no third.
    page.select_option("#id_division-province", label="北京市")
    page.select_option("#id_division-city", label="海淀区")
    assert chosen(page) == ["北京市", "海淀区", None]
    assert page.locator("#id_division option:checked").inner_text() == "海淀区"

    # Back to Anhui, by hand.
    page.select_option("#id_division-province", label="安徽省")
    assert page.locator("#id_division").input_value() == ""  # nothing chosen until a city is
    page.select_option("#id_division-city", label="合肥市")
    page.select_option("#id_division-county", label="蜀山区")
    shoot(page, "register-hefei")
    for selector, value in [("#id_legal_representative", "王建国"), ("#id_address", "安徽省合肥市蜀山区示范路1号"),
                            ("#id_contact_name", "李联络"), ("#id_contact_phone", "0551-66668888"),
                            ("#id_contact_email", "contact@example.cn"), ("#id_username", "hf_newcomer"),
                            ("#id_full_name", "李联络"), ("#id_email", "li@example.cn"), ("#id_phone", "13800000000"),
                            ("#id_password1", "Consortium-2026!"), ("#id_password2", "Consortium-2026!")]:
        page.fill(selector, value)
    page.select_option("#id_unit_type", "enterprise")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}/workspace/")
    assert Unit.objects.get(credit_code=code_for("340104")).division.full_name == "安徽省合肥市蜀山区"
