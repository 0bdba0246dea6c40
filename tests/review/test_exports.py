"""The staff list's export in the background: a large export is queued, made once by a worker with its
progress recorded, shown on its page with the download link, announced in the inbox; it holds the
requester's scope and filters, and belongs to the requester only."""

import datetime
import io

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from lxml import html
from openpyxl import load_workbook

from applications.states import State
from notices.models import Notification
from review.models import ExportJob
from review.services import exports
from tests.review.test_review_queries import clone, export
from tests.review_factories import applicant_user, district_user, quick_application, staff_user, unit_in


@pytest.fixture
def weihai(seeded):
    return quick_application("weihai-2026", "in_formal_review", name="威海海洋生物医药创新联合体")


@pytest.fixture
def staff(weihai):
    return staff_user(weihai.programme.authority)


@pytest.fixture
def small_limit(settings):
    """Exports of more than three rows go to the background."""
    settings.EXPORT_IMMEDIATE_ROWS = 3
    settings.OUTBOX_DISPATCH = True
    return settings


def sheet_rows(data):
    return [list(row) for row in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)]


def test_a_large_export_is_made_in_the_background(client, weihai, staff, small_limit,
                                                  django_capture_on_commit_callbacks):
    clone(weihai, 5)
    quick_application("zgc-2026", "awaiting_decision")  # another authority's: never in this export
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):  # Celery runs eagerly here (no broker)
        response = export(client, {"state": State.FORMAL_REVIEW, "page": 2})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("review:export_detail", args=[job.pk])
    assert job.params == {"state": [State.FORMAL_REVIEW]} and job.user == staff
    assert job.status == ExportJob.Status.DONE and job.total == job.done == 6 and job.percent == 100
    page = client.get(response["Location"]).content.decode()
    assert reverse("review:export_download", args=[job.pk]) in page and "6 applications" in page
    download = client.get(reverse("review:export_download", args=[job.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    rows = sheet_rows(b"".join(download.streaming_content))
    assert len(rows) == 7 and {row[0] for row in rows[1:]} >= {weihai.name}
    assert all(row[6] == "awaiting formal review" for row in rows[1:])
    status = client.get(reverse("review:export_status", args=[job.pk])).json()
    assert status["finished"] and status["percent"] == 100 and status["download"]
    notice = Notification.objects.get(recipient=staff)
    assert notice.url == reverse("review:export_detail", args=[job.pk]) and job.filename in notice.subject


def test_a_small_export_is_the_response(client, weihai, staff, small_limit):
    client.force_login(staff)
    response = export(client)
    assert response.status_code == 200 and len(sheet_rows(response.content)) == 2
    assert not ExportJob.objects.exists()


def test_asking_again_while_it_is_made_finds_the_same_export(client, weihai, staff, small_limit):
    small_limit.OUTBOX_DISPATCH = False  # the broker never takes it: it stays pending
    clone(weihai, 5)
    client.force_login(staff)
    first = export(client)
    again = export(client, {"page": 3})
    other = export(client, {"o": "name"})
    assert first["Location"] == again["Location"] != other["Location"]
    assert ExportJob.objects.filter(status=ExportJob.Status.PENDING).count() == 2
    page = client.get(first["Location"]).content.decode()
    assert 'id="export-ready" hidden' in page and "0 of 6 rows written" in page


def test_an_export_is_its_requesters_only(client, weihai, staff, small_limit):
    small_limit.OUTBOX_DISPATCH = False
    clone(weihai, 5)
    client.force_login(staff)
    job = ExportJob.objects.get(pk=int(export(client)["Location"].split("/")[-2]))
    for url in ("review:export_detail", "review:export_status", "review:export_download"):
        client.force_login(staff_user(weihai.programme.authority, new=True))
        assert client.get(reverse(url, args=[job.pk])).status_code == 404
        client.force_login(applicant_user(weihai.unit))
        assert client.get(reverse(url, args=[job.pk])).status_code == 403
    client.force_login(staff)
    response = client.get(reverse("review:export_download", args=[job.pk]))
    assert response.status_code == 302  # not ready yet: back to its page


def test_the_file_holds_the_scope_of_its_user(weihai, small_limit):
    other_district = quick_application("weihai-2026", "in_formal_review", unit=unit_in("weihai-2026", division="371003"))
    quick_application("zgc-2026", "awaiting_decision")
    assert other_district.district != weihai.district
    job, created = exports.request_export(district_user(weihai.district), {}, 1)
    assert created and exports.run_export(job.pk) == "done"
    job.refresh_from_db()
    assert [row[0] for row in sheet_rows(job.file.read())[1:]] == [weihai.name]


def test_a_task_delivered_twice_makes_one_file(weihai, staff, small_limit):
    job, _created = exports.request_export(staff, {}, 1)
    assert exports.run_export(job.pk) == "done"
    assert exports.run_export(job.pk) == "skipped"
    job.refresh_from_db()
    assert job.attempts == 1 and job.status == ExportJob.Status.DONE
    assert Notification.objects.filter(recipient=staff).count() == 1


def test_progress_is_recorded_as_rows_are_written(weihai, staff, small_limit, monkeypatch):
    clone(weihai, 7)
    monkeypatch.setattr("review.workbook.EXPORT_CHUNK", 3)
    seen = []
    original = exports.export_workbook

    def watching(queryset, progress=None, **kwargs):
        def record(n):
            progress(n)
            seen.append(ExportJob.objects.get(pk=job.pk).done)
        return original(queryset, progress=record, **kwargs)

    monkeypatch.setattr(exports, "export_workbook", watching)
    job, _created = exports.request_export(staff, {}, 8)
    exports.run_export(job.pk)
    assert seen == [3, 6]
    job.refresh_from_db()
    assert job.done == job.total == 8


def test_the_sweep_sends_waiting_exports_and_restarts_those_of_a_dead_worker(weihai, staff, small_limit,
                                                                           monkeypatch):
    small_limit.OUTBOX_DISPATCH = False
    waiting, _created = exports.request_export(staff, {}, 1)
    dead, _created = exports.request_export(staff, {"state": [State.FORMAL_REVIEW]}, 1)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    ExportJob.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    ExportJob.objects.filter(pk=dead.pk).update(status=ExportJob.Status.RUNNING, started_at=long_ago,
                                                created_at=long_ago, attempts=1)
    sent = []
    monkeypatch.setattr(exports, "enqueue", lambda pk: sent.append(pk) or True)
    assert exports.sweep() == 2 and sorted(sent) == sorted([waiting.pk, dead.pk])
    assert ExportJob.objects.get(pk=dead.pk).status == ExportJob.Status.PENDING


def test_a_failing_export_is_tried_again_then_marked_failed(weihai, staff, small_limit, monkeypatch):
    job, _created = exports.request_export(staff, {}, 1)
    monkeypatch.setattr(exports, "export_workbook", lambda *a, **k: 1 / 0)
    for attempt in range(1, 4):
        with pytest.raises(ZeroDivisionError):
            exports.run_export(job.pk)
        exports.record_failure(job.pk, "division by zero")
        job.refresh_from_db()
        assert job.attempts == attempt
    assert job.status == ExportJob.Status.FAILED and job.last_error == "division by zero"


def test_finished_exports_are_deleted_after_their_keeping_time(weihai, staff, small_limit):
    job, _created = exports.request_export(staff, {}, 1)
    exports.run_export(job.pk)
    job.refresh_from_db()
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    exports.sweep()
    assert not ExportJob.objects.filter(pk=job.pk).exists() and not storage.exists(name)


# --- the export is a POST: nothing is made on a GET -------------------------------------------------

def export_form(page):
    """The export form of a page (the list, the confirm page): its method, action and CSRF token."""
    form = html.fromstring(page).get_element_by_id("export-form")
    token = form.xpath(".//input[@name='csrfmiddlewaretoken']/@value")
    return form.get("method"), form.get("action"), token[0] if token else None


def test_a_get_of_the_export_makes_nothing_and_asks_to_confirm(client, weihai, staff, small_limit):
    small_limit.OUTBOX_DISPATCH = False
    clone(weihai, 5)
    client.force_login(staff)
    url = f"{reverse('review:staff_export')}?state={State.FORMAL_REVIEW}&page=2"
    response = client.get(url)
    assert response.status_code == 200 and not ExportJob.objects.exists()  # more rows than a file at once: no job
    page = response.content.decode()
    assert "The list's filters select 6 applications." in page
    method, action, token = export_form(page)
    assert method == "post" and token
    assert action == f"{reverse('review:staff_export')}?state={State.FORMAL_REVIEW}"  # the filters, not the page
    assert client.get(url).status_code == 200 and not ExportJob.objects.exists()  # asked again: still nothing
    response = client.post(action)  # the confirm button
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("review:export_detail", args=[job.pk])
    assert job.params == {"state": [State.FORMAL_REVIEW]} and job.total == 6


def test_other_methods_are_refused(client, weihai, staff, small_limit):
    clone(weihai, 5)
    client.force_login(staff)
    for method in ("put", "delete", "patch"):
        response = getattr(client, method)(reverse("review:staff_export"))
        assert response.status_code == 405 and response["Allow"] == "GET, POST"
    assert not ExportJob.objects.exists()


def test_the_lists_export_button_posts_the_lists_filters_with_the_csrf_token(weihai, staff, small_limit):
    small_limit.OUTBOX_DISPATCH = False
    clone(weihai, 5)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.get(reverse("review:staff_list"), {"state": State.FORMAL_REVIEW, "q": "海洋", "page": 1})
    method, action, token = export_form(response.content.decode())
    assert method == "post" and token
    path, query = action.split("?")
    assert path == reverse("review:staff_export")
    assert QueryDict(query) == QueryDict(urlencode({"state": State.FORMAL_REVIEW, "q": "海洋"}))
    assert client.post(action).status_code == 403 and not ExportJob.objects.exists()  # no token: refused
    response = client.post(action, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200 and len(sheet_rows(response.content)) == 2  # 威海 only: the file at once
    response = client.post(reverse("review:staff_export"), {"csrfmiddlewaretoken": token})  # the whole list
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("review:export_detail", args=[job.pk]) and job.total == 6
