"""Decision, publicity with objections, filing and the public directory, through the pages."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Application, Programme
from applications.services import fire
from applications.states import State
from portal.lifecycle import ActionRefused
from review import services
from review.calendar import WorkingCalendar
from review.models import Decision, Meeting, Objection, TransitionLog
from tests.challenge import solved
from tests.factories import make_credit_code
from tests.review_factories import (
    district_user,
    make_application,
    pdf_upload,
    quick_application,
    staff_user,
    unit_in,
)

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def in_publicity(start_offset=0, code="weihai-2026", **kwargs):
    """An application in publicity whose batch starts ``start_offset`` days from today.

    Put there by trait (the objection, finding and filing tests start from the batch); the tests
    that need the records of the way there (query counts, the 中关村 agreement with the targets)
    walk it with ``make_application``.
    """
    start = TODAY() + datetime.timedelta(days=start_offset)
    return quick_application(code, "in_publicity", publicity_start=start, **kwargs)


def entry_of(app):
    return app.publicity_entries.select_related("batch", "application").get()


def object_url(entry):
    return reverse("review:objection_form", args=[entry.batch_id, entry.pk])


PERSON = {"kind": "person", "person_name": "王异议", "phone": "13912345678", "content": "牵头单位研发投入数据不实。"}


def unit_objection(**overrides):
    data = {"kind": "unit", "unit_name": "某某检测技术有限公司", "unit_credit_code": make_credit_code("320505"),
            "person_name": "赵联系", "phone": "0512-66668888", "content": "成员单位并未签署组建协议。",
            "letter": pdf_upload("异议函.pdf")}
    data.update(overrides)
    return data


def _bad_code():
    code = make_credit_code("320505")
    return code[:17] + ("0" if code[17] != "0" else "1")


# --- objections: each refusal, through the public form --------------------------------------------

REFUSALS = {
    "anonymous person": (0, {"kind": "person", "content": "有问题。"}, "Anonymous objections are not accepted"),
    "person without phone": (0, {"kind": "person", "person_name": "王异议", "content": "有问题。"},
                             "Anonymous objections are not accepted"),
    "person with an unreachable phone": (0, dict(PERSON, phone="12-3"), "phone number where you can be reached"),
    "unit without its name": (0, {"kind": "unit", "unit_credit_code": "x", "content": "有问题。"},
                              "give the unit&#x27;s name"),
    "unit without a letter": (0, dict(unit_objection(), letter=""), "needs its signed and sealed letter"),
    "unit with a bad credit code": (0, unit_objection(unit_credit_code="BAD"), "has 18 characters"),
    "unit with a wrong check character": (0, unit_objection(unit_credit_code=_bad_code()),
                                          "The check character (the 18th) does not match"),
    "no content": (0, dict(PERSON, content="  "), "Please state the objection"),
    "no kind": (0, {"person_name": "王异议", "phone": "13912345678", "content": "x"}, "Say whether you object"),
    "late": (-30, PERSON, "late objections are not accepted"),
    "before the start": (10, PERSON, "The publicity period has not started yet"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_an_objection_is_refused_with_a_clear_message_and_keeps_what_was_typed(client, seeded, case):
    offset, data, message = REFUSALS[case]
    entry = entry_of(in_publicity(offset))
    response = client.post(object_url(entry), dict(data, **solved(client, object_url(entry))))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your objection was not accepted" in page
    assert message in page, page[:3000]
    assert Objection.objects.count() == 0
    # What was typed is still in the form.
    for name in ("person_name", "phone", "unit_name"):
        if data.get(name):
            assert f'value="{data[name]}"' in page
    if data.get("content", "").strip():
        assert data["content"] in page


def test_objections_are_refused_by_the_service_on_the_boundary_days(seeded):
    entry = entry_of(in_publicity(0))
    batch = entry.batch
    with pytest.raises(ActionRefused, match="not started"):
        services.submit_objection(entry, "person", "x", "王异议", "13912345678",
                                  today=batch.starts_on - datetime.timedelta(days=1))
    with pytest.raises(ActionRefused, match="late objections"):
        services.submit_objection(entry, "person", "x", "王异议", "13912345678",
                                  today=batch.ends_on + datetime.timedelta(days=1))
    services.submit_objection(entry, "person", "x", "王异议", "13912345678", today=batch.ends_on)
    assert Objection.objects.count() == 1


def test_accepted_objections_and_the_objectors_identity_stays_private(client, seeded):
    app = in_publicity(0)
    entry = entry_of(app)
    url = object_url(entry)
    form = client.get(url).content.decode()
    assert 'id="objection-form"' in form and 'enctype="multipart/form-data"' in form

    response = client.post(url, dict(PERSON, **solved(client, url)))
    assert response.status_code == 302 and response.url.endswith("?received=1")
    received = client.get(response.url).content.decode()
    assert "has been received" in received
    unit = unit_objection()
    response = client.post(url, dict(unit, **solved(client, url)))
    assert response.status_code == 302
    person, by_unit = Objection.objects.order_by("pk")
    assert (person.kind, person.person_name, person.phone) == ("person", "王异议", "13912345678")
    assert (by_unit.kind, by_unit.unit_name, by_unit.unit_credit_code) == ("unit", unit["unit_name"],
                                                                           unit["unit_credit_code"])
    assert by_unit.letter and len(by_unit.letter_sha256) == 64

    secrets = ["王异议", "13912345678", unit["unit_name"], unit["unit_credit_code"], "赵联系", "0512-66668888"]
    public_pages = [reverse("review:publicity_list"), reverse("review:publicity_detail", args=[entry.batch_id]), url,
                    f"{url}?received=1", reverse("review:directory")]
    for page_url in public_pages:
        response = client.get(page_url)
        assert response.status_code == 200, page_url
        page = response.content.decode()
        for secret in secrets:
            assert secret not in page, (page_url, secret)
    # The public list shows the consortium and the period.
    detail = client.get(reverse("review:publicity_detail", args=[entry.batch_id])).content.decode()
    assert app.name in detail and app.unit.name in detail
    assert entry.batch.ends_on.isoformat() in detail and 'id="how-to-object"' in detail
    listing = client.get(reverse("review:publicity_list")).content.decode()
    assert entry.batch.title in listing

    # Staff of the programme's authority see who objected, and download the letter.
    staff = staff_user(app.programme.authority)
    client.force_login(staff)
    page = client.get(reverse("review:publicity_batch", args=[entry.batch_id])).content.decode()
    for secret in secrets:
        assert secret in page
    letter = client.get(reverse("review:objection_letter", args=[by_unit.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert b"".join(letter.streaming_content).startswith(b"%PDF")
    assert reverse("review:objection_letter", args=[by_unit.pk]) in page

    # Nobody else does.
    client.logout()
    assert client.get(reverse("review:objection_letter", args=[by_unit.pk])).status_code == 302  # to the login
    other_staff = staff_user(make_application("suzhou-2026", state=State.DRAFT).programme.authority, new=True)
    client.force_login(other_staff)
    assert client.get(reverse("review:objection_letter", args=[by_unit.pk])).status_code == 404
    assert client.get(reverse("review:publicity_batch", args=[entry.batch_id])).status_code == 404
    assert client.get(reverse("review:objection_finding", args=[by_unit.pk])).status_code == 404
    client.force_login(app.created_by)
    assert client.get(reverse("review:publicity_batch", args=[entry.batch_id])).status_code == 403
    assert client.get(reverse("review:objection_letter", args=[by_unit.pk])).status_code == 403


# --- findings --------------------------------------------------------------------------------------

@pytest.mark.parametrize("action, state", [("return", State.RETURNED), ("refuse", State.REFUSED)])
def test_an_upheld_objection_returns_or_refuses_the_application(client, seeded, action, state):
    app = in_publicity(0)
    entry = entry_of(app)
    objection = services.submit_objection(entry, "person", "数据不实。", "王异议", "13912345678")
    client.force_login(staff_user(app.programme.authority))
    url = reverse("review:objection_finding", args=[objection.pk])
    assert "Record the finding" in client.get(url).content.decode()

    # The confirmation is required.
    response = client.post(url, {"finding": "upheld", "text": "经核实，异议属实。", "action": action})
    assert response.status_code == 200
    objection.refresh_from_db()
    assert objection.finding == "pending"
    assert "经核实，异议属实。" in response.content.decode()  # what was typed is kept

    response = client.post(url, {"finding": "upheld", "text": "经核实，异议属实。", "action": action, "confirm": "on"})
    assert response.status_code == 302
    objection.refresh_from_db()
    app.refresh_from_db()
    assert objection.finding == "upheld" and objection.found_at is not None
    assert app.state == state
    log = TransitionLog.objects.filter(application=app).last()
    assert log.source == State.PUBLICITY and log.target == state and "异议属实" in log.reason
    # It leaves the public list; a second finding is refused.
    detail = client.get(reverse("review:publicity_detail", args=[entry.batch_id])).content.decode()
    assert app.name not in detail
    response = client.post(url, {"finding": "dismissed", "text": "x", "confirm": "on"}, follow=True)
    assert "This objection already has a finding." in response.content.decode()
    objection.refresh_from_db()
    assert objection.finding == "upheld"


def test_a_dismissed_objection_lets_the_application_be_filed_after_the_period(client, seeded):
    app = in_publicity(-30)
    entry = entry_of(app)
    assert entry.batch.ends_on < TODAY()
    objection = services.submit_objection(entry, "person", "数据不实。", "王异议", "13912345678",
                                          today=entry.batch.starts_on)
    staff = staff_user(app.programme.authority)
    client.force_login(staff)

    # Pending objection: not ready, with the reason; filing it anyway is refused.
    page = client.get(reverse("review:filing")).content.decode()
    assert "1 objection(s) still wait for a finding." in page
    assert f'name="ids" value="{app.pk}"' not in page
    response = client.post(reverse("review:filing"), {"ids": [app.pk], "confirm": "1"}, follow=True)
    assert "Nothing was filed" in response.content.decode()
    app.refresh_from_db()
    assert app.state == State.PUBLICITY and app.certificate_number is None
    entry.batch.refresh_from_db()
    assert entry.batch.filed_at is None

    response = client.post(reverse("review:objection_finding", args=[objection.pk]),
                           {"finding": "dismissed", "text": "经核实，异议不成立。", "confirm": "on"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == State.PUBLICITY

    page = client.get(reverse("review:filing")).content.decode()
    assert f'name="ids" value="{app.pk}"' in page
    # The confirmation is required.
    client.post(reverse("review:filing"), {"ids": [app.pk]})
    app.refresh_from_db()
    assert app.state == State.PUBLICITY
    response = client.post(reverse("review:filing"), {"ids": [app.pk], "confirm": "1"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == State.FILED and app.filed_on == TODAY()
    assert app.certificate_number == f"WHCXLHT{TODAY().year}0001"
    page = client.get(response.url).content.decode()
    assert 'id="just-filed"' in page and app.certificate_number in page
    # Its batch has nothing left in publicity: it is closed, and the staff page says when.
    entry.batch.refresh_from_db()
    assert entry.batch.filed_at is not None
    assert 'id="batch-filed-at"' in client.get(reverse("review:publicity_batch", args=[entry.batch_id])).content.decode()


def test_filing_is_refused_while_the_period_runs(client, seeded):
    app = in_publicity(0)
    staff = staff_user(app.programme.authority)
    with pytest.raises(ActionRefused, match="has not ended"):
        services.file_applications([app.pk], staff)
    client.force_login(staff)
    page = client.get(reverse("review:filing")).content.decode()
    assert f"The publicity period ends on {entry_of(app).batch.ends_on.isoformat()}." in page
    response = client.post(reverse("review:filing"), {"ids": [app.pk], "confirm": "1"}, follow=True)
    assert "Nothing was filed" in response.content.decode()
    app.refresh_from_db()
    assert app.state == State.PUBLICITY and app.certificate_number is None
    assert not TransitionLog.objects.filter(application=app, transition="file").exists()


def test_filing_where_the_route_has_no_publicity_and_all_or_nothing(client, seeded):
    ready = [make_application("suzhou-2026", state=State.APPROVED, lead_selected_by="city") for _i in range(2)]
    waiting = in_publicity(0)  # Weihai: another authority, invisible here
    staff = staff_user(ready[0].programme.authority)
    client.force_login(staff)
    page = client.get(reverse("review:filing")).content.decode()
    for app in ready:
        assert f'name="ids" value="{app.pk}"' in page
    assert waiting.name not in page
    # An id of another authority spoils the batch: nothing is filed.
    response = client.post(reverse("review:filing"), {"ids": [ready[0].pk, waiting.pk], "confirm": "1"}, follow=True)
    assert "Nothing was filed" in response.content.decode()
    assert not Application.objects.filter(state=State.FILED).exists()
    response = client.post(reverse("review:filing"), {"ids": [app.pk for app in ready], "confirm": "1"})
    numbers = sorted(Application.objects.filter(state=State.FILED).values_list("certificate_number", flat=True))
    year = TODAY().year
    assert numbers == [f"SZCXLHT{year}0001", f"SZCXLHT{year}0002"]


# --- opening a publicity batch ----------------------------------------------------------------------

def test_opening_publicity_shows_the_end_date_before_confirming(client, seeded):
    apps = [make_application("weihai-2026", state=State.APPROVED) for _i in range(2)]
    staff = staff_user(apps[0].programme.authority)
    client.force_login(staff)
    url = reverse("review:publicity_manage")
    page = client.get(url).content.decode()
    for app in apps:
        assert f'name="ids" value="{app.pk}"' in page
    start = TODAY() + datetime.timedelta(days=1)
    end = WorkingCalendar().period(start, 5).end
    data = {"programme": apps[0].programme_id, "ids": [apps[0].pk], "starts_on": start.isoformat()}
    page = client.post(url, dict(data, step="preview")).content.decode()
    assert 'id="publicity-preview"' in page and end.isoformat() in page
    assert Application.objects.get(pk=apps[0].pk).state == State.APPROVED
    # Without the confirmation nothing opens.
    page = client.post(url, dict(data, step="open", previewed=f"{start}|{end}")).content.decode()
    assert "Please confirm the period" in page
    # A start in the past is refused.
    page = client.post(url, dict(data, starts_on=(TODAY() - datetime.timedelta(days=1)).isoformat(),
                                 step="preview")).content.decode()
    assert "cannot be in the past" in page
    response = client.post(url, dict(data, step="open", previewed=f"{start}|{end}", confirm="1"))
    assert response.status_code == 302
    opened = Application.objects.get(pk=apps[0].pk)
    assert opened.state == State.PUBLICITY
    batch = opened.publicity_entries.get().batch
    assert (batch.starts_on, batch.ends_on) == (start, end)
    assert Application.objects.get(pk=apps[1].pk).state == State.APPROVED
    page = client.get(url).content.decode()
    assert batch.title in page and f'name="ids" value="{apps[0].pk}"' not in page


# --- directory ---------------------------------------------------------------------------------------

def test_the_directory_lists_filed_consortia_and_searches_chinese_substrings(client, seeded):
    lead = unit_in("suzhou-2026", name="苏州纳米微电子科技有限公司")
    # Filed and approved by trait: the directory is what is checked here, not the filing.
    filed = quick_application("suzhou-2026", "filed", lead_selected_by="city", unit=lead,
                              name="苏州第三代半导体创新联合体")
    other = quick_application("suzhou-2026", "filed", lead_selected_by="city", name="苏州生物医药创新联合体")
    pending = quick_application("suzhou-2026", "approved", lead_selected_by="city", name="苏州未备案创新联合体")
    url = reverse("review:directory")
    page = client.get(url).content.decode()  # no login
    assert filed.name in page and filed.certificate_number in page and lead.name in page
    assert filed.filed_on.isoformat() in page and filed.programme.title in page
    assert other.name in page and pending.name not in page

    page = client.get(url, {"q": "半导体"}).content.decode()
    assert filed.name in page and other.name not in page
    page = client.get(url, {"q": "纳米微电子"}).content.decode()  # the lead unit
    assert filed.name in page and other.name not in page
    page = client.get(url, {"q": "量子"}).content.decode()
    assert filed.name not in page and "Nothing matches" in page
    page = client.get(url, {"programme": "suzhou-2026"}).content.decode()
    assert filed.name in page and other.name in page
    page = client.get(url, {"programme": "weihai-2026"}).content.decode()
    assert filed.name not in page
    # Each certificate number links to its public verification page, which confirms it.
    from applications.certificates import verification_code

    verify = reverse("review:verify_certificate", args=[filed.certificate_number,
                                                        verification_code(filed.certificate_number)])
    assert f'href="{verify}"' in client.get(url).content.decode()
    assert filed.name in client.get(verify).content.decode()


def test_ended_publicity_stays_in_the_public_archive_with_its_result(client, seeded):
    """After its period, a publicity list leaves the running ones but stays public in the archive, with how
    many of its consortia were filed."""
    start = timezone.localdate() - datetime.timedelta(days=30)
    ended = make_application("weihai-2026", state=State.PUBLICITY, publicity_start=start)
    batch = ended.publicity_entries.get().batch
    page = client.get(reverse("review:publicity_list")).content.decode()
    archive = page[page.index('id="publicity-archive"'):]
    running = page[:page.index('id="publicity-archive"')]
    assert batch.title in archive and batch.title not in running
    assert f"{batch.starts_on.isoformat()} – {batch.ends_on.isoformat()}" in archive
    services.file_applications([ended.pk], staff_user(ended.programme.authority))
    archive = client.get(reverse("review:publicity_list")).content.decode().split('id="publicity-archive"')[1]
    row = archive[archive.index(batch.title):archive.index("</tr>", archive.index(batch.title))]
    assert re.findall(r'class="text-end">(\d+)</td>', row) == ["1", "1"]  # consortia, filed
    assert client.get(reverse("review:publicity_detail", args=[batch.pk])).status_code == 200


# --- decisions ----------------------------------------------------------------------------------------

def test_a_decision_batch_approves_several_at_once(client, seeded):
    apps = [make_application("suzhou-2026", state=State.DECISION, lead_selected_by="city") for _i in range(3)]
    staff = staff_user(apps[0].programme.authority)
    client.force_login(staff)
    url = reverse("review:decision_batch")
    page = client.get(url).content.decode()
    for app in apps:
        assert f'name="ids" value="{app.pk}"' in page
    chosen = [apps[0].pk, apps[1].pk]
    data = {"programme": apps[0].programme_id, "ids": chosen, "outcome": "approve"}
    # The confirmation is required.
    page = client.post(url, data).content.decode()
    assert "Nothing was decided" in page
    assert Decision.objects.count() == 0
    response = client.post(url, dict(data, confirm="on"))
    assert response.status_code == 302
    states = dict(Application.objects.filter(pk__in=[a.pk for a in apps]).values_list("pk", "state"))
    assert states == {apps[0].pk: State.APPROVED, apps[1].pk: State.APPROVED, apps[2].pk: State.DECISION}
    assert Decision.objects.filter(outcome="approve").count() == 2
    assert TransitionLog.objects.filter(transition="approve", actor=staff).count() == 2
    # Suzhou has no decision meeting: no meeting fields, no meeting row.
    assert "meeting_minutes" not in page and Meeting.objects.count() == 0

    # All or nothing: one of the chosen is no longer awaiting a decision.
    response = client.post(url, {"programme": apps[0].programme_id, "ids": [apps[0].pk, apps[2].pk],
                                 "outcome": "refuse", "reason": "不符合条件。", "confirm": "on"})
    assert response.status_code == 200
    assert "Nothing was decided" in response.content.decode()
    assert Application.objects.get(pk=apps[2].pk).state == State.DECISION
    assert Decision.objects.count() == 2

    # A refusal needs its reason.
    page = client.post(url, {"programme": apps[0].programme_id, "ids": [apps[2].pk], "outcome": "refuse",
                             "confirm": "on"}).content.decode()
    assert "Please give the reason for the refusal." in page
    assert Application.objects.get(pk=apps[2].pk).state == State.DECISION


def test_zgc_decisions_require_the_meeting_record(client, seeded):
    apps = [make_application("zgc-2026", state=State.DECISION) for _i in range(2)]
    staff = staff_user(apps[0].programme.authority)
    client.force_login(staff)
    single = reverse("review:decision", args=[apps[0].pk])
    page = client.get(single).content.decode()
    assert "主任办公会" in page and 'name="meeting_minutes"' in page

    page = client.post(single, {"outcome": "approve", "confirm": "on"}).content.decode()
    assert "the meeting record (date, body and minutes) is required" in page
    assert Application.objects.get(pk=apps[0].pk).state == State.DECISION

    meeting = {"meeting_date": TODAY().isoformat(), "meeting_body": "主任办公会",
               "meeting_minutes": "2026年第12次主任办公会审议通过。"}
    response = client.post(single, dict(meeting, outcome="approve", confirm="on"))
    assert response.status_code == 302
    decision = Decision.objects.get(application=apps[0])
    assert decision.outcome == "approve" and decision.meeting.body == "主任办公会"
    assert decision.meeting.programme == apps[0].programme
    assert Application.objects.get(pk=apps[0].pk).state == State.APPROVED
    # The page of a decided application has no form any more.
    assert 'id="not-awaiting"' in client.get(single).content.decode()

    batch = reverse("review:decision_batch")
    page = client.post(batch, {"programme": apps[1].programme_id, "ids": [apps[1].pk], "outcome": "approve",
                               "confirm": "on"}).content.decode()
    assert "the meeting record (date, body and minutes) is required" in page
    assert Application.objects.get(pk=apps[1].pk).state == State.DECISION
    response = client.post(batch, dict(meeting, programme=apps[1].programme_id, ids=[apps[1].pk],
                                       outcome="approve", confirm="on"))
    assert response.status_code == 302
    assert Application.objects.get(pk=apps[1].pk).state == State.APPROVED
    assert Meeting.objects.count() == 2


def test_a_single_refusal_needs_a_reason_and_only_staff_decide(client, seeded):
    app = make_application("suzhou-2026", state=State.DECISION, lead_selected_by="city")
    url = reverse("review:decision", args=[app.pk])
    client.force_login(app.created_by)
    assert client.get(url).status_code == 403
    client.force_login(district_user(app.district))
    assert client.get(url).status_code == 403
    assert client.get(reverse("review:decision_batch")).status_code == 403
    other = staff_user(make_application("weihai-2026", state=State.DRAFT).programme.authority, new=True)
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(staff_user(app.programme.authority))
    page = client.post(url, {"outcome": "refuse", "confirm": "on"}).content.decode()
    assert "Please give the reason for the refusal." in page
    response = client.post(url, {"outcome": "refuse", "reason": "不符合立项条件。", "confirm": "on"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == State.REFUSED
    assert Decision.objects.get(application=app).reason == "不符合立项条件。"


# --- fixed numbers of queries ---------------------------------------------------------------------------

def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_use_a_fixed_number_of_queries(client, seeded, django_assert_max_num_queries):
    first = make_application("weihai-2026", state=State.PUBLICITY,
                             publicity_start=TODAY() - datetime.timedelta(days=30))
    entry = entry_of(first)
    services.submit_objection(entry, "person", "x", "王异议", "13912345678", today=entry.batch.starts_on)
    suzhou = [make_application("suzhou-2026", state=State.FILED, lead_selected_by="city")]
    staff = staff_user(first.programme.authority)
    pages = [reverse("review:publicity_list"), reverse("review:publicity_detail", args=[entry.batch_id]), reverse("review:directory")]
    staff_pages = [reverse("review:publicity_manage"), reverse("review:publicity_batch", args=[entry.batch_id]), reverse("review:filing")]

    client.force_login(staff)
    for url in pages + staff_pages:  # the caches filled (the directory's menus), as on a running portal
        client.get(url)
    before = {url: _queries(client, url) for url in pages + staff_pages}

    # More rows of every kind: two more applications in the same batch with objections, more filed ones.
    more = [make_application("weihai-2026", state=State.APPROVED) for _i in range(2)]
    for app in more:
        fire(app.pk, "publicize", staff, before=lambda a: entry.batch.entries.create(application=a))
        e = entry_of(app)
        services.submit_objection(e, "person", "x", "李异议", "13800001111", today=entry.batch.starts_on)
        services.submit_objection(e, "unit", "x", unit_name="某公司", unit_credit_code=make_credit_code(),
                                  letter=pdf_upload(), today=entry.batch.starts_on)
    suzhou += [make_application("suzhou-2026", state=State.FILED, lead_selected_by="city") for _i in range(2)]
    after = {url: _queries(client, url) for url in pages + staff_pages}
    assert after == before
    for url in pages + staff_pages:
        with django_assert_max_num_queries(20):
            client.get(url)
    decision_apps = [make_application("suzhou-2026", state=State.DECISION, lead_selected_by="city")]
    suzhou_staff = staff_user(decision_apps[0].programme.authority)
    client.force_login(suzhou_staff)
    client.get(reverse("review:decision_batch"))  # the caches filled (the top bar's office name)
    one = _queries(client, reverse("review:decision_batch"))
    decision_apps += [make_application("suzhou-2026", state=State.DECISION, lead_selected_by="city")
                      for _i in range(2)]
    assert _queries(client, reverse("review:decision_batch")) == one <= 20


def test_a_batch_is_closed_only_when_none_of_its_applications_is_left_in_publicity(seeded):
    first = make_application("weihai-2026", state=State.APPROVED)
    second = make_application("weihai-2026", state=State.APPROVED)
    staff = staff_user(first.programme.authority)
    batch, _period = services.open_publicity(first.programme, [first.pk, second.pk], staff,
                                            starts_on=TODAY() - datetime.timedelta(days=40))
    assert batch.ends_on < TODAY()

    services.file_applications([first.pk], staff)
    batch.refresh_from_db()
    assert batch.filed_at is None  # the second still waits in publicity

    services.file_applications([second.pk], staff)
    batch.refresh_from_db()
    assert batch.filed_at is not None
    assert {a.state for a in Application.objects.filter(pk__in=[first.pk, second.pk])} == {State.FILED}


# --- 中关村: the agreement with targets before filing -------------------------------------------

def test_zgc_filing_waits_for_the_agreement_with_targets_uploaded_by_staff(client, seeded):
    app = make_application("zgc-2026", state=State.PUBLICITY,
                           publicity_start=TODAY() - datetime.timedelta(days=30))
    staff = staff_user(app.programme.authority)
    client.force_login(staff)
    page = client.get(reverse("review:filing")).content.decode()
    upload_url = reverse("review:filing_agreement", args=[app.pk])
    assert "The signed agreement with targets has not been uploaded." in page and upload_url in page
    assert f'name="ids" value="{app.pk}"' not in page

    form = client.get(upload_url).content.decode()
    assert 'id="agreement-targets"' in form and "发明专利" in form  # the application's yearly targets
    # A bad file or a future date is refused with the reason, and nothing is stored.
    bad = SimpleUploadedFile("协议.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(upload_url, {"file": bad, "signed_on": TODAY().isoformat()})
    assert response.status_code == 200 and not app.filing_agreements.exists()
    response = client.post(upload_url, {"file": pdf_upload("协议.pdf"),
                                        "signed_on": (TODAY() + datetime.timedelta(days=3)).isoformat()})
    assert "The signing date cannot be in the future." in response.content.decode()
    assert not app.filing_agreements.exists()

    response = client.post(upload_url, {"file": pdf_upload("协议.pdf"), "signed_on": TODAY().isoformat(),
                                        "note": "管委会与牵头单位签署"})
    assert response.status_code == 302 and response.url == reverse("review:filing")
    agreement = app.filing_agreements.get()
    assert agreement.name == "协议.pdf" and len(agreement.sha256) == 64
    # A replacement keeps the earlier version.
    client.post(upload_url, {"file": pdf_upload("协议-盖章版.pdf"), "signed_on": TODAY().isoformat()})
    assert app.filing_agreements.count() == 2 and app.filing_agreements.first().name == "协议-盖章版.pdf"

    page = client.get(reverse("review:filing")).content.decode()
    assert f'name="ids" value="{app.pk}"' in page
    assert client.post(reverse("review:filing"), {"ids": [app.pk], "confirm": "1"}).status_code == 302
    app.refresh_from_db()
    assert app.state == State.FILED
    # After filing the page still shows the agreements but takes no new upload.
    assert 'id="agreement-form"' not in client.get(upload_url).content.decode()


def test_the_agreement_is_served_to_the_applicant_and_the_staff_only(client, seeded):
    app = make_application("zgc-2026", state=State.FILED)
    agreement = app.filing_agreements.get()
    url = reverse("review:filing_agreement_download", args=[app.pk, agreement.pk])
    client.force_login(app.created_by)
    assert url in client.get(reverse("review:application_detail", args=[app.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(staff_user(app.programme.authority))
    assert client.get(url).status_code == 200
    other_unit = make_application("zgc-2026", state=State.DRAFT)
    for user in (other_unit.created_by, district_user(app.district),
                 staff_user(Programme.objects.get(code="weihai-2026").authority)):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.get(reverse("review:filing_agreement", args=[app.pk])).status_code in (403, 404), user
    # A programme whose filing needs no agreement has no agreement page.
    weihai = make_application("weihai-2026", state=State.APPROVED)
    client.force_login(staff_user(weihai.programme.authority))
    assert client.get(reverse("review:filing_agreement", args=[weihai.pk])).status_code == 404
    with pytest.raises(ActionRefused, match="needs no agreement"):
        services.store_filing_agreement(weihai.pk, staff_user(weihai.programme.authority), pdf_upload(), TODAY())


def test_the_applicant_sees_the_certificate_number_and_its_verification_link(client, seeded):
    from applications.certificates import verification_code

    app = make_application("suzhou-2026", state=State.FILED, lead_selected_by="city")
    client.force_login(app.created_by)
    page = client.get(reverse("review:application_detail", args=[app.pk])).content.decode()
    verify = reverse("review:verify_certificate", args=[app.certificate_number, verification_code(app.certificate_number)])
    assert 'id="filed-banner"' in page and app.certificate_number in page and verify in page
    assert client.get(verify).status_code == 200
    draft = make_application("suzhou-2026", state=State.DRAFT, lead_selected_by="city")
    client.force_login(draft.created_by)
    assert 'id="filed-banner"' not in client.get(reverse("review:application_detail", args=[draft.pk])).content.decode()
