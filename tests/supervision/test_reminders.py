"""Reminder scheduling with frozen time: the beat's job, run every day (and several times a day), sends the
30-, 7- and 1-day reminders and the overdue flag exactly once each, in the inbox and by e-mail; a submitted
report is not reminded; a reminder whose day passed while the beat was down is not sent late."""

import datetime
import zoneinfo

import time_machine

from notices.models import Job, Notification
from supervision import services
from supervision.choices import ReminderKind
from supervision.models import AnnualReport, Reminder

from .conftest import REPORT

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def run_days(first, last, times=2):
    """Run the beat's job ``times`` a day from ``first`` to ``last`` (frozen time); {date: kinds sent}."""
    sent, day = {}, first
    while day <= last:
        for hour in range(times):
            with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 8 + hour, tzinfo=SHANGHAI),
                                     tick=False):
                for _pk, kind in services.send_reminders():
                    sent.setdefault(day, []).append(kind)
        day += datetime.timedelta(days=1)
    return sent


def test_reminders_30_7_1_days_before_and_overdue_exactly_once(make_consortium):
    app = make_consortium("jiangsu-2026", filed_on=datetime.date(2025, 6, 30))
    sent = run_days(datetime.date(2026, 4, 25), datetime.date(2026, 6, 5))
    assert sent == {datetime.date(2026, 5, 1): [ReminderKind.DAYS_30], datetime.date(2026, 5, 24): [ReminderKind.DAYS_7],
                    datetime.date(2026, 5, 30): [ReminderKind.DAYS_1], datetime.date(2026, 6, 1): [ReminderKind.OVERDUE]}
    report = AnnualReport.objects.get(application=app)
    assert report.overdue_on == datetime.date(2026, 6, 1)
    due = Notification.objects.filter(recipient=app.applicant, kind="report_due").order_by("created_at")
    assert ["30 day(s)" in n.body for n in due] == [True, False, False]
    assert ["1 day(s)" in n.body for n in due] == [False, False, True]
    assert Notification.objects.filter(recipient=app.applicant, kind="report_overdue").count() == 1
    assert Notification.objects.filter(recipient=app.staff, kind="report_overdue").count() == 1
    # every inbox notice has its e-mail in the outbox, once
    notes = Notification.objects.filter(recipient=app.applicant)
    assert Job.objects.filter(kind=Job.Kind.EMAIL, notification__in=notes).count() == notes.count() == 4
    assert Reminder.objects.filter(report=report).count() == 4


def test_a_submitted_report_is_not_reminded_and_a_missed_day_is_not_sent_late(make_consortium):
    diligent = make_consortium("jiangsu-2026", filed_on=datetime.date(2025, 6, 30))
    with time_machine.travel(datetime.datetime(2026, 5, 10, 9, tzinfo=SHANGHAI), tick=False):
        services.send_reminders()  # the beat's first run this year: 21 days left → the 30-day reminder
        report = AnnualReport.objects.get(application=diligent)
        services.save_report(report.pk, diligent.applicant, REPORT)
        services.submit_report(report.pk, diligent.applicant)
    assert run_days(datetime.date(2026, 5, 11), datetime.date(2026, 6, 10), times=1) == {}
    assert Reminder.objects.filter(report=report).count() == 1  # only the 30-day one, sent before submission
    assert AnnualReport.objects.get(pk=report.pk).overdue_on is None

    # the beat was down from before the 30-day mark until 5 days before the due date
    other = make_consortium("jiangsu-2026", filed_on=datetime.date(2025, 6, 30))
    with time_machine.travel(datetime.datetime(2027, 5, 26, 9, tzinfo=SHANGHAI), tick=False):
        services.send_reminders()
    report = AnnualReport.objects.get(application=other, year=2026)
    kinds = dict(Reminder.objects.filter(report=report).values_list("kind", "notified"))
    assert kinds == {ReminderKind.DAYS_30: False, ReminderKind.DAYS_7: True}
    assert Notification.objects.filter(recipient=other.applicant, kind="report_due").count() == 1


def test_no_report_is_owed_where_the_programme_asks_for_none(make_consortium):
    make_consortium("suzhou-2026", filed_on=datetime.date(2025, 6, 30))
    with time_machine.travel(datetime.datetime(2026, 5, 30, 9, tzinfo=SHANGHAI), tick=False):
        assert services.send_reminders() == [] and not AnnualReport.objects.exists()


def test_a_revoked_consortium_is_not_reminded(make_consortium):
    app = make_consortium("jiangsu-2026", filed_on=datetime.date(2025, 6, 30))
    with time_machine.travel(datetime.datetime(2026, 4, 1, 9, tzinfo=SHANGHAI), tick=False):
        services.send_reminders()
    type(app).objects.filter(pk=app.pk).update(revoked_on=datetime.date(2026, 4, 2))
    assert run_days(datetime.date(2026, 4, 30), datetime.date(2026, 6, 2), times=1) == {}
    assert not Reminder.objects.exists()
