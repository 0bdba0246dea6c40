"""What each transition of an application calls for: its notices and documents (one function per
event, registered with the notices app; they run inside the transaction of the change)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from notices.events import on
from notices.models import Job
from notices.outbox import notify, users_with_role
from portal.models import Role

from .documents import application_document
from .states import State

SUBJECT = "applications.application"


def applicants(application):
    return users_with_role(Role.APPLICANT, unit_id=application.unit_id)


def programme_staff(programme):
    return users_with_role(Role.STAFF, authority_id=programme.authority_id)


def district_reviewers(application):
    if application.district_id is None:
        return []
    return users_with_role(Role.DISTRICT, district_id=application.district_id)


def _link(application):
    return reverse("application_detail", args=[application.pk])


@on(SUBJECT, "submit", "resubmit")
def received(event):
    application, title = event.instance, str(event.instance)
    application_document(Job.Kind.NOTICE_RECEIVED, application)
    notify(applicants(application), "received", _("Submission received: %(name)s") % {"name": title},
           _("Your application “%(name)s” was received and now awaits: %(state)s.") % {
               "name": title, "state": application.get_state_display()}, _link(application))
    reviewers = (district_reviewers(application) if event.target == State.DISTRICT_REVIEW
                 else programme_staff(application.programme))
    notify(reviewers, "new_item", _("New application to review: %(name)s") % {"name": title},
           _("“%(name)s” of %(unit)s waits for your review.") % {"name": title, "unit": application.unit.name},
           _link(application))


@on(SUBJECT, "return_for_revision")
def returned(event):
    application, title = event.instance, str(event.instance)
    application_document(Job.Kind.NOTICE_RETURNED, application, payload={"reason": event.reason})
    notify(applicants(application), "returned", _("Returned for revision: %(name)s") % {"name": title},
           _("Your application “%(name)s” was returned for revision. Reason: %(reason)s") % {
               "name": title, "reason": event.reason}, _link(application))


@on(SUBJECT, "recommend")
def recommended(event):
    application, title = event.instance, str(event.instance)
    application_document(Job.Kind.RECOMMENDATION, application, payload={"opinion": event.reason})
    notify(applicants(application), "recommended", _("Recommended: %(name)s") % {"name": title},
           _("Your application “%(name)s” was recommended by the district office.") % {"name": title},
           _link(application))


@on(SUBJECT, "not_recommend", "refuse")
def refused(event):
    application, title = event.instance, str(event.instance)
    application_document(Job.Kind.NOTICE_REFUSED, application, payload={"reason": event.reason, "stage": event.name})
    subject = (_("Not recommended: %(name)s") if event.name == "not_recommend" else _("Refused: %(name)s")) % {
        "name": title}
    notify(applicants(application), event.name, subject,
           _("Your application “%(name)s” was not accepted. Reason: %(reason)s") % {
               "name": title, "reason": event.reason}, _link(application))


@on(SUBJECT, "publicize")
def publicized(event):
    application, title = event.instance, str(event.instance)
    notify(applicants(application), "publicity", _("In publicity: %(name)s") % {"name": title},
           _("Your application “%(name)s” is now in publicity.") % {"name": title}, _link(application))


@on(SUBJECT, "file")
def filed(event):
    application, title = event.instance, str(event.instance)
    application_document(Job.Kind.CERTIFICATE, application)
    notify(applicants(application), "filed", _("Filed: %(name)s") % {"name": title},
           _("“%(name)s” is filed with certificate number %(number)s. The certificate can be downloaded from "
             "the application page.") % {"name": title, "number": application.certificate_number},
           _link(application))
