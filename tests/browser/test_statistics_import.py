"""In real Chromium: programme staff open the statistics (ECharts draws every chart, no CSP violation), download
the statistics workbook, import a sheet of paper filings (template, preview, confirmation); then the public
finds the imported consortium in the directory by its filters, verifies its certificate and downloads the
open data.  Screenshots go to artefacts/browser/<test>/."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from applications.models import Application, Programme
from review.imports import COLUMNS
from tests.browser.conftest import shoot
from tests.browser.test_narrow_screens import log_in
from tests.factories import make_credit_code
from tests.review_factories import quick_application, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def paper_sheet(path):
    """A register of two consortia, headings as the Chinese template has them (the browser asks for Chinese)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        headings = [str(c.label) for c in COLUMNS]
    book = Workbook()
    book.active.append(headings)
    for number, name, lead, day in (("WHCXLHT20230001", "威海纸质备案海洋创新联合体", "威海纸质备案海洋有限公司", 3),
                                    ("WHCXLHT20230002", "威海纸质备案装备创新联合体", "威海纸质备案装备有限公司", 9)):
        book.active.append([number, name, lead, make_credit_code("371002"), "", "", "海洋装备",
                            datetime.date(2023, 7, day), "山东示例大学；威海示例研究院", "", ""])
    book.save(path)
    return path


def test_statistics_import_and_the_public_directory(live_server, browser_page, tmp_path):
    call_command("load_programmes", "--demo-window", verbosity=0)
    with transaction.atomic():
        weihai = Programme.objects.get(code="weihai-2026")
        for trait in ("in_district_review", "in_formal_review", "awaiting_experts", "filed"):
            quick_application("weihai-2026", trait, field="海洋装备")
        staff = staff_user(weihai.authority)
    page, base = browser_page, live_server.url
    log_in(page, live_server, staff)

    # Statistics, from the workspace: every chart drawn by ECharts on a canvas.
    page.goto(base + reverse("review:workspace"))
    page.click("#statistics-link")
    page.wait_for_selector('[data-chart="states"][data-drawn="true"] canvas')
    charts = page.locator("[data-chart]")
    assert charts.count() == 5
    for i in range(charts.count()):
        assert charts.nth(i).get_attribute("data-drawn") == "true"
        assert charts.nth(i).locator("canvas").bounding_box()["height"] > 100
    shoot(page, "statistics")
    with page.expect_download() as download:
        page.click("#statistics-xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    assert len(book.sheetnames) == 7

    # Import: the template, the sheet, the preview, the confirmation.
    page.goto(base + reverse("review:workspace"))
    page.click("#import-link")
    with page.expect_download() as download:
        page.click("#template-form button[type=submit]")
    assert load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0].max_column == len(COLUMNS)
    page.select_option("#id_programme", str(weihai.pk))
    page.set_input_files("#id_sheet", str(paper_sheet(tmp_path / "台账.xlsx")))
    page.click("#import-upload button[type=submit]")
    page.wait_for_selector("#import-preview")
    assert page.locator("#import-preview tbody tr").count() == 2
    shoot(page, "import-preview")
    page.check("#id_confirm")
    page.click("#import-confirm button[type=submit]")
    page.wait_for_selector("#import-done")
    assert Application.objects.filter(paper_filing__isnull=False).count() == 2
    shoot(page, "import-done")

    # The public: the directory filtered by year and field, the certificate verified, the open data.
    page.context.clear_cookies()
    page.goto(base + reverse("review:directory"))
    page.select_option("#directory-year", "2023")
    page.select_option("#directory-field", "海洋装备")
    page.click("#directory-filters button[type=submit]")
    rows = page.locator("#directory-table tbody tr")
    assert rows.count() == 2
    shoot(page, "directory")
    page.click("text=WHCXLHT20230001")
    page.wait_for_selector("#verify-paper")
    assert "威海纸质备案海洋创新联合体" in page.inner_text("#verify-result")
    page.go_back()
    with page.expect_download() as download:
        page.click("#open-data-csv")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    numbers = sorted(r[0] for r in list(csv.reader(io.StringIO(text)))[1:])
    assert numbers == ["WHCXLHT20230001", "WHCXLHT20230002"]
