"""Reads and scoping of the review: one scoping function per aggregate (publicity batches, objections,
the expert pool), and what waits for whom.  Views start from these, so an id outside the user's
scope is a 404, never a leak."""

from applications.models import Application
from applications.selectors import visible_applications
from applications.stages import acting_states
from portal.models import Role

from .models import Expert, Objection, PublicityBatch, RecommendationBatch


def visible_recommendations(user):
    """The batch recommendations (推荐汇总表) a user may read: the district office its own, the programme staff
    those addressed to their authority, administrators all."""
    batches = RecommendationBatch.objects.select_related("district", "programme__authority", "by")
    if not user.is_authenticated:
        return batches.none()
    if user.role == Role.DISTRICT and user.district_id:
        return batches.filter(district_id=user.district_id)
    if user.role == Role.STAFF and user.authority_id:
        return batches.filter(programme__authority_id=user.authority_id)
    if user.role == Role.ADMIN:
        return batches
    return batches.none()


def recommendations_of(application, user):
    """The batch recommendations ``application`` was in, newest first, for those who may read them (the
    applicant never: the table ranks other units' applications)."""
    if not user.is_authenticated or user.role not in (Role.DISTRICT, Role.STAFF, Role.ADMIN):
        return []
    batches = visible_recommendations(user).values("pk")
    return list(application.recommendation_entries.filter(batch__in=batches).select_related("batch__district")
                .order_by("-batch__at", "-batch_id"))


def visible_batches(user):
    """The publicity batches a user manages: programme staff their authority's, administrators all."""
    if user.is_authenticated and user.role == Role.STAFF:
        return PublicityBatch.objects.filter(programme__authority_id=user.authority_id)
    if user.is_authenticated and user.role == Role.ADMIN:
        return PublicityBatch.objects.all()
    return PublicityBatch.objects.none()


def visible_objections(user):
    """The objections a user finds on: programme staff their authority's, administrators all."""
    if user.is_authenticated and user.role == Role.STAFF:
        return Objection.objects.filter(entry__batch__programme__authority_id=user.authority_id)
    if user.is_authenticated and user.role == Role.ADMIN:
        return Objection.objects.all()
    return Objection.objects.none()


def expert_pool(field=""):
    """The active experts, of one field when given.

    The field is matched in Python over the pool's ``fields`` lists (a JSON containment lookup
    exists on PostgreSQL but not on the embedded SQLite of the demo).
    """
    pool = Expert.objects.filter(active=True)
    if not field:
        return pool
    return pool.filter(pk__in=[pk for pk, fields in pool.values_list("pk", "fields") if field in (fields or [])])


def waiting_queue(user):
    """Applications waiting for this user's action (the states in which the user's role acts)."""
    states = acting_states(user.role)
    return visible_applications(user).filter(state__in=states) if states else Application.objects.none()
