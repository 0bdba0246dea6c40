"""A new user registers, fills a Suzhou application with eight members, uploads the
agreement, watches the eligibility panel go from fail to pass, and submits — in real
Chromium (Debian's, driven by Playwright), with a screenshot of each page."""

import pytest
from django.core.management import call_command

from applications.models import Application
from portal import creditcode
from tests import pdfs
from tests.browser.conftest import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def valid_code(division="320506"):
    body = f"91{division}MA1XYK007"
    return body + creditcode.check_character(body)


def fill_row(page, prefix, index, values):
    for name, value in values.items():
        locator = page.locator(f"#id_{prefix}-{index}-{name}")
        if locator.evaluate("el => el.tagName") == "SELECT":
            locator.select_option(value)
        else:
            locator.fill(value)


def add_row(page, prefix):
    page.locator(f"[data-formset='{prefix}'] [data-add-row]").click()


def blocking(page):
    return int(page.locator("#eligibility-panel .eligibility").get_attribute("data-blocking"))


def wait_panel(page, predicate, timeout=8000):
    page.wait_for_function(predicate, timeout=timeout)


def test_register_fill_suzhou_with_eight_members_and_submit(live_server, browser_page, tmp_path):
    call_command("load_programmes", "--demo-window", verbosity=0)
    page = browser_page
    base = live_server.url

    # 1. Register the unit and its administrator.
    page.goto(f"{base}/accounts/register/")
    shoot(page, "01-register")
    page.fill("#id_name", "苏州示范智能装备有限公司")
    page.fill("#id_credit_code", valid_code().lower())
    page.select_option("#id_unit_type", "enterprise")
    page.fill("#id_legal_representative", "王建国")
    page.fill("#id_address", "苏州市吴中区示范路88号")
    # The credit code (320506) suggests the division: the province → city → county selects show it.
    page.wait_for_function("document.getElementById('id_division-county').value !== ''")
    assert [page.locator(f"#id_division-{part} option:checked").inner_text()
            for part in ("province", "city", "county")] == ["江苏省", "苏州市", "吴中区"]
    page.fill("#id_contact_name", "李联络")
    page.fill("#id_contact_phone", "0512-66668888")
    page.fill("#id_contact_email", "contact@example.cn")
    page.fill("#id_username", "sz_newcomer")
    page.fill("#id_full_name", "李联络")
    page.fill("#id_email", "li@example.cn")
    page.fill("#id_phone", "13800000000")
    page.fill("#id_password1", "Consortium-2026!")
    page.fill("#id_password2", "Consortium-2026!")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/workspace/")
    shoot(page, "02-workspace")

    # 2. Start a Suzhou application.
    page.locator("form[action='/calls/suzhou-2026/apply/'] [type=submit]").first.click()
    page.wait_for_url("**/applications/*/edit/")
    shoot(page, "03-editor-empty")
    assert blocking(page) > 0

    page.fill("#id_name", "苏州市智能装备（高端装备）创新联合体")
    page.select_option("#id_field", index=1)
    page.fill("#id_goals", "围绕智能装备产业链，联合攻关关键核心技术。")
    page.select_option("#id_lead_selected_by", "county")
    page.check("#id_lead_has_provincial_carrier")
    page.check("#id_lead_has_equity_fund")
    for index, role in enumerate(["council_chair", "expert_committee", "secretariat", "chief_expert"]):
        add_row(page, "people")
        fill_row(page, "people", index, {"role": role, "name": f"负责人{index}", "unit_name": "苏州示范智能装备有限公司"})
    add_row(page, "tasks")
    fill_row(page, "tasks", 0, {"title": "高精度伺服系统攻关"})

    # Five members: the soft "一般不少于8个" condition warns.
    types = ["university", "research", "enterprise", "enterprise", "enterprise", "enterprise", "finance",
             "testing"]
    for index in range(5):
        add_row(page, "members")
        fill_row(page, "members", index, {"name": f"成员单位{index + 1}", "unit_type": types[index]})
    wait_panel(page, "() => { const el = document.querySelector(\"#eligibility-panel [data-key='min_members']\");"
                     " return el && el.dataset.status === 'warn' && el.textContent.includes('当前5个'); }")
    shoot(page, "04-editor-five-members")
    warning = page.locator("#eligibility-panel [data-key='min_members']").inner_text()
    assert "《苏州市创新联合体建设实施方案》三（一）2" in warning and "成员单位一般不少于8个" in warning and "当前5个" in warning

    for index in range(5, 8):
        add_row(page, "members")
        fill_row(page, "members", index, {"name": f"成员单位{index + 1}", "unit_type": types[index]})
    wait_panel(page, "() => { const el = document.querySelector(\"#eligibility-panel [data-key='min_members']\");"
                     " return el && el.dataset.status === 'pass'; }")
    # Everything but the agreement is now in order.
    failing = page.locator("#eligibility-panel [data-status='fail']")
    assert failing.count() == 1 and "attachment:agreement" == failing.first.get_attribute("data-key")
    shoot(page, "05-editor-eight-members")

    # 3. Upload the agreement with the draft save.
    agreement = tmp_path / "组建协议.pdf"
    agreement.write_bytes(pdfs.blank_pdf(2))
    page.set_input_files("#file-agreement", str(agreement))
    page.click("#save-draft")
    page.wait_for_load_state()
    assert page.locator("[data-slot='agreement'] a").first.inner_text() == "组建协议.pdf"
    assert blocking(page) == 0
    assert page.locator("#eligibility-panel [data-status='fail']").count() == 0
    shoot(page, "06-editor-complete")

    # 4. Submit with confirmation.
    page.click("#save-and-submit")
    page.wait_for_url("**/submit/")
    shoot(page, "07-submit-confirm")
    page.check("#confirm")
    page.click("#confirm-submit")
    page.wait_for_url("**/applications/*/")
    shoot(page, "08-submitted")
    assert page.locator("#application-state").inner_text() == "待初审"
    assert page.locator("#submitted-at").is_visible()
    assert page.locator("#member-count").inner_text() == "8"

    application = Application.objects.get(name="苏州市智能装备（高端装备）创新联合体")
    assert application.state == "district_review"
    assert application.members.count() == 8
    assert application.versions.count() == 1
