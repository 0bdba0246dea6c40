"""The application page: what the application says, its eligibility, documents, timeline, the
experts' evaluation (staff of the authority) and what the user may do next."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from applications import lifecycle
from applications.certificates import verification_path
from applications.credit import records_by_unit
from applications.facts import facts_from_application
from applications.rules import evaluate
from applications.selectors import application_page, attachment_slots, visible_applications
from applications.services import present, snapshot
from portal.models import Role

from .. import services
from ..selectors import RECOMMENDATION_ROLES, recommendations_of
from .applicant import shows_names, timeline_context
from .links import next_actions


def _read_with_the_application(user):
    """What the page shows of the review, read in the application's own query (``application_page``): the
    timeline (with who acted, for those who see names), the experts' assignments (programme staff) and the
    filing agreements (the applicant and staff); for those who may read batch recommendations, the application's
    entries in them, so that the scoped query for them (``recommendations_of``) is sent only when there are any."""
    also = {"log": ("actor",) if shows_names(user) else ()}
    if user.role == Role.STAFF:
        also["assignments"] = ("expert",)
    if user.role in AGREEMENT_ROLES:
        also["filing_agreements"] = ()
    if user.role in RECOMMENDATION_ROLES:
        also["recommendation_entries"] = ()
    return also


#: Who sees the filing agreements on the application page.
AGREEMENT_ROLES = (Role.APPLICANT, Role.STAFF)


@login_required
def application_detail(request, pk):
    application = application_page(visible_applications(request.user), pk, also=_read_with_the_application(request.user))
    facts = facts_from_application(application)  # the credit records read once, for the rules and the staff's table
    results = evaluate(facts)
    number = application.certificate_number
    # Programme staff of the authority see the experts' evaluation; applicants never see experts' names.
    assignments = []
    is_staff = lifecycle.is_staff_of(application, request.user)
    if is_staff:
        assignments = list(application.assignments.all())  # with their experts, in the order they were made
    # Staff see the credit records of every unit of the consortium (lead and members), in force or not.
    credit_rows = (records_by_unit(application, timezone.localdate(), facts.credit_records)
                   if is_staff or request.user.role == Role.ADMIN else None)
    return render(request, "applications/detail.html", {
        **timeline_context(application, request.user),
        "actions": next_actions(application, request.user),
        "documents": list(application.documents.all()),
        "recommendations": recommendations_of(application, request.user),
        "agreements": list(application.filing_agreements.all()) if request.user.role in AGREEMENT_ROLES else [],
        "application": application,
        "results": results,
        "blocking": sum(1 for r in results if r.blocks),
        "p": present(snapshot(application, results)),
        "slots": attachment_slots(application),
        "versions": sorted(application.versions.all(), key=lambda v: -v.number),
        "is_applicant": request.user.role == Role.APPLICANT,
        "is_staff": is_staff,
        "assignments": assignments,
        "credit_rows": credit_rows,
        "aggregate": services.aggregate(application, assignments) if assignments else None,
        "verify_path": verification_path(number) if number else "",
    })
