"""Reads and scoping of the review: one scoping function per aggregate (publicity batches, objections,
the expert pool), and what waits for whom.  Views start from these, so an id outside the user's
scope is a 404, never a leak."""

from django.db.models import Count, Q

from applications.models import Application, Field
from applications.selectors import visible_applications
from applications.stages import acting_states
from portal.models import Role
from portal.statements import prepared

from .models import Expert, Objection, PoolProposal, PublicityBatch, RecommendationBatch


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


#: Who may read batch recommendations.
RECOMMENDATION_ROLES = (Role.DISTRICT, Role.STAFF, Role.ADMIN)


def recommendations_of(application, user):
    """The batch recommendations ``application`` was in, newest first, for those who may read them (the
    applicant never: the table ranks other units' applications).  When the application was read with its
    entries (``application_page``'s ``also``: all of them, not scoped, so used here only to know there are
    none) and has none, no query is sent."""
    if not user.is_authenticated or user.role not in RECOMMENDATION_ROLES:
        return []
    read = getattr(application, "_prefetched_objects_cache", {}).get("recommendation_entries")
    if read is not None and not read:
        return []
    batches = visible_recommendations(user).values("pk")
    with prepared():  # the application page's: the same text for every application of a role's users
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
    """The active experts, of one field (领域) when given: experts of that field of the taxonomy, of a
    broader one or of a narrower one (none when the taxonomy has no field of that name).  A join over
    the experts' fields: the same on PostgreSQL and on the demo's SQLite."""
    pool = Expert.objects.filter(active=True)
    if not field:
        return pool
    return pool.filter(pk__in=Expert.objects.filter(fields__in=Field.related_ids(field)).values("pk"))


def pool_by_field(fields):
    """``[(field, number of active experts of it or of a related field)]`` for the fields named (two
    queries whatever their number)."""
    rows = list(Field.objects.values_list("pk", "name", "parent_id"))
    experts_of = {}
    for expert_id, field_id in Expert.fields.through.objects.filter(expert__active=True).values_list(
            "expert_id", "field_id"):
        experts_of.setdefault(field_id, set()).add(expert_id)
    counts = []
    for name in fields:
        experts = set().union(*(experts_of.get(pk, set()) for pk in Field.related_ids(name, rows)))
        counts.append((name, len(experts)))
    return counts


def pool_shortfall(application, needed):
    """When fewer than ``needed`` active experts match the application's field: what the page says.

    ``{"found": n, "needed": needed, "field": name, "in_taxonomy": bool, "short_fields": [(name, n)]}``
    where ``short_fields`` are the programme's fields (the application's when the programme names
    none) with fewer than ``needed`` experts; None when the pool is large enough."""
    found = expert_pool(application.field).count()
    if found >= needed:
        return None
    names = application.programme.field_names() or ([application.field] if application.field else [])
    return {"found": found, "needed": needed, "field": application.field,
            "in_taxonomy": not application.field or Field.objects.filter(name=application.field).exists(),
            "short_fields": [(name, n) for name, n in pool_by_field(names) if n < needed]}


def waiting_queue(user):
    """Applications waiting for this user's action (the states in which the user's role acts)."""
    states = acting_states(user.role)
    return visible_applications(user).filter(state__in=states) if states else Application.objects.none()


def sees_pool(user):
    """Programme staff, the central registry keeper and administrators see the expert pool's page."""
    return user.is_authenticated and (user.role in (Role.STAFF, Role.REGISTRAR, Role.ADMIN) or user.is_superuser)


def search_experts(text=""):
    """The whole pool (active and not), with its fields and the number of declared relations; ``text``
    matches the name, the affiliation, its credit code or a field's name."""
    experts = Expert.objects.prefetch_related("fields").annotate(relation_count=Count("relations", distinct=True))
    text = (text or "").strip()
    if text:
        experts = experts.filter(pk__in=Expert.objects.filter(
            Q(name__icontains=text) | Q(affiliation__icontains=text)
            | Q(affiliation_credit_code__icontains=text) | Q(fields__name__icontains=text)).values("pk"))
    return experts.order_by("-active", "name", "pk")


def visible_proposals(user):
    """The pool proposals a user reads: programme staff those of their own authority, the central registry
    keeper and administrators all of them."""
    proposals = PoolProposal.objects.select_related("expert", "proposed_by", "authority", "decided_by")
    if not user.is_authenticated:
        return proposals.none()
    if user.role == Role.STAFF and user.authority_id:
        return proposals.filter(authority_id=user.authority_id)
    if user.keeps_registry:
        return proposals
    return proposals.none()
