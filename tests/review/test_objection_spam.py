"""Public objections that can't be spammed: rate limits, the form's challenge, the staff's notices, and spam
marked in bulk (and restored) by the programme's staff, all through the pages."""

import datetime
import time

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from applications.choices import Notice
from applications.states import State
from notices.models import Notification
from portal.clientip import client_ip
from portal.lifecycle import ActionRefused
from review import services
from review.models import Objection, ObjectionMark
from tests.challenge import answer, challenge_of, solved
from tests.review_factories import quick_application, staff_user

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def in_publicity(start_offset=0):
    start = TODAY() + datetime.timedelta(days=start_offset)
    return quick_application("weihai-2026", "in_publicity", publicity_start=start)


def entry_of(app):
    return app.publicity_entries.select_related("batch", "application").get()


def object_url(entry):
    return reverse("review:objection_form", args=[entry.batch_id, entry.pk])


def person(n, phone=None):
    return {"kind": "person", "person_name": f"路人{n}", "phone": phone or f"139{n:08d}",
            "content": f"第{n}条异议：数据不实。"}


def post(client, url, data, ip="198.51.100.7"):
    return client.post(url, dict(data, **solved(client, url)), REMOTE_ADDR=ip)


TOO_MANY = "Too many objections were sent from this address or phone number"


# --- rate limits ------------------------------------------------------------------------------------

def test_a_hundred_objections_from_one_address_are_stopped_at_its_limit(client, seeded):
    apps = [in_publicity(0) for _i in range(3)]
    entries = [entry_of(app) for app in apps]
    staff = staff_user(apps[0].programme.authority)
    started, statuses = time.monotonic(), []
    for n in range(100):
        entry = entries[n % 3]
        response = post(client, object_url(entry), person(n))
        statuses.append(response.status_code)
        if response.status_code == 429:
            page = response.content.decode()
            assert TOO_MANY in page and int(response["Retry-After"]) > 0
            # What was typed is kept, and a new challenge is shown.
            assert f'value="路人{n}"' in page and f"第{n}条异议" in page and challenge_of(page)
    elapsed = time.monotonic() - started
    # 5 an hour from one address (settings.OBJECTION_LIMITS), 2 of them at most on one entry.
    assert statuses.count(302) == 5 and statuses.count(429) == 95, statuses
    assert Objection.objects.count() == 5 and set(Objection.objects.values_list("ip", flat=True)) == {"198.51.100.7"}
    assert max(Objection.objects.filter(entry=e).count() for e in entries) == 2
    # Staff heard once per entry, never of a refused one.
    assert Notification.objects.filter(recipient=staff, kind=Notice.OBJECTION_RECEIVED).count() == 3
    print(f"100 objections from one address: 5 accepted, 95 refused with 429 in {elapsed:.1f} s")

    # Another address is not held back; this one is again once its hour has passed.
    assert post(client, object_url(entries[2]), person(200), ip="203.0.113.9").status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        assert post(client, object_url(entries[2]), person(201)).status_code == 302


def test_one_phone_number_is_stopped_from_many_addresses(client, seeded):
    entries = [entry_of(in_publicity(0)) for _i in range(4)]
    spellings = ["13912345678", "139-1234-5678", "139 1234 5678", "139.1234.5678", "(139)12345678"]
    statuses = [post(client, object_url(entries[n % 4]), person(n, phone=phone), ip=f"192.0.2.{n + 10}").status_code
                for n, phone in enumerate(spellings * 2)]
    assert statuses.count(302) == 3 and statuses[3:] == [429] * 7, statuses
    assert set(Objection.objects.values_list("phone_digits", flat=True)) == {"13912345678"}


def test_the_service_refuses_over_the_limit_before_storing_anything(seeded, settings):
    settings.OBJECTION_LIMITS = {"ip": [(1, 600)], "phone": [], "ip_entry": []}
    entry = entry_of(in_publicity(0))
    services.submit_objection(entry, "person", "x", "甲", "13900000001", ip="192.0.2.1")
    with pytest.raises(services.TooManyObjections) as refused:
        services.submit_objection(entry, "person", "x", "乙", "13900000002", ip="192.0.2.1")
    assert 0 < refused.value.retry_after <= 600
    assert Objection.objects.count() == 1


def test_the_client_address_honours_the_trusted_proxies_only(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"  # no proxy: the header is the client's own words
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"  # what our proxy saw, not what the client prepended
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer hops than proxies: the socket's address
    assert client_ip(request) == "10.0.0.1"


def test_a_forged_forwarded_header_does_not_escape_the_limit(client, seeded):
    entry = entry_of(in_publicity(0))
    statuses = [client.post(object_url(entry), dict(person(n), **solved(client, object_url(entry))),
                            REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
                for n in range(4)]
    assert statuses == [302, 302, 429, 429]


# --- the challenge ----------------------------------------------------------------------------------

def test_a_wrong_answer_is_refused_keeps_what_was_typed_and_the_challenge_is_used_up(client, seeded):
    entry = entry_of(in_publicity(0))
    url = object_url(entry)
    page = client.get(url).content.decode()
    assert 'id="objection-challenge"' in page and 'alt="A sum of two numbers, drawn as a picture"' in page
    assert "0631-0000004" in page  # the other channels: the authority's phone for objections
    image = client.get(page.split('data-challenge-image')[0].rsplit('src="', 1)[1].split('"')[0])
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and image.content[:4] == b"\x89PNG"
    right = answer(page)
    wrong = dict(right, captcha_1=str(int(right["captcha_1"]) + 1))
    response = client.post(url, dict(person(1), **wrong))
    shown = response.content.decode()
    assert response.status_code == 200 and Objection.objects.count() == 0
    assert "The result of the sum is wrong" in shown
    assert 'value="路人1"' in shown and 'value="13900000001"' in shown and "第1条异议" in shown
    assert challenge_of(shown) != right["captcha_0"]
    # One try per challenge: the right answer to the used one is refused too.
    assert not CaptchaStore.objects.filter(hashkey=right["captcha_0"]).exists()
    assert client.post(url, dict(person(1), **right)).status_code == 200
    assert Objection.objects.count() == 0
    # No answer at all.
    assert "Please type the result of the sum" in client.post(url, person(1)).content.decode()
    # Answered right: accepted.
    response = client.post(url, dict(person(1), **answer(shown)))
    assert response.status_code == 302 and Objection.objects.count() == 1


def test_a_new_picture_can_be_fetched(client, seeded):
    entry = entry_of(in_publicity(0))
    page = client.get(object_url(entry)).content.decode()
    assert 'data-refresh="/captcha/refresh/"' in page
    fresh = client.get("/captcha/refresh/", HTTP_X_REQUESTED_WITH="XMLHttpRequest").json()
    assert fresh["key"] != challenge_of(page) and CaptchaStore.objects.filter(hashkey=fresh["key"]).exists()
    assert client.get(fresh["image_url"]).status_code == 200


# --- staff notices ----------------------------------------------------------------------------------

def test_staff_hear_of_new_objections_to_an_entry_once_an_hour(seeded):
    entry = entry_of(in_publicity(0))
    staff = staff_user(entry.application.programme.authority)
    for n in range(2):
        services.submit_objection(entry, "person", "x", f"甲{n}", f"1390000000{n}", ip=f"192.0.2.{n}")
    assert Notification.objects.filter(recipient=staff, kind=Notice.OBJECTION_RECEIVED).count() == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        services.submit_objection(entry, "person", "x", "乙", "13900000009", ip="192.0.2.9")
    assert Notification.objects.filter(recipient=staff, kind=Notice.OBJECTION_RECEIVED).count() == 2


# --- spam, in bulk ----------------------------------------------------------------------------------

def _objections(entry, n):
    return [services.submit_objection(entry, "person", f"垃圾{i}", f"甲{i}", f"1390000{i:04d}", ip=f"192.0.2.{i}",
                                      today=entry.batch.starts_on) for i in range(n)]


def test_staff_mark_spam_in_bulk_after_confirming_and_it_no_longer_blocks_filing(client, seeded):
    app = in_publicity(-30)
    entry = entry_of(app)
    spam, genuine = _objections(entry, 3)[:2], Objection.objects.order_by("pk").last()
    staff = staff_user(app.programme.authority)
    client.force_login(staff)
    batch_url = reverse("review:publicity_batch", args=[entry.batch_id])
    page = client.get(batch_url).content.decode()
    assert 'id="objection-marks"' in page and f'name="ids" value="{spam[0].pk}"' in page
    marks_url = reverse("review:objection_marks", args=[entry.batch_id])

    # The first step lists what was chosen and changes nothing.
    confirm = client.post(marks_url, {"action": "spam", "ids": [o.pk for o in spam]})
    assert confirm.status_code == 200 and "Mark these objections as spam?" in confirm.content.decode()
    assert "垃圾0" in confirm.content.decode() and "垃圾2" not in confirm.content.decode()
    assert Objection.objects.filter(finding=Objection.Finding.SPAM).count() == 0
    response = client.post(marks_url, {"action": "spam", "step": "confirm", "ids": [o.pk for o in spam]},
                           follow=True)
    assert "2 objection(s) marked as spam" in response.content.decode()
    for objection in spam:
        objection.refresh_from_db()
        assert objection.finding == Objection.Finding.SPAM and objection.found_by == staff
    marks = ObjectionMark.objects.filter(action=ObjectionMark.Action.SPAM)
    assert marks.count() == 2 and {m.by for m in marks} == {staff}
    assert 'id="spam-count">2<' in response.content.decode()

    # One pending objection still blocks filing; with it dismissed, spam does not.
    page = client.get(reverse("review:filing")).content.decode()
    assert "1 objection(s) still wait for a finding." in page and f'name="ids" value="{app.pk}"' not in page
    client.post(reverse("review:objection_finding", args=[genuine.pk]),
                {"finding": "dismissed", "text": "经核实，异议不成立。", "confirm": "on"})
    page = client.get(reverse("review:filing")).content.decode()
    assert f'name="ids" value="{app.pk}"' in page

    # A way back from a mistake: restored, the objection blocks filing again until it has a finding.
    client.post(marks_url, {"action": "restore", "step": "confirm", "ids": [spam[0].pk]})
    spam[0].refresh_from_db()
    assert spam[0].finding == Objection.Finding.PENDING and spam[0].found_by is None
    assert ObjectionMark.objects.filter(objection=spam[0]).count() == 2  # kept: marked, then restored
    page = client.get(reverse("review:filing")).content.decode()
    assert "1 objection(s) still wait for a finding." in page and f'name="ids" value="{app.pk}"' not in page
    assert Objection.objects.count() == 3  # nothing is ever deleted

    # Filed once its spam is marked again: a filed application's objections are not restored.
    client.post(marks_url, {"action": "spam", "step": "confirm", "ids": [spam[0].pk]})
    assert client.post(reverse("review:filing"), {"ids": [app.pk], "confirm": "1"}).status_code == 302
    app.refresh_from_db()
    assert app.state == State.FILED
    response = client.post(marks_url, {"action": "restore", "step": "confirm", "ids": [spam[0].pk]}, follow=True)
    assert "has left publicity" in response.content.decode()
    spam[0].refresh_from_db()
    assert spam[0].finding == Objection.Finding.SPAM


def test_only_the_programmes_staff_mark_spam(client, seeded):
    app = in_publicity(0)
    entry = entry_of(app)
    objection = _objections(entry, 1)[0]
    marks_url = reverse("review:objection_marks", args=[entry.batch_id])
    data = {"action": "spam", "step": "confirm", "ids": [objection.pk]}

    own = entry_of(quick_application("zgc-2026", "in_publicity", publicity_start=TODAY()))
    other_staff = staff_user(own.application.programme.authority, new=True)
    client.force_login(other_staff)
    assert client.post(marks_url, data).status_code == 404
    # Nor by naming the objection from a batch of their own authority.
    response = client.post(reverse("review:objection_marks", args=[own.batch_id]), data, follow=True)
    assert "You are not allowed to do this for these objections." in response.content.decode()
    with pytest.raises(ActionRefused):
        services.mark_spam([objection.pk], other_staff)
    client.force_login(app.created_by)
    assert client.post(marks_url, data).status_code == 403
    client.logout()
    assert client.post(marks_url, data).status_code == 302  # to the login
    objection.refresh_from_db()
    assert objection.is_pending and not ObjectionMark.objects.exists()


def test_marking_is_all_or_nothing_and_only_for_pending_objections(seeded):
    app = in_publicity(0)
    entry = entry_of(app)
    first, second = _objections(entry, 2)
    staff = staff_user(app.programme.authority)
    services.record_finding(second.pk, staff, Objection.Finding.DISMISSED, "不成立。")
    with pytest.raises(ActionRefused, match="Only objections waiting for a finding"):
        services.mark_spam([first.pk, second.pk], staff)
    first.refresh_from_db()
    assert first.is_pending and not ObjectionMark.objects.exists()
    with pytest.raises(ActionRefused, match="Only objections marked as spam"):
        services.restore_objections([first.pk], staff)
    assert services.mark_spam([first.pk], staff, ip="192.0.2.50") == 1
    assert ObjectionMark.objects.get().ip == "192.0.2.50"
    # A spam objection gets no finding until it is restored.
    with pytest.raises(ActionRefused, match="already has a finding"):
        services.record_finding(first.pk, staff, Objection.Finding.UPHELD, "成立。")
