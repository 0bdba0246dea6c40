"""What each supervision event calls for: its notices (one function per event, registered with the notices
app; they run inside the transaction of the change).  The text of each notice is its template,
``templates/notices/<kind>.txt``."""

from django.urls import reverse

from applications.events import applicants, programme_staff
from notices.events import on, portal_language
from notices.outbox import notify

from .choices import Notice
from .documents import revocation_document


def _consortium_link(application):
    return reverse("supervision:consortium", args=[application.pk])


def _staff_link(application):
    return reverse("supervision:consortium", args=[application.pk])


def report_due(report, today):
    """A reminder that the report is due (the beat; the reminder row makes it once)."""
    with portal_language():
        notify(applicants(report.application), Notice.REPORT_DUE,
               {"name": str(report.application), "year": report.year, "due": report.due_on.isoformat(),
                "days": (report.due_on - today).days}, reverse("supervision:report_edit", args=[report.pk]))


def report_overdue(report, today):
    with portal_language():
        context = {"name": str(report.application), "year": report.year, "due": report.due_on.isoformat()}
        notify(applicants(report.application), Notice.REPORT_OVERDUE, context,
               reverse("supervision:report_edit", args=[report.pk]))
        notify(programme_staff(report.application.programme), Notice.REPORT_OVERDUE, context,
               _staff_link(report.application))


@on("supervision.annualreport", "submit")
def report_submitted(event):
    report = event.instance
    notify(programme_staff(report.application.programme), Notice.REPORT_SUBMITTED,
           {"name": str(report.application), "year": report.year},
           reverse("supervision:report_review", args=[report.pk]))


@on("supervision.annualreport", "accept")
def report_accepted(event):
    report = event.instance
    notify(applicants(report.application), Notice.REPORT_ACCEPTED, {"name": str(report.application),
                                                                     "year": report.year},
           _consortium_link(report.application))


@on("supervision.annualreport", "return_report")
def report_returned(event):
    report = event.instance
    notify(applicants(report.application), Notice.REPORT_RETURNED,
           {"name": str(report.application), "year": report.year, "reason": event.reason},
           reverse("supervision:report_edit", args=[report.pk]))


@on("supervision.evaluation", "confirm")
def evaluation_confirmed(event):
    evaluation = event.instance
    notify(applicants(evaluation.application), Notice.EVALUATION_CONFIRMED,
           {"name": str(evaluation.application), "period": evaluation.period, "grade": evaluation.get_grade_display(),
            "notes": evaluation.rule_notes}, _consortium_link(evaluation.application))


@on("supervision.changerequest", "submit")
def change_submitted(event):
    change = event.instance
    notify(programme_staff(change.application.programme), Notice.CHANGE_SUBMITTED,
           {"name": str(change.application), "kind": change.get_kind_display()},
           reverse("supervision:change_review", args=[change.pk]))


@on("supervision.changerequest", "approve", "refuse")
def change_decided(event):
    change = event.instance
    kind = Notice.CHANGE_APPROVED if event.name == "approve" else Notice.CHANGE_REFUSED
    notify(applicants(change.application), kind,
           {"name": str(change.application), "kind": change.get_kind_display(), "reason": event.reason},
           _consortium_link(change.application))


def rectification_opened(rectification):
    with portal_language():
        notify(applicants(rectification.application), Notice.RECTIFICATION_OPENED,
               {"name": str(rectification.application), "requirement": rectification.requirement,
                "deadline": rectification.deadline.isoformat(), "citation": rectification.citation},
               _consortium_link(rectification.application))


@on("supervision.rectification", "respond")
def rectification_responded(event):
    rectification = event.instance
    notify(programme_staff(rectification.application.programme), Notice.RECTIFICATION_RESPONDED,
           {"name": str(rectification.application)}, _staff_link(rectification.application))


@on("supervision.rectification", "pass_check", "fail_check")
def rectification_checked(event):
    rectification = event.instance
    notify(applicants(rectification.application), Notice.RECTIFICATION_CHECKED,
           {"name": str(rectification.application), "state": rectification.get_state_display(),
            "note": event.reason}, _consortium_link(rectification.application))


def revocation_proposed(revocation):
    with portal_language():
        notify(programme_staff(revocation.application.programme), Notice.REVOCATION_PROPOSED,
               {"name": str(revocation.application), "ground": revocation.get_ground_display(),
                "reason": revocation.reason, "citation": revocation.citation},
               reverse("supervision:revocation_review", args=[revocation.pk]))


@on("supervision.revocation", "confirm")
def revoked(event):
    revocation = event.instance
    revocation_document(revocation)
    notify(applicants(revocation.application), Notice.REVOKED,
           {"name": str(revocation.application), "date": revocation.effective_on.isoformat(),
            "reason": revocation.reason, "citation": revocation.citation,
            "number": revocation.application.certificate_number},
           _consortium_link(revocation.application))
