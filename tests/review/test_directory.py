"""The public directory of filed consortia: search, filters (programme, field, year filed, status), paging,
revoked ones shown with their date, the links to the other public services, the open data (CSV and JSON with
the same filters), and the query count pinned with 1,000 filed consortia."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.certificates import verification_code
from applications.models import Application, Certificate
from applications.states import State
from portal.models import Role
from review.models import TransitionLog
from tests.review_factories import quick_application, unit_in


def listed(response):
    return [a.pk for a in response.context["page"].object_list]


def filed(code, name, field=None, filed_on=None, revoked_on=None, **kwargs):
    app = quick_application(code, "filed", name=name, lead_selected_by="city" if code == "suzhou-2026" else None,
                            **({"field": field} if field else {}), **kwargs)
    changes = {k: v for k, v in (("filed_on", filed_on), ("revoked_on", revoked_on)) if v}
    if changes:
        Application.objects.filter(pk=app.pk).update(**changes)
    return Application.objects.get(pk=app.pk)


@pytest.fixture
def consortia(seeded):
    lead = unit_in("weihai-2026", name="威海蓝海海洋科技有限公司")
    return {
        "ocean": filed("weihai-2026", "威海海洋生物医药创新联合体", field="海洋生物医药", unit=lead,
                       filed_on=datetime.date(2025, 3, 1)),
        "robot": filed("weihai-2026", "威海智能机器人创新联合体", field="高端装备", filed_on=datetime.date(2026, 5, 1),
                       revoked_on=datetime.date(2026, 10, 8)),
        "chip": filed("suzhou-2026", "苏州集成电路创新联合体", field="电子信息", filed_on=datetime.date(2026, 2, 2)),
        "pending": quick_application("weihai-2026", "approved", name="威海未备案创新联合体"),
    }


@pytest.mark.sqlite
def test_search_and_filters(client, consortia):
    ocean, robot, chip = consortia["ocean"], consortia["robot"], consortia["chip"]
    url = reverse("review:directory")

    def get(**params):
        return sorted(listed(client.get(url, params)))

    assert get() == sorted([ocean.pk, robot.pk, chip.pk])  # the approved one is not filed
    assert get(q="机器人") == [robot.pk]
    assert get(q="蓝海海洋") == [ocean.pk]  # the lead unit, as its certificate says
    assert get(q=ocean.unit.credit_code[-8:].lower()) == [ocean.pk]  # a credit-code fragment, any case
    assert get(q=chip.certificate_number) == [chip.pk]
    assert get(programme="weihai-2026") == sorted([ocean.pk, robot.pk])
    assert get(field="电子信息") == [chip.pk]
    assert get(year="2026") == sorted([robot.pk, chip.pk])
    assert get(year="2025") == [ocean.pk]
    assert get(status="revoked") == [robot.pk]
    assert get(status="filed") == sorted([ocean.pk, chip.pk])
    assert get(programme="weihai-2026", year="2026", status="filed") == []
    # A value that is not a choice (a programme with nothing filed, a year without filings) lists nothing.
    assert get(programme="zgc-2026") == [] and get(year="1999") == []
    form = client.get(url).context["filter"].form
    assert [c[0] for c in form.fields["year"].choices][1:] == ["2026", "2025"]
    assert {c[0] for c in form.fields["field"].choices} >= {"海洋生物医药", "高端装备", "电子信息"}


def test_the_menus_are_kept_between_requests_and_read_again_when_a_certificate_is_issued(
        client, consortia, django_assert_num_queries, django_capture_on_commit_callbacks):
    """The filters' menus (programmes, fields, years of the filed consortia) come from the cache after the first
    request; a consortium filed (its certificate issued) is in them on the next request, not five minutes later."""
    url = reverse("review:directory")
    client.get(url)
    with CaptureQueriesContext(connection) as again:
        form = client.get(url).context["filter"].form
    assert not [q for q in again.captured_queries if "DISTINCT" in q["sql"]]  # fields and years not asked again
    assert "量子信息" not in {c[0] for c in form.fields["field"].choices}
    with django_capture_on_commit_callbacks(execute=True):
        quantum = filed("zgc-2026", "中关村量子信息创新联合体", field="量子信息", filed_on=datetime.date(2024, 6, 1))
    html = client.get(url).content.decode()
    form = client.get(url).context["filter"].form
    assert "量子信息" in {c[0] for c in form.fields["field"].choices}
    assert [c[0] for c in form.fields["year"].choices][1:] == ["2026", "2025", "2024"]
    assert 'value="zgc-2026"' in html and quantum.name in html
    # The menus are written as the widgets wrote them: the chosen value selected, the ids the page's tests use.
    html = client.get(url, {"field": "量子信息", "q": "量子"}).content.decode()
    assert '<option value="量子信息" selected>量子信息</option>' in html
    assert 'id="directory-q" value="量子"' in html and 'name="year" id="directory-year" class="form-select"' in html


def test_the_page_shows_status_links_and_paging(client, consortia):
    robot = consortia["robot"]
    html = client.get(reverse("review:directory")).content.decode()
    row = html[html.index(robot.name):]
    row = row[:row.index("</tr>")]
    assert 'data-status="revoked"' in row and "2026-10-08" in row
    for name in ("applications:call_list", "review:publicity_list", "review:verify_document", "review:directory_csv",
                 "review:directory_json"):
        assert reverse(name) in html, name
    number = robot.certificate_number
    assert reverse("review:verify_certificate", args=[number, verification_code(number)]) in html
    verify = client.get(reverse("review:verify_certificate", args=[number, verification_code(number)]))
    assert "This certificate was revoked on 2026-10-08" in verify.content.decode()
    # The open-data links carry the filters of the page.
    html = client.get(reverse("review:directory"), {"status": "revoked", "page": "1"}).content.decode()
    assert f'{reverse("review:directory_csv")}?status=revoked"' in html


def test_paging(client, consortia):
    for i in range(21):
        filed("weihai-2026", f"威海批量创新联合体{i}")
    response = client.get(reverse("review:directory"), {"programme": "weihai-2026"})
    assert len(listed(response)) == 20 and response.context["page"].paginator.count == 23
    assert "programme=weihai-2026&amp;page=2" in response.content.decode()
    assert len(listed(client.get(reverse("review:directory"), {"programme": "weihai-2026", "page": 2}))) == 3


# --- open data --------------------------------------------------------------------------------------------

def test_open_data_csv(client, consortia):
    robot = consortia["robot"]
    response = client.get(reverse("review:directory_csv"), {"programme": "weihai-2026"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:3] == ["Certificate number", "Consortium", "Lead unit"]
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {consortia["ocean"].certificate_number, robot.certificate_number}
    line = body[robot.certificate_number]
    certificate = Certificate.objects.get(application=robot)
    assert line[1] == robot.name and line[2] == certificate.lead_name and line[3] == certificate.lead_credit_code
    assert line[6:9] == ["2026-05-01", "Revoked", "2026-10-08"]
    assert line[9].endswith(reverse("review:verify_certificate", args=[robot.certificate_number,
                                                                          verification_code(robot.certificate_number)]))


def test_open_data_json_has_the_same_rows_as_the_page(client, consortia):
    params = {"status": "filed"}
    data = json.loads(client.get(reverse("review:directory_json"), params).content)
    page = client.get(reverse("review:directory"), params)
    assert data["count"] == 2 and data["filters"] == {"status": "filed"}
    by_number = {item["certificate_number"]: item for item in data["items"]}
    assert set(by_number) == {a.certificate_number for a in page.context["page"].object_list}
    chip = consortia["chip"]
    item = by_number[chip.certificate_number]
    assert item == {
        "certificate_number": chip.certificate_number, "name": chip.name, "lead_unit": chip.unit.name,
        "lead_credit_code": chip.unit.credit_code, "programme": chip.programme.title, "field": "电子信息",
        "filed_on": "2026-02-02", "status": "filed", "revoked_on": "",
        "verification_url": item["verification_url"]}
    assert item["verification_url"].startswith("http://testserver/verify/")
    everything = json.loads(client.get(reverse("review:directory_json")).content)
    assert everything["count"] == 3 and everything["filters"] == {}
    nothing = json.loads(client.get(reverse("review:directory_json"), {"programme": "zgc-2026"}).content)
    assert nothing["count"] == 0 and nothing["items"] == []


# --- query count --------------------------------------------------------------------------------------------

def bulk_filed(app, n):
    """``n`` cheap filed copies of ``app`` with their certificates and a short timeline (volume only)."""
    rows = [Application(programme=app.programme, unit=app.unit, created_by=app.created_by, district=app.district,
                        name=f"批量备案创新联合体{i}", field=["电子信息", "高端装备", "生物医药"][i % 3], state=State.FILED,
                        certificate_number=f"BULK{i:05d}", filed_on=datetime.date(2024 + i % 3, 1 + i % 12, 1),
                        revoked_on=datetime.date(2026, 1, 1) if i % 10 == 0 else None,
                        reference=f"BULKREF{i:05d}") for i in range(n)]
    created = Application.objects.bulk_create(rows)
    Certificate.objects.bulk_create([
        Certificate(application=a, number=a.certificate_number, name=a.name, lead_name=app.unit.name,
                    lead_credit_code=app.unit.credit_code, issuer="某科技局", programme_title=app.programme.title,
                    issued_on=a.filed_on) for a in created])
    TransitionLog.objects.bulk_create([
        TransitionLog(application=a, transition=name, actor=None, actor_role=Role.STAFF, source=source, target=target)
        for a in created for name, source, target in (
            ("submit", State.DRAFT, State.DISTRICT_REVIEW), ("recommend", State.DISTRICT_REVIEW, State.DECISION),
            ("file", State.DECISION, State.FILED))])
    return created


@pytest.mark.parametrize("params", [{}, {"page": 30}, {"q": "批量备案"}, {"q": "BULK0099"}, {"programme": "weihai-2026"},
                                    {"field": "高端装备", "year": "2025", "status": "revoked"}])
def test_directory_queries_are_pinned_with_1000_filed(client, consortia, params):
    bulk_filed(consortia["ocean"], 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("review:directory"), params)
    assert response.status_code == 200 and listed(response)
    assert len(captured.captured_queries) <= 20, [q["sql"][:150] for q in captured.captured_queries]
