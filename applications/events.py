"""What each transition of an application calls for: its notices and documents (one function per
event, registered with the notices app; they run inside the transaction of the change).  The text of
each notice is its template, ``templates/notices/<kind>.txt``."""

from django.urls import reverse

from notices.events import on
from notices.models import Job
from notices.outbox import notify, users_with_role
from portal.models import Role

from .choices import Notice
from .documents import application_document, certificate_document, refusal_title
from .models import Certificate
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
    return reverse("review:application_detail", args=[application.pk])


@on(SUBJECT, "submit", "resubmit")
def received(event):
    application = event.instance
    # 受理回执: issued by the office that receives it, numbered 申报编号-n (the n-th submission).
    receipt = application.log.filter(transition__in=("submit", "resubmit")).count()
    application_document(Job.Kind.NOTICE_RECEIVED, application, numbered=False,
                         by_district=event.target == State.DISTRICT_REVIEW,
                         payload={"receipt": f"{application.reference}-{receipt:02d}"})
    notify(applicants(application), Notice.RECEIVED, {"name": str(application), "state": application.get_state_display()},
           _link(application))
    reviewers = (district_reviewers(application) if event.target == State.DISTRICT_REVIEW
                 else programme_staff(application.programme))
    notify(reviewers, Notice.NEW_ITEM, {"name": str(application), "unit": application.unit.name}, _link(application))


@on(SUBJECT, "return_for_revision")
def returned(event):
    application = event.instance
    application_document(Job.Kind.NOTICE_RETURNED, application, payload={"reason": event.reason},
                         by_district=event.source == State.DISTRICT_REVIEW)
    notify(applicants(application), Notice.RETURNED, {"name": str(application), "reason": event.reason},
           _link(application))


@on(SUBJECT, "recommend")
def recommended(event):
    application = event.instance
    application_document(Job.Kind.RECOMMENDATION, application, payload={"opinion": event.reason}, by_district=True)
    notify(applicants(application), Notice.RECOMMENDED, {"name": str(application)}, _link(application))


@on(SUBJECT, "pass_formal_review")
def formal_passed(event):
    application = event.instance
    notify(applicants(application), Notice.FORMAL_PASSED,
           {"name": str(application), "state": application.get_state_display()}, _link(application))


@on(SUBJECT, "start_expert_review")
def expert_review_started(event):
    application = event.instance
    notify(applicants(application), Notice.EXPERT_REVIEW, {"name": str(application)}, _link(application))


@on(SUBJECT, "approve")
def approved(event):
    application = event.instance
    notify(applicants(application), Notice.APPROVED,
           {"name": str(application), "state": application.get_state_display()}, _link(application))


@on(SUBJECT, "not_recommend", "refuse")
def refused(event):
    application = event.instance
    application_document(Job.Kind.NOTICE_REFUSED, application, by_district=event.name == "not_recommend",
                         payload={"reason": event.reason, "stage": event.name,
                                  "title": refusal_title(application.programme, event.name, event.source)})
    notify(applicants(application), Notice(event.name), {"name": str(application), "reason": event.reason},
           _link(application))


@on(SUBJECT, "publicize")
def publicized(event):
    application = event.instance
    notify(applicants(application), Notice.PUBLICITY, {"name": str(application)}, _link(application))


def publicity_closed(application, ends_on, objections=0, pending=0):
    """The publicity period ``application`` was in has ended (not a transition: the beat task
    ``review.tasks.notify_closed_publicity`` calls this once per batch, in one transaction with the mark that
    it did): the applicants hear the result — no objection, objections raised and not upheld, or objections
    still under review."""
    notify(applicants(application), Notice.PUBLICITY_CLOSED,
           {"name": str(application), "end": ends_on.isoformat(), "objections": objections, "pending": pending},
           _link(application))


@on(SUBJECT, "file")
def filed(event):
    application = event.instance
    certificate_document(Certificate.freeze(application, application.filed_on))
    notify(applicants(application), Notice.FILED, {"name": str(application), "number": application.certificate_number},
           _link(application))


def reissued(certificate):
    """A filed consortium's name changed: the new edition of its certificate is issued (not a transition:
    the filing service calls this in the same transaction)."""
    application = certificate.application
    certificate_document(certificate)
    notify(applicants(application), Notice.REISSUED,
           {"name": certificate.name, "number": certificate.number, "edition": certificate.edition},
           _link(application))
