"""A real Celery beat and worker on the real local Redis send a report's due reminder exactly once, also after
the worker is killed and started again.

The beat runs the supervision job every second; the worker consumes from a queue of this test's own, on a
Redis database of its own (``SUPERVISION_TEST_REDIS_URL``, default db 11), against the test database.  The
worker is killed with SIGKILL while the beat keeps queueing, and a new one takes over the unacknowledged
messages (a 3-second visibility timeout), so the same job is delivered again: the reminder, its inbox notice
and its e-mail must still exist once.  This test never skips: without Redis it fails.
"""

import datetime
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone

from notices.models import Job, Notification
from portal.models import User
from supervision.choices import ReminderKind
from supervision.models import AnnualReport, Reminder

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("SUPERVISION_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
CELERY = str(ROOT / ".venv" / "bin" / "celery")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded")]


def _database_url():
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait(predicate, seconds=60, what="the worker"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} did not get there within {seconds} s")


@pytest.fixture
def celery_env(tmp_path):
    queue = f"supervision-it-{uuid.uuid4().hex[:8]}"
    broker = redis.Redis.from_url(REDIS)
    broker.ping()  # no Redis: the test fails here, it never skips
    env = {**os.environ, "DATABASE_URL": _database_url(), "PORTAL_ENV": "development", "CELERY_BROKER_URL": REDIS,
           "CELERY_RESULT_BACKEND": "", "CELERY_QUEUE": queue, "CELERY_VISIBILITY_TIMEOUT": "3",
           "SUPERVISION_REMINDER_SECONDS": "1", "OUTBOX_SWEEP_SECONDS": "3600", "OUTBOX_DISPATCH": "true",
           "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
           "EMAIL_FILE_PATH": str(tmp_path / "mail"), "VAR_DIR": str(tmp_path / "var"),
           "MEDIA_ROOT": str(tmp_path / "private"), "DJANGO_SETTINGS_MODULE": "portal.settings"}
    processes = []

    def start(*args):
        log = open(tmp_path / f"{args[0]}-{len(processes)}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen([CELERY, "-A", "portal", *args], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        processes.append(process)
        return process

    yield start, queue, tmp_path
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    for pattern in (f"*{queue}*", "_kombu.binding*"):  # this test's database: nothing of anyone else's
        for key in broker.scan_iter(pattern):
            broker.delete(key)
    broker.delete("unacked", "unacked_index", "unacked_mutex")


def worker(start, queue, name):
    return start("worker", "-Q", queue, "--pool=solo", "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "-l", "info")


def _report(make_consortium, days):
    today = timezone.localdate()
    app = make_consortium("jiangsu-2026", filed_on=today.replace(year=today.year - 1, month=1, day=1))
    report = AnnualReport.objects.create(application=app, year=today.year - 1,
                                         due_on=today + datetime.timedelta(days=days))
    return app, report


def _once(app, report):
    reminders = list(Reminder.objects.filter(report=report, notified=True).values_list("kind", flat=True))
    notes = Notification.objects.filter(recipient__unit=app.unit, kind="report_due")  # each user of the unit
    emails = Job.objects.filter(kind=Job.Kind.EMAIL, notification__in=notes)
    return reminders, notes.count(), emails.filter(status=Job.Status.DONE).count(), emails.count()


def test_beat_and_worker_send_a_due_reminder_exactly_once_across_a_restart(make_consortium, celery_env):
    start, queue, tmp_path = celery_env
    app, report = _report(make_consortium, 7)
    first = worker(start, queue, "supervision-it-1")
    start("beat", "-s", str(tmp_path / "beat-schedule"), "--pidfile", str(tmp_path / "beat.pid"), "-l", "info")

    users = User.objects.filter(unit=app.unit).count()  # the applicant and the application's creator
    assert users == 2
    _wait(lambda: _once(app, report)[2] == users, what="the 7-day reminder and its e-mails")
    time.sleep(4)  # several more beats
    assert _once(app, report) == ([ReminderKind.DAYS_7], users, users, users)

    os.killpg(first.pid, signal.SIGKILL)  # killed: its unacknowledged message goes back to the queue
    first.wait(timeout=10)
    time.sleep(3)
    later, later_report = _report(make_consortium, 1)
    worker(start, queue, "supervision-it-2")
    _wait(lambda: _once(later, later_report)[2] == users, what="the restarted worker")
    time.sleep(4)
    assert _once(app, report) == ([ReminderKind.DAYS_7], users, users, users)
    assert _once(later, later_report) == ([ReminderKind.DAYS_1], users, users, users)
    mails = [m.read_text() for m in sorted((tmp_path / "mail").iterdir())]
    sent = [line for text in mails for line in text.splitlines() if line.startswith("To: ")]
    expected = User.objects.filter(unit__in=[app.unit, later.unit]).values_list("email", flat=True)
    assert sorted(sent) == sorted(f"To: {email}" for email in expected), mails
