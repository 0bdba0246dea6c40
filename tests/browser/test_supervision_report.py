"""A filed Jiangsu consortium's unit files its annual report in real Chromium, and the province's staff accept
it, record the evaluation and confirm it; the unit then sees its grade (screenshots of each page)."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from applications.models import Programme
from portal.models import Role
from supervision.choices import EvaluationState, Grade, ReportState
from supervision.models import AnnualReport, Evaluation
from tests.browser.conftest import shoot
from tests.browser.pages import log_in_with_the_form
from tests.factories import ApplicationFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded")]
PASSWORD = "pass-word-123"
SECTIONS = {"strategy": "完成两项省重大攻关任务", "platforms": "新建省级工程研究中心一个", "team": "新增高层次人才8名",
            "transfer": "转化成果5项", "products": "标志性产品进入三家整车厂供应链", "next_plan": "下年度攻关固态电池"}


def go(page, target, url=None):
    with page.expect_navigation(url=url):
        target.click()


def log_in(page, base, user):
    log_in_with_the_form(page, base, user, PASSWORD)


def log_out(page, base):
    page.click("#user-menu")
    go(page, page.locator("form[action='/accounts/logout/'] button[type=submit]"), f"{base}/")


def test_unit_files_its_report_and_staff_grade_it(live_server, browser_page):
    page, base = browser_page, live_server.url
    year = timezone.localdate().year - 1
    with transaction.atomic():
        programme = Programme.objects.get(code="jiangsu-2026")
        unit = UnitFactory(name="江苏示范新能源有限公司")
        app = ApplicationFactory(programme=programme, unit=unit, filed=True, members=3,
                                 name="江苏省新型储能创新联合体", filed_on=datetime.date(year, 1, 10))
        applicant = UserFactory(role=Role.APPLICANT, unit=unit, username="js_unit")
        staff = UserFactory(role=Role.STAFF, authority=programme.authority, unit=None, username="js_staff")

    # 1. The unit opens its supervision page from the menu and starts the report on last year.
    log_in(page, base, applicant)
    go(page, page.locator("#supervision-link"))
    go(page, page.get_by_role("link", name="江苏省新型储能创新联合体"))
    shoot(page, "01-consortium")
    go(page, page.locator("#reports form button"))
    for name, text in SECTIONS.items():
        page.fill(f"#id_{name}", text)
    page.fill("#id_rd_spending", "1500")
    page.fill("#id_patents_filed", "24")
    shoot(page, "02-report-form")
    # without ticking the confirmation the draft is kept, not submitted
    go(page, page.locator("#submit-report"))
    report = AnnualReport.objects.get(application=app, year=year)
    assert report.state == ReportState.DRAFT and report.patents_filed == 24
    page.check("#confirm-submit")
    go(page, page.locator("#submit-report"), f"{base}/supervision/consortium/{app.pk}/")
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    shoot(page, "03-submitted")
    log_out(page, base)

    # 2. Staff find it in the reports list, accept it, record the evaluation and confirm it.
    log_in(page, base, staff)
    page.goto(f"{base}/supervision/reports/?filter={ReportState.SUBMITTED.value}")
    go(page, page.get_by_role("link", name="江苏省新型储能创新联合体"))
    assert SECTIONS["platforms"] in page.locator("#report-content").inner_text()
    shoot(page, "04-review")
    go(page, page.locator("#accept-report"))
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.ACCEPTED
    page.goto(f"{base}/supervision/consortium/{app.pk}/")
    go(page, page.locator("#record-evaluation"))
    page.select_option("#id_evaluation-period", str(year))
    page.fill("#id_evaluation-score", "86")
    page.fill("#id_evaluation-comments", "攻关任务完成良好")
    go(page, page.locator("#evaluation-form button[type=submit]"))
    row = page.locator(f"#evaluations tr[data-evaluation='{year}']")
    row.locator("input[name=confirm]").check()
    go(page, row.locator("button[type=submit]"))
    evaluation = Evaluation.objects.get(application=app, period=year)
    assert (evaluation.state, evaluation.grade, evaluation.continued_support) == (
        EvaluationState.CONFIRMED, Grade.EXCELLENT, True)
    shoot(page, "05-graded")
    log_out(page, base)

    # 3. The unit sees the grade and its inbox notice.
    log_in(page, base, applicant)
    page.goto(f"{base}/supervision/consortium/{app.pk}/")
    assert page.locator(f"#evaluations tr[data-evaluation='{year}'] td[data-grade]").get_attribute(
        "data-grade") == Grade.EXCELLENT
    assert page.locator("#unread-count").inner_text().strip() != ""
    shoot(page, "06-unit-sees-grade")
