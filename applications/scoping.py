"""Access control in the queryset: one scoping function per role.

Every view and download starts from :func:`visible_applications`, so an id outside the
user's scope is a 404, never a leak.
"""

from portal.models import Role

from .choices import AssignmentStatus
from .models import Application
from .states import State


def visible_applications(user):
    qs = Application.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.APPLICANT:
        return qs.filter(unit_id=user.unit_id)
    if user.role == Role.DISTRICT:
        return qs.filter(district_id=user.district_id).exclude(state=State.DRAFT)
    if user.role == Role.STAFF:
        return qs.filter(programme__authority_id=user.authority_id).exclude(state=State.DRAFT)
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.EXPERT:
        # Only applications the expert has accepted (after declaring no conflict of interest).
        return qs.filter(assignments__expert__user=user,
                         assignments__status__in=[AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED]).distinct()
    return qs.none()
