"""Staff statistics: the figures on a known data set (counts, median days per stage, waiting longest), the
scope of each role, the Excel export, the chart data passed to the page, and the query count pinned with
1,000 filed consortia."""

import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application
from applications.states import State
from review import statistics
from review.models import TransitionLog
from tests.review.test_directory import bulk_filed
from tests.review_factories import (
    admin_user,
    district_user,
    expert_user,
    make_application,
    quick_application,
    rewriting_history,
    staff_user,
    unit_in,
)

START = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


def timed(app, *days):
    """Place the application's log entries (in their order) ``days`` after START, and its waiting time with them."""
    entries = list(TransitionLog.objects.filter(application=app).order_by("at", "id"))
    assert len(entries) == len(days), [e.transition for e in entries]
    with rewriting_history():
        for entry, day in zip(entries, days, strict=True):
            TransitionLog.objects.filter(pk=entry.pk).update(at=START + datetime.timedelta(days=day))
    Application.objects.filter(pk=app.pk).update(waiting_since=START + datetime.timedelta(days=days[-1]))
    return app


@pytest.fixture
def data(seeded):
    """Weihai: three applications of 环翠区 that spent 2, 4 and 9 days in the district review, one of 文登区 that
    spent 50; one of Zhongguancun; a Weihai draft (counted nowhere)."""
    other = unit_in("weihai-2026", division="371003")
    found = {
        "a1": timed(quick_application("weihai-2026", "in_formal_review", field="海洋生物医药"), 0, 2),
        "a2": timed(quick_application("weihai-2026", "in_formal_review", field="海洋生物医药"), 1, 5),
        "a3": timed(quick_application("weihai-2026", "in_formal_review", field="高端装备"), 2, 11),
        "b": timed(quick_application("weihai-2026", "in_formal_review", field="高端装备", unit=other), 0, 50),
        "z": quick_application("zgc-2026", "in_district_review", field="新一代信息技术"),
        "draft": make_application("weihai-2026"),
    }
    assert found["a1"].district != found["b"].district
    return found


def rows(found, name):
    return {row.key: row.value for row in found[name]}


@pytest.mark.sqlite
def test_figures_of_programme_staff(data):
    staff = staff_user(data["a1"].programme.authority)
    found = statistics.figures(statistics.statistics_scope(staff), today=datetime.date(2026, 4, 1))
    assert found["total"] == 4
    assert rows(found, "states") == {State.FORMAL_REVIEW: 4}
    assert rows(found, "programmes") == {"weihai-2026": 4}
    assert rows(found, "fields") == {"海洋生物医药": 2, "高端装备": 2}
    assert rows(found, "districts") == {str(data["a1"].district_id): 3, str(data["b"].district_id): 1}
    medians = {row.key: (row.value, row.count) for row in found["medians"]}
    assert medians == {State.DISTRICT_REVIEW: (6.5, 4)}  # median of 2, 4, 9 and 50 days
    # Waiting longest: since its last transition (START + 2, + 5, + 11 days; b since + 50).
    assert [(a.pk, a.days_waited) for a in found["waiting"]] == [
        (data["a1"].pk, 28), (data["a2"].pk, 25), (data["a3"].pk, 19), (data["b"].pk, 0)]


@pytest.mark.sqlite
def test_a_district_reviewer_sees_only_its_district(data):
    reviewer = district_user(data["a1"].district)
    found = statistics.figures(statistics.statistics_scope(reviewer))
    assert found["total"] == 3
    assert rows(found, "districts") == {str(data["a1"].district_id): 3}
    assert {row.key: (row.value, row.count) for row in found["medians"]} == {State.DISTRICT_REVIEW: (4.0, 3)}
    assert data["b"].pk not in [a.pk for a in found["waiting"]]


def test_the_administrator_sees_everything_and_a_programme_can_be_chosen(data):
    found = statistics.figures(statistics.statistics_scope(admin_user()))
    assert rows(found, "programmes") == {"weihai-2026": 4, "zgc-2026": 1}
    assert rows(found, "states") == {State.DISTRICT_REVIEW: 1, State.FORMAL_REVIEW: 4}
    narrowed = statistics.figures(statistics.statistics_scope(admin_user(), data["z"].programme))
    assert rows(narrowed, "programmes") == {"zgc-2026": 1}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares PostgreSQL's percentile_cont with Python")
def test_the_database_and_the_python_medians_agree(data):
    """PostgreSQL computes the medians in the database; SQLite (the demo) in Python over one read: the same."""
    for i, days in enumerate((3, 1, 8)):  # an even number of spans in a second stage, and a return
        app = quick_application("weihai-2026", "awaiting_experts", name=f"威海第{i}创新联合体")
        timed(app, 0, days, days + i + 0.5)
    scope = statistics.statistics_scope(admin_user())
    in_database, in_python = statistics._spans_in_database(scope), statistics._spans_in_python(scope)
    assert in_database.keys() == in_python.keys() == {State.DISTRICT_REVIEW, State.FORMAL_REVIEW}
    for state, (count, median) in in_database.items():
        assert count == in_python[state][0] and median == pytest.approx(in_python[state][1])
    assert in_database[State.FORMAL_REVIEW] == (3, pytest.approx(1.5))  # 0.5, 1.5, 2.5 days


def test_the_page_its_charts_and_its_scope(client, data):
    staff = staff_user(data["a1"].programme.authority)
    client.force_login(staff)
    assert reverse("review:statistics") in client.get(reverse("review:workspace")).content.decode()
    response = client.get(reverse("review:statistics"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "vendor/echarts/echarts.min.js" in html and "review/statistics.js" in html
    charts = json.loads(html.split('<script id="statistics-data" type="application/json">')[1].split("</script>")[0])
    assert charts["states"] == {"labels": ["awaiting formal review"], "values": [4]}
    assert charts["medians"] == {"labels": ["awaiting district review"], "values": [6.5]}
    assert sorted(charts["fields"]["values"]) == [2, 2]
    assert data["z"].name not in html and data["a1"].name in html  # waiting longest, in scope only
    # A programme outside the user's scope is ignored (the figures stay the user's own).
    response = client.get(reverse("review:statistics"), {"programme": data["z"].programme_id})
    assert response.context["found"]["total"] == 4 and response.context["chosen"] is None


@pytest.mark.parametrize("role", ["applicant", "expert"])
def test_applicants_and_experts_are_refused(client, data, role):
    client.force_login(data["a1"].created_by if role == "applicant" else expert_user())
    assert client.get(reverse("review:statistics")).status_code == 403
    assert client.get(reverse("review:statistics_export")).status_code == 403


def test_the_excel_export_holds_the_same_figures(client, data):
    client.force_login(district_user(data["a1"].district))
    response = client.get(reverse("review:statistics_export"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    sheets = {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    assert sheets["Summary"][0] == ["Statistics of applications", data["a1"].district.name]
    assert sheets["Summary"][2] == ["Applications (drafts not counted)", 3]
    assert sheets["By state"] == [["State", "Applications"], ["awaiting formal review", 3]]
    assert sheets["By field"] == [["Field", "Applications"], ["海洋生物医药", 2], ["高端装备", 1]]
    assert sheets["By district office"] == [["District office", "Applications"], [data["a1"].district.name, 3]]
    assert sheets["Days per stage"] == [["Stage (state)", "Median days", "Stays measured"],
                                        ["awaiting district review", 4.0, 3]]
    waiting = sheets["Waiting longest"]
    assert waiting[0][0] == "Consortium" and [r[0] for r in waiting[1:]] == [data["a1"].name, data["a2"].name,
                                                                             data["a3"].name]


@pytest.mark.parametrize("role", ["staff", "district", "admin"])
def test_statistics_queries_are_pinned_with_1000_filed(client, data, role):
    bulk_filed(data["a1"], 1000)
    user = {"staff": staff_user(data["a1"].programme.authority), "district": district_user(data["a1"].district),
            "admin": admin_user()}[role]
    client.force_login(user)
    client.get(reverse("review:statistics"))  # the session and the user are loaded once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("review:statistics"))
    assert response.status_code == 200 and response.context["found"]["total"] >= 1000
    assert len(captured.captured_queries) <= 20, [q["sql"][:150] for q in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("review:statistics_export")).status_code == 200
    assert len(captured.captured_queries) <= 20
