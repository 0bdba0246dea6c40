"""The staff list and its export: filters, Chinese search, scope, paging, days waited, query counts.

Query counts are pinned: the staff list runs the same number of queries (≤ 20) with 1 and with
1,000 applications in the database; the application detail page with 10 experts' scores and 20
timeline entries stays ≤ 20.
"""

import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from openpyxl import load_workbook

from applications import vocabulary
from applications.models import Application, Member, Programme
from applications.states import State
from portal.models import District, Role
from review.filters import ApplicationFilter, staff_queryset
from review.models import TransitionLog
from tests.factories import UserFactory
from tests.review_factories import (
    accept_and_score,
    admin_user,
    applicant_user,
    district_of,
    district_user,
    expert_user,
    make_application,
    move_log,
    quick_application,
    reload,
    staff_user,
    unit_in,
)
from tests.statements import prepared_statements, runs_since


def export(client, params=None, **extra):
    """The list's export as its button asks for it: a POST to the export URL with the list's query string."""
    query = urlencode(params or {}, doseq=True)
    return client.post(f"{reverse('review:staff_export')}?{query}" if query else reverse("review:staff_export"),
                       **extra)


def listed(response):
    return [a.pk for a in response.context["page"].object_list]


def clone(app, n, **fields):
    """Cheap copies of an application (for volume only): same programme, unit and district."""
    waiting_since = Application.objects.values_list("waiting_since", flat=True).get(pk=app.pk)
    rows = [Application(programme=app.programme, unit=app.unit, created_by=app.created_by, district=app.district,
                        name=fields.get("name", f"批量创新联合体{i}"), field=app.field, state=fields.get("state", app.state),
                        submitted_at=fields.get("submitted_at", app.submitted_at),
                        waiting_since=waiting_since) for i in range(n)]
    created = Application.objects.bulk_create(rows)
    Member.objects.bulk_create([Member(application=a, name=f"成员{a.pk}", unit_type="enterprise") for a in created])
    TransitionLog.objects.bulk_create([
        TransitionLog(application=a, transition="submit", actor=app.created_by, actor_role=Role.APPLICANT,
                      source=State.DRAFT, target=a.state) for a in created])
    return created


@pytest.fixture
def weihai(seeded):
    """In the formal review by trait: these tests look at the lists, not at the way there."""
    return quick_application("weihai-2026", "in_formal_review", name="威海海洋生物医药创新联合体")


@pytest.fixture
def staff(weihai):
    return staff_user(weihai.programme.authority)


# --- access ---------------------------------------------------------------------------------------

def test_anonymous_is_sent_to_login(client, seeded):
    for url in (reverse("review:staff_list"), reverse("review:staff_export")):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
    response = export(client)
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("role", ["applicant", "expert"])
def test_applicants_and_experts_may_not_see_the_list(client, weihai, role):
    user = weihai.created_by if role == "applicant" else expert_user()
    client.force_login(user)
    assert client.get(reverse("review:staff_list")).status_code == 403
    assert client.get(reverse("review:staff_export")).status_code == 403
    assert export(client).status_code == 403


def test_each_role_sees_its_own_scope(client, weihai, staff):
    other_district = quick_application("weihai-2026", "in_district_review",
                                       unit=unit_in("weihai-2026", division="371003"))
    zgc = quick_application("zgc-2026", "awaiting_decision")
    make_application("weihai-2026")  # a draft: on nobody's list
    client.force_login(staff)
    assert sorted(listed(client.get(reverse("review:staff_list")))) == sorted([weihai.pk, other_district.pk])
    client.force_login(district_user(weihai.district))
    assert listed(client.get(reverse("review:staff_list"))) == [weihai.pk]
    client.force_login(district_user(other_district.district))
    assert listed(client.get(reverse("review:staff_list"))) == [other_district.pk]
    client.force_login(staff_user(zgc.programme.authority))
    assert listed(client.get(reverse("review:staff_list"))) == [zgc.pk]
    client.force_login(admin_user())
    assert sorted(listed(client.get(reverse("review:staff_list")))) == sorted([weihai.pk, other_district.pk, zgc.pk])


def _values(field):
    return [value for value, _label in field.choices if value]


def test_filter_choices_are_scoped(client, weihai, staff):
    client.force_login(staff)
    form = client.get(reverse("review:staff_list")).context["filter"].form
    assert _values(form.fields["programme"]) == [str(weihai.programme.pk)]
    assert set(_values(form.fields["district"])) == {
        str(pk) for pk in District.objects.filter(authority=weihai.programme.authority).values_list("pk", flat=True)}
    client.force_login(district_user(weihai.district))
    form = client.get(reverse("review:staff_list")).context["filter"].form
    assert _values(form.fields["district"]) == [str(weihai.district.pk)]


def test_a_menu_value_outside_the_scope_is_refused_and_one_added_since_the_menu_was_cached_is_accepted(
        client, weihai, staff):
    """The menus' options come from the cache: a value they do not hold is looked for in the user's scope."""
    client.force_login(staff)
    assert listed(client.get(reverse("review:staff_list"), {"programme": weihai.programme.pk})) == [weihai.pk]
    other = Programme.objects.exclude(authority=weihai.programme.authority).first()
    elsewhere = District.objects.exclude(authority=weihai.programme.authority).first()
    for params in ({"programme": other.pk}, {"district": elsewhere.pk}, {"district": "abc"}, {"programme": "null"}):
        response = client.get(reverse("review:staff_list"), params)
        assert not response.context["filter"].is_valid() and listed(response) == []
        assert "Some filters are not valid" in response.content.decode()
    office = District.objects.create(authority=weihai.programme.authority, name="新设区科技局",
                                     division=weihai.district.division)
    response = client.get(reverse("review:staff_list"), {"district": office.pk})
    assert response.context["filter"].is_valid() and listed(response) == []
    Application.objects.filter(pk=weihai.pk).update(district=office)
    assert listed(client.get(reverse("review:staff_list"), {"district": office.pk})) == [weihai.pk]


# --- search and filters ---------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["海洋生物", "威海海洋生物医药创新联合体", "测试科技", "CODE", "code-lower", "fullwidth"])
def test_search_by_name_unit_or_credit_code(client, weihai, staff, q):
    other = quick_application("weihai-2026", "in_formal_review", name="威海智能装备创新联合体")
    code = weihai.unit.credit_code
    q = {"CODE": code[-7:], "code-lower": code[-6:].lower(),
         "fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in code[-7:])}.get(q, q)
    if q == "测试科技":  # a lead unit name fragment matches both (same factory naming)
        weihai.unit.name = "威海蓝海测试科技有限公司"
        weihai.unit.save()
        q = "蓝海测试"
    client.force_login(staff)
    assert listed(client.get(reverse("review:staff_list"), {"q": q})) == [weihai.pk]
    assert other.pk in listed(client.get(reverse("review:staff_list"), {"q": "智能装备"}))


def test_filters(client, weihai, staff):
    other_district = quick_application("weihai-2026", "in_district_review", field="海洋装备",
                                       unit=unit_in("weihai-2026", division="371003"))
    old = quick_application("weihai-2026", "awaiting_experts")
    Application.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=40))
    client.force_login(staff)

    def get(**params):
        return sorted(listed(client.get(reverse("review:staff_list"), params)))

    assert get(state=State.DISTRICT_REVIEW) == [other_district.pk]
    assert get(state=State.FORMAL_REVIEW) == [weihai.pk]
    assert get(field="海洋") == [other_district.pk]
    assert get(district=other_district.district_id) == [other_district.pk]
    assert get(programme=weihai.programme_id) == sorted([weihai.pk, other_district.pk, old.pk])
    today = timezone.localdate()
    assert get(submitted_to=(today - datetime.timedelta(days=30)).isoformat()) == [old.pk]
    assert get(submitted_from=(today - datetime.timedelta(days=1)).isoformat()) == sorted([weihai.pk,
                                                                                           other_district.pk])
    assert get(submitted_from=today.isoformat(), state=State.FORMAL_REVIEW, q="海洋生物") == [weihai.pk]
    response = client.get(reverse("review:staff_list"), {"submitted_from": "not a date"})
    assert response.status_code == 200 and listed(response) == []


def test_pagination_keeps_the_filters(client, weihai, staff):
    clone(weihai, 30)
    client.force_login(staff)
    response = client.get(reverse("review:staff_list"), {"state": State.FORMAL_REVIEW})
    assert len(listed(response)) == 25 and response.context["page"].paginator.count == 31
    assert "state=formal_review&amp;page=2" in response.content.decode()
    response = client.get(reverse("review:staff_list"), {"state": State.FORMAL_REVIEW, "page": 2})
    assert len(listed(response)) == 6


def test_a_pages_rows_are_read_by_one_prepared_statement_whatever_the_page_and_filter(client, weihai, staff):
    """The rows of a full page (keys read first) are read by one statement, prepared on the connection: planned
    once, run again for the next page and another filter (the keys are bound, not written into it)."""
    clone(weihai, 60)
    client.force_login(staff)
    rows = ('SELECT "applications_application"."id"', '"applications_application"."id" IN (')
    before = prepared_statements(*rows)
    pages = [listed(client.get(reverse("review:staff_list"), params)) for params in (
        {}, {"page": 2}, {"state": State.FORMAL_REVIEW, "page": 2}, {"o": "name"})]
    assert [len(page) for page in pages] == [25, 25, 25, 25] and not set(pages[0]) & set(pages[1])
    assert list(runs_since(before, *rows).values()) == [4]


def test_a_list_row_is_read_as_plain_values_of_what_the_table_shows(client, weihai, staff):
    """A row reads its cells and what its action link needs, as plain values: not the application's long texts,
    nor every column of its lead unit and its programme (making three model instances a row cost twice as much)."""
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("review:staff_list"))
    [rows] = [q["sql"] for q in queries.captured_queries if '"applications_application"."id" IN (' in q["sql"]]
    assert '"applications_application"."goals"' not in rows and '"portal_unit"."address"' not in rows
    assert '"applications_programme"."guideline_text"' not in rows
    [row] = response.context["page"].object_list
    assert not isinstance(row, Application) and str(row) == weihai.name and row.unit.name == weihai.unit.name
    body = response.content.decode()
    assert weihai.unit.credit_code in body and weihai.programme.title in body and weihai.district.name in body
    assert f'href="{weihai.get_absolute_url()}"' in body


def test_a_rows_district_office_missing_from_the_cached_choices_is_still_named(client, weihai, staff):
    """The district names come from the filter's cached choices; an office added since is read on its own."""
    client.force_login(staff)
    client.get(reverse("review:staff_list"))  # the choices are cached now
    office = District.objects.create(authority=weihai.programme.authority, name="新设区科技局",
                                     division=weihai.district.division)
    clone(weihai, 3)
    Application.objects.filter(programme=weihai.programme).update(district=office)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("review:staff_list")).content.decode()
    assert page.count("新设区科技局") == 4  # one query for the office, not one a row
    assert sum('FROM "portal_district"' in q["sql"] for q in queries.captured_queries) == 1


def test_a_filtered_list_counts_up_to_a_cap(client, weihai, staff, monkeypatch):
    """Counting a filter's matches costs as many matches as there are: beyond COUNT_CAP the list says so."""
    monkeypatch.setattr("review.views.lists.COUNT_CAP", 3)
    clone(weihai, 4)
    client.force_login(staff)
    response = client.get(reverse("review:staff_list"), {"state": State.FORMAL_REVIEW})
    assert response.context["page"].paginator.capped and "More than 3 applications" in response.content.decode()
    assert len(listed(response)) == 4  # the pages reach the row past the cap; narrower filters, or the export, the rest
    response = client.get(reverse("review:staff_list"), {"state": State.FORMAL_REVIEW, "q": "批量创新联合体1"})
    assert not response.context["page"].paginator.capped and response.context["page"].paginator.count == 1
    response = client.get(reverse("review:staff_list"))  # the whole list: its exact count
    assert response.context["page"].paginator.count == 5 and "5 applications" in response.content.decode()


def test_days_waited_since_the_last_transition(client, weihai, staff):
    move_log(TransitionLog.objects.filter(application=weihai), timezone.now() - datetime.timedelta(days=12))
    newer = quick_application("weihai-2026", "in_formal_review")
    move_log(TransitionLog.objects.filter(application=newer), timezone.now() - datetime.timedelta(days=2))
    move_log(TransitionLog.objects.filter(application=newer, transition="submit"),
             timezone.now() - datetime.timedelta(days=50))
    client.force_login(staff)
    response = client.get(reverse("review:staff_list"))
    rows = {a.pk: a.days_waited for a in response.context["page"]}
    assert rows == {weihai.pk: 12, newer.pk: 2}
    assert listed(response) == [weihai.pk, newer.pk]  # waiting longest first
    assert listed(client.get(reverse("review:staff_list"), {"o": "-waiting"})) == [newer.pk, weihai.pk]
    html = response.content.decode()
    assert reverse("review:formal_review", args=[weihai.pk]) in html


# --- export ---------------------------------------------------------------------------------------

def rows_of(response):
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_matches_the_filter(client, weihai, staff):
    other = quick_application("weihai-2026", "in_district_review", name="威海智能装备创新联合体")
    clone(weihai, 3, state=State.EXPERT_PENDING)
    client.force_login(staff)
    params = {"state": State.FORMAL_REVIEW, "q": "海洋"}
    response = export(client, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".xlsx" in disposition and "applications-" in disposition
    rows = rows_of(response)
    assert rows[0][:9] == ["Consortium name", "Lead unit", "Credit code", "Programme", "District office", "Field",
                           "State", "Submitted at", "Days waited"]  # then the columns of tests/review/test_export_columns.py
    app = reload(weihai)
    assert len(rows) == 2
    assert rows[1][:7] + rows[1][8:9] == [app.name, app.unit.name, app.unit.credit_code, app.programme.title,
                                          app.district.name, app.field, "awaiting formal review", 0]
    submitted = timezone.localtime(app.submitted_at).replace(tzinfo=None)  # Beijing time in the sheet
    assert abs((rows[1][7] - submitted).total_seconds()) < 1
    # the whole (unfiltered) list: same rows and order as the page
    rows = rows_of(export(client))
    page_names = [a.name for a in client.get(reverse("review:staff_list")).context["page"]]
    assert [r[0] for r in rows[1:]] == page_names and other.name in page_names and len(rows) == 6


def test_export_headers_in_chinese(client, weihai, staff):
    client.force_login(staff)
    response = export(client, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert len(rows_of(response)) == 2


def test_export_of_an_empty_filter_is_a_header_row(client, weihai, staff):
    client.force_login(staff)
    assert len(rows_of(export(client, {"q": "不存在的名称"}))) == 1


def test_filterset_and_queryset_agree(rf, weihai, staff):
    request = rf.get("/", {"state": State.FORMAL_REVIEW})
    request.user = staff
    filterset = ApplicationFilter(request.GET, queryset=staff_queryset(staff), request=request)
    assert [a.pk for a in filterset.qs] == [weihai.pk]


# --- query counts ---------------------------------------------------------------------------------

def count_queries(client, url, params=None, method="get"):
    cache.clear()  # the staff list's filter form, rendered once per scope and query, is rendered again
    with CaptureQueriesContext(connection) as ctx:
        response = export(client, params) if method == "post" else client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"state": State.FORMAL_REVIEW, "q": "创新", "o": "-submitted"}])
def test_staff_list_queries_do_not_grow_with_rows(client, weihai, staff, params, django_assert_max_num_queries):
    client.force_login(staff)
    one = count_queries(client, reverse("review:staff_list"), params)
    clone(weihai, 999)
    assert Application.objects.count() == 1000
    with django_assert_max_num_queries(20):
        response = client.get(reverse("review:staff_list"), params)
    assert len(response.context["page"].object_list) == 25
    assert count_queries(client, reverse("review:staff_list"), params) == one


def test_export_queries_do_not_grow_with_rows(client, weihai, staff, settings):
    settings.EXPORT_IMMEDIATE_ROWS = 1000  # the file is the response (larger exports: tests/review/test_exports.py)
    client.force_login(staff)
    one = count_queries(client, reverse("review:staff_export"), method="post")
    clone(weihai, 200)
    assert count_queries(client, reverse("review:staff_export"), method="post") == one <= 20


def test_dashboard_queries_do_not_grow_with_rows(weihai, staff, django_assert_max_num_queries):
    from review.views.dashboards import dashboard_context

    with django_assert_max_num_queries(4):  # counts, queue, objections (+ the queue's total when it is full)
        dashboard_context(staff)
    clone(weihai, 300)
    with django_assert_max_num_queries(4):
        context = dashboard_context(staff)
    assert len(context["queue"]) == 20 and context["queue_total"] == 301


def test_formal_review_page_queries_are_bounded(client, seeded, django_assert_max_num_queries):
    app = make_application("beijing-2026", state=State.FORMAL_REVIEW, members=30)
    client.force_login(staff_user(app.programme.authority))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("review:formal_review", args=[app.pk]))
    assert response.status_code == 200


def test_application_detail_with_ten_scores_and_twenty_log_entries(client, seeded, django_assert_max_num_queries):
    app = make_application("beijing-2026", state=State.EXPERT_REVIEW, experts=10)
    accept_and_score(app)
    assert app.assignments.filter(status="submitted").count() == 10
    staff = staff_user(app.programme.authority)
    added = 20 - app.log.count()
    for i in range(added):
        TransitionLog.objects.create(application=app, transition="return_for_revision", actor=staff,
                                     actor_role=Role.STAFF, source=State.EXPERT_REVIEW, target=State.EXPERT_REVIEW,
                                     reason=f"记录{i}")
    assert app.log.count() == 20
    url = reverse("review:application_detail", args=[app.pk])
    names = list(app.assignments.values_list("expert__name", flat=True))
    for kind in vocabulary.MODELS:  # the vocabularies' names are cached (read once per five minutes, not per page)
        vocabulary.names(kind)
    for user in (staff, app.created_by):
        client.force_login(user)
        with django_assert_max_num_queries(20):
            response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert all(f"记录{i}<" in page or f"记录{i}\n" in page for i in range(added)), "timeline entries"
        if user == staff:  # staff see the ten experts' totals and the aggregate …
            assert page.count('data-status="submitted"') == 10 and all(name in page for name in names)
            assert 'id="detail-aggregate"' in page
        else:  # … the applicant never sees an expert's name
            assert 'id="expert-summary"' not in page and not any(name in page for name in names)


def test_the_application_page_asks_for_batch_recommendations_only_when_the_application_is_in_one(client, seeded):
    """The application's own query says whether it is in any batch; the scoped query for the batches (shown
    when there are some: tests/review/test_batch_recommendation.py) is not sent for one that is in none."""
    app = make_application("beijing-2026", state=State.FORMAL_REVIEW)
    for user in (staff_user(app.programme.authority), UserFactory(role=Role.ADMIN)):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("review:application_detail", args=[app.pk]))
        assert response.status_code == 200 and 'data-kind="recommendation_batch"' not in response.content.decode()
        assert not [q for q in queries.captured_queries if q["sql"].startswith('SELECT "review_recommendationentry"')]


def test_other_authority_staff_and_district_get_nothing(client, weihai):
    zgc_staff = UserFactory(role=Role.STAFF, unit=None,
                            authority=Programme.objects.get(code="zgc-2026").authority)
    client.force_login(zgc_staff)
    assert listed(client.get(reverse("review:staff_list"))) == []
    assert len(rows_of(export(client))) == 1
    client.force_login(district_user(district_of("weihai-2026", other=True), new=True))
    assert listed(client.get(reverse("review:staff_list"))) == []
    client.force_login(applicant_user(unit_in("weihai-2026")))
    assert client.get(reverse("review:staff_list")).status_code == 403
