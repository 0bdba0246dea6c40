"""The notice that a publicity period has closed: sent by the beat task once its last working day has passed,
to each applicant still in it, with the result (no objection / objections not upheld / under review), in the
inbox and by e-mail, exactly once however often the task runs."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications.choices import Notice
from applications.states import State
from notices.models import Job, Notification
from review import services
from review.models import PublicityBatch
from review.tasks import notify_closed_publicity
from tests.review_factories import quick_application, staff_user

pytestmark = pytest.mark.django_db


def at(day, hour, minute):
    """An instant of ``day`` in Asia/Shanghai (an aware time: the clock is moved to that very instant)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def closed_notices():
    return Notification.objects.filter(kind=Notice.PUBLICITY_CLOSED)


@pytest.fixture
def batch(seeded):
    """Four approved Weihai applications in one publicity batch opened today through the service; objections:
    none, one dismissed, one pending, one upheld (that application is returned)."""
    apps = [quick_application("weihai-2026", "approved", name=f"威海公示结束测试创新联合体{i}") for i in range(4)]
    staff = staff_user(apps[0].programme.authority)
    for app in apps:  # each unit's applicant user, with an e-mail address
        type(app.created_by).objects.filter(pk=app.created_by_id).update(email=f"unit{app.pk}@example.cn")
    batch, _period = services.open_publicity(apps[0].programme, [a.pk for a in apps], staff, timezone.localdate())
    entries = {e.application_id: e for e in batch.entries.select_related("application")}
    objection = {}
    for app in apps[1:]:
        objection[app.pk] = services.submit_objection(entries[app.pk], "person", "数据不实。", "王异议", "13912345678",
                                                      today=batch.starts_on)
    services.record_finding(objection[apps[1].pk].pk, staff, "dismissed", "经核实，异议不成立。")
    services.record_finding(objection[apps[3].pk].pk, staff, "upheld", "经核实，异议成立。", action="return")
    apps[3].refresh_from_db()
    assert apps[3].state == State.RETURNED
    return batch, apps


def test_nothing_is_sent_while_the_period_runs(batch):
    batch, _apps = batch
    with time_machine.travel(at(batch.ends_on, 23, 50), tick=False):
        assert notify_closed_publicity.apply().get() == 0
    assert not closed_notices().exists()
    batch.refresh_from_db()
    assert batch.closed_notified_at is None


def test_each_applicant_hears_the_result_once_when_the_period_has_closed(batch):
    batch, (clean, dismissed, pending, upheld) = batch
    day_after = at(batch.ends_on + datetime.timedelta(days=1), 0, 10)
    with time_machine.travel(day_after, tick=False):
        assert notify_closed_publicity.apply().get() == 1  # the beat task, as Celery runs it
        assert notify_closed_publicity.apply().get() == 0  # again: nothing more
        assert services.notify_closed_publicities() == 0
    notices = {n.recipient.unit_id: n for n in closed_notices().select_related("recipient")}
    assert set(notices) == {clean.unit_id, dismissed.unit_id, pending.unit_id}, \
        "the upheld objection's applicant was told of the return already"
    assert all(n.url == reverse("review:application_detail", args=[a.pk])
               for a, n in ((clean, notices[clean.unit_id]), (pending, notices[pending.unit_id])))
    end = batch.ends_on.isoformat()
    assert notices[clean.unit_id].subject == f"Publicity closed: {clean.name}"
    assert f"ended on {end} with no objection" in notices[clean.unit_id].body
    assert "examined and not upheld" in notices[dismissed.unit_id].body
    assert "1 objection is still under review" in notices[pending.unit_id].body
    # The e-mail copy of each notice goes through the outbox, one job per notice.
    emails = Job.objects.filter(kind=Job.Kind.EMAIL, notification__kind=Notice.PUBLICITY_CLOSED)
    assert emails.count() == 3 and {j.notification_id for j in emails} == {n.pk for n in notices.values()}
    batch.refresh_from_db()
    assert batch.closed_notified_at is not None
    # A later day's run sends nothing more either.
    with time_machine.travel(day_after + datetime.timedelta(days=3), tick=False):
        assert services.notify_closed_publicities() == 0
    assert closed_notices().count() == 3


@pytest.mark.chinese
def test_the_notice_is_written_in_the_portals_language(batch):
    batch, (clean, *_rest) = batch
    services.notify_closed_publicities(today=batch.ends_on + datetime.timedelta(days=1))
    note = closed_notices().get(recipient__unit=clean.unit)
    assert clean.name in note.subject and batch.ends_on.isoformat() in note.body


def test_an_application_put_in_a_later_batch_hears_of_that_one_only(batch):
    batch, (clean, *_rest) = batch
    later = PublicityBatch.objects.create(programme=batch.programme, title="再次公示", starts_on=batch.ends_on,
                                          ends_on=batch.ends_on + datetime.timedelta(days=7), working_days=5,
                                          by=batch.by)
    later.entries.create(application=clean)
    services.notify_closed_publicities(today=batch.ends_on + datetime.timedelta(days=1))
    assert not closed_notices().filter(recipient__unit=clean.unit).exists()
    assert services.notify_closed_publicities(today=later.ends_on + datetime.timedelta(days=1)) == 1
    assert closed_notices().filter(recipient__unit=clean.unit).count() == 1


def test_the_beat_schedule_runs_the_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["notify-closed-publicity"]
    assert entry["task"] == notify_closed_publicity.name and entry["schedule"] > 0
