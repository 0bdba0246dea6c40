"""年度报告: the reports each filed consortium owes, the consortium's draft and submission, staff's acceptance
or return, and the reminders the beat sends (30, 7 and 1 days before the due date, then overdue), each once."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Programme
from applications.states import State
from portal.lifecycle import ActionRefused

from .. import events
from ..choices import OPEN_REPORT_STATES, REMINDER_DAYS, ReminderKind
from ..models import FIGURES, SECTIONS, AnnualReport, Reminder, profile_of
from ..permissions import is_consortium_of
from ._common import fire


def owing(programme, year):
    """The filed, not revoked consortia of ``programme`` filed on or before ``year``: each owes a report on it."""
    return Application.objects.filter(programme=programme, state=State.FILED, revoked_on__isnull=True,
                                      filed_on__year__lte=year)


def ensure_reports(today=None):
    """Create the draft report each consortium owes on last year (due this year), where none exists yet.
    Idempotent (one report per consortium and year).  Returns how many were created."""
    today = today or timezone.localdate()
    year, made = today.year - 1, 0
    for programme in Programme.objects.all():
        profile = profile_of(programme)
        if not profile.reports_required:
            continue
        due = profile.due_date(year)
        missing = owing(programme, year).exclude(annual_reports__year=year).values_list("pk", flat=True)
        rows = [AnnualReport(application_id=pk, year=year, due_on=due) for pk in missing]
        made += len(AnnualReport.objects.bulk_create(rows, ignore_conflicts=True))
    return made


def report_for(application, year, user):
    """The consortium's report on ``year`` (created as a draft when its programme asks for reports)."""
    profile = profile_of(application.programme)
    if not profile.reports_required:
        raise ActionRefused(_("This programme asks for no annual report."))
    if application.filed_on is None or application.filed_on.year > year or year >= timezone.localdate().year:
        raise ActionRefused(_("No report is owed on %(year)s.") % {"year": year})
    report, _created = AnnualReport.objects.get_or_create(application=application, year=year,
                                                          defaults={"due_on": profile.due_date(year)})
    return report


@transaction.atomic
def save_report(report_id, user, data):
    """The consortium saves its draft (any time before it is submitted, and after a return)."""
    report = AnnualReport.objects.select_for_update().select_related("application").filter(pk=report_id).first()
    if report is None:
        raise ActionRefused(_("The annual report no longer exists."))
    if not is_consortium_of(report, user):
        raise ActionRefused(_("You are not allowed to do this for this annual report."))
    if report.state not in OPEN_REPORT_STATES:
        raise ActionRefused(_("This cannot be done while the annual report is “%(state)s”.") % {
            "state": report.get_state_display()})
    for name in SECTIONS:
        setattr(report, name, (data.get(name) or "").strip())
    for name in FIGURES:
        setattr(report, name, data.get(name))
    report.save()
    return report


def submit_report(report_id, user, ip=None):
    return fire(AnnualReport, report_id, "submit", user, ip=ip)


def accept_report(report_id, user, ip=None):
    return fire(AnnualReport, report_id, "accept", user, ip=ip)


def return_report(report_id, user, reason, ip=None):
    return fire(AnnualReport, report_id, "return_report", user, reason=reason, ip=ip)


# --- reminders ------------------------------------------------------------------------------------

def due_reminder(report, today, thresholds):
    """(kind, earlier kinds now passed) of the reminder due today for an open report, or (None, [])."""
    left = (report.due_on - today).days
    if left < 0:
        return ReminderKind.OVERDUE, []
    reached = [days for days in thresholds if left <= days]  # e.g. left=5 → [30, 7]
    if not reached:
        return None, []
    kinds = [REMINDER_DAYS.get(days) for days in reached]
    return kinds[-1], kinds[:-1]


def send_reminders(today=None):
    """What the beat runs: make the reports owed, then send each reminder that is due, exactly once (a
    ``Reminder`` row per report and kind, written with the notice in one transaction).  Returns the kinds sent."""
    today = today or timezone.localdate()
    ensure_reports(today)
    horizon = today + datetime.timedelta(days=max(REMINDER_DAYS))
    candidates = (AnnualReport.objects.filter(state__in=OPEN_REPORT_STATES, due_on__lte=horizon,
                                              application__revoked_on__isnull=True)
                  .exclude(reminders__kind=ReminderKind.OVERDUE).select_related("application__programme")
                  .order_by("due_on", "pk"))
    sent = []
    for report in candidates:
        thresholds = [d for d in profile_of(report.application.programme).reminders() if d in REMINDER_DAYS]
        kind, passed = due_reminder(report, today, thresholds)
        if kind is None:
            continue
        try:
            with transaction.atomic():
                locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
                if locked.state not in OPEN_REPORT_STATES or locked.reminders.filter(kind=kind).exists():
                    continue
                Reminder.objects.create(report=locked, kind=kind, sent_on=today)
                for earlier in passed:  # a reminder whose day passed unseen (the beat was down): never sent late
                    Reminder.objects.get_or_create(report=locked, kind=earlier,
                                                   defaults={"sent_on": today, "notified": False})
                if kind == ReminderKind.OVERDUE:
                    AnnualReport.objects.filter(pk=locked.pk).update(overdue_on=today)
                    events.report_overdue(report, today)
                else:
                    events.report_due(report, today)
                sent.append((report.pk, kind))
        except IntegrityError:  # another worker wrote it first
            continue
    return sent
