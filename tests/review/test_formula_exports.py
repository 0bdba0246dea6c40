"""Every spreadsheet and CSV file the portal writes keeps formula-like text as text (portal.spreadsheets):
each file is produced as a user gets it, with hostile names and opinions in it, read back with openpyxl
(or csv), and holds no formula cell; numbers stay numbers."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portal.spreadsheets import FORMULA_LEADS, append_row, csv_value
from review.imports import template_workbook
from review.models import RecommendationBatch
from supervision.exports import funds_workbook
from tests.review.test_batch_recommendation import peers
from tests.review.test_review_queries import export
from tests.review_factories import district_user, programme, quick_application, staff_user, unit_in

HYPERLINK = '=HYPERLINK("http://evil.example","x")'
HOSTILE = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "＝1+1", "＋1+1", "－2+3", "＠SUM(A1)"]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def cells(data):
    """Every non-empty cell of every sheet of the workbook ``data``."""
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_no_formula(data, expected=(HYPERLINK,)):
    found = cells(data)
    assert not [c.coordinate for c in found if c.data_type == "f"], "a formula cell was written"
    texts = {c.value: c for c in found if isinstance(c.value, str)}
    for text in expected:  # the hostile text is kept as it was, as text shown as typed
        assert texts[text].data_type == "s" and texts[text].quotePrefix, text


def test_every_formula_lead_is_written_as_text_and_numbers_stay_numbers():
    assert set("=+-@\t\r＝＋－＠") <= set(FORMULA_LEADS)
    for write_only in (False, True):
        book = Workbook(write_only=write_only)
        sheet = book.create_sheet("x")
        append_row(sheet, [*HOSTILE, "普通文字", 12, -3, Decimal("-4.5"), datetime.date(2026, 1, 2), None])
        out = io.BytesIO()
        book.save(out)
        found = cells(out.getvalue())
        assert [c.value for c in found[:len(HOSTILE) + 1]] == [*HOSTILE, "普通文字"]
        assert all(c.data_type == "s" and c.quotePrefix for c in found[:len(HOSTILE)])
        assert not found[len(HOSTILE)].quotePrefix
        assert [c.data_type for c in found[len(HOSTILE) + 1:]] == ["n", "n", "n", "d"]
        assert [c.value for c in found[len(HOSTILE) + 1:len(HOSTILE) + 4]] == [12, -3, -4.5]
    assert [csv_value(v) for v in ("=1+1", "＠x", "-2", "名称", -2, None)] == ["'=1+1", "'＠x", "'-2", "名称", -2, None]


@pytest.mark.django_db
def test_staff_export_and_statistics(client, seeded):
    app = quick_application("weihai-2026", "in_formal_review", name=HYPERLINK)
    client.force_login(staff_user(app.programme.authority))
    export_response = export(client, **EN)
    assert export_response.status_code == 200
    assert_no_formula(export_response.content)
    statistics = client.get(reverse("review:statistics_export"), **EN)
    assert statistics.status_code == 200
    assert_no_formula(statistics.content)


@pytest.mark.django_db
def test_the_recommendation_summary(client, seeded):
    apps = [quick_application("weihai-2026", "in_district_review", name=f"{HOSTILE[i]}创新联合体") for i in range(2)]
    for app in apps:
        peers(app, 3)
    client.force_login(district_user(apps[0].district))
    data = {"ids": [a.pk for a in apps], "opinion": HYPERLINK, "confirm": "on",
            **{f"rank-{a.pk}": n for n, a in enumerate(apps, 1)}}
    response = client.post(reverse("review:district_batch"), data, **EN)
    assert response.status_code == 302
    summary = client.get(reverse("review:recommendation_summary", args=[RecommendationBatch.objects.get().pk]))
    assert summary.status_code == 200
    assert_no_formula(summary.content, expected=(HYPERLINK, f"{HOSTILE[0]}创新联合体", f"{HOSTILE[1]}创新联合体"))


@pytest.mark.django_db
def test_the_import_template_and_the_funds_workbook(seeded):
    weihai = programme("weihai-2026")
    weihai.title = "-威海市创新联合体"
    assert_no_formula(template_workbook(weihai), expected=("-威海市创新联合体",))
    rows = [{"title": HYPERLINK, "year": 2026, "granted": Decimal("10"), "recovered": Decimal("-2"),
             "net": Decimal("8"), "consortia": 1}]
    data = funds_workbook(rows, {"granted": Decimal("10"), "recovered": Decimal("2"), "net": Decimal("8")}, "@scope")
    assert_no_formula(data, expected=(HYPERLINK, "@scope"))
    assert -2 in [c.value for c in cells(data)]


@pytest.mark.django_db
def test_the_open_data_csv(client, seeded):
    quick_application("weihai-2026", "filed", name=HYPERLINK, unit=unit_in("weihai-2026", name="＋牵头单位"))
    response = client.get(reverse("review:directory_csv"), **EN)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    values = [value for row in rows for value in row]
    assert "'" + HYPERLINK in values and "'＋牵头单位" in values
    assert not [value for value in values if value.startswith(FORMULA_LEADS)]
