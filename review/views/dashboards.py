"""The roles' dashboards: what waits for the user (oldest first, with days waited and the link to act)
and the counts by state in the user's scope.

``workspace`` is the page every role lands on (``/workspace/``, routed in portal/urls.py): the
applicant's applications and open calls, or the reviewer's queue.
"""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, OuterRef, Subquery
from django.shortcuts import render
from django.utils import timezone

from applications.selectors import visible_applications
from applications.states import State
from applications.views import open_programmes
from portal.models import Role
from review.filters import days_waited
from review.models import Assignment, Objection, PublicityEntry
from review.selectors import visible_objections, waiting_queue
from review.views.links import action_link

QUEUE_LIMIT = 20


def dashboard_context(user):
    """What a role's workspace shows: counts by state in its scope, the items waiting for it (oldest
    first, at most 20, with days waited and the link to act), and pending objections (staff).

    Keys: ``state_counts`` [(state, label, n)], ``queue`` [{application, waited, since, url, action}],
    ``queue_total``, ``queue_more``, ``pending_objections`` (None for roles that have none),
    ``expert_invitations`` (experts: invitations and accepted assignments still to score).
    """
    if user.role == Role.APPLICANT:
        return applicant_context(user)
    scope = visible_applications(user).exclude(state=State.DRAFT)
    rows = scope.order_by().values("state").annotate(n=Count("*"))  # COUNT(*): read from the state index alone
    state_counts = _state_counts((r["state"], r["n"]) for r in rows)
    waiting = waiting_queue(user)
    batch = PublicityEntry.objects.filter(application=OuterRef("pk")).order_by("-batch__starts_on", "-batch_id")
    waiting = waiting.select_related("programme__authority", "unit", "district").annotate(
        publicity_batch_id=Subquery(batch.values("batch_id")[:1]))
    waiting = waiting.order_by(F("waiting_since").asc(nulls_last=True), "pk")
    today = timezone.localdate()
    queue = [_queue_item(application, today) for application in waiting[:QUEUE_LIMIT]]
    queue_total = len(queue) if len(queue) < QUEUE_LIMIT else waiting.count()

    pending = None
    if user.role in (Role.STAFF, Role.ADMIN):
        pending = visible_objections(user).filter(finding=Objection.Finding.PENDING).count()

    invitations = None
    if user.role == Role.EXPERT:
        invitations = Assignment.objects.filter(expert__user=user, status__in=[Assignment.Status.INVITED, Assignment.Status.ACCEPTED]).count()
    return {"state_counts": state_counts, "queue": queue, "queue_total": queue_total,
            "queue_more": queue_total > len(queue), "pending_objections": pending, "expert_invitations": invitations}


def _queue_item(application, today):
    """One row of the queue: the application, since when and how many days it has waited, the link to act."""
    url, action = action_link(application)
    since = application.waiting_since or application.submitted_at
    return {"application": application, "since": since, "waited": days_waited(since, today), "url": url,
            "action": action}


def _state_counts(counts):
    """[(state, label, n)] in the workflow's order, from (state, n) pairs."""
    order = {value: index for index, value in enumerate(State.values)}
    labels = dict(State.choices)
    return sorted(((state, labels.get(state, state), n) for state, n in counts), key=lambda row: order.get(row[0], 99))


def applicant_context(user):
    """``dashboard_context`` of an applicant, with ``applications``: every application of the unit (newest change
    first; the workspace lists them all), and among them those returned for revision, which wait for the
    applicant (oldest first): one query for the list, the queue and the counts."""
    applications = list(visible_applications(user).select_related("programme", "unit").order_by("-updated_at", "-pk"))
    returned = sorted((a for a in applications if a.state == State.RETURNED),
                      key=lambda a: (a.waiting_since is None, a.waiting_since or 0, a.pk))
    today = timezone.localdate()
    queue = [_queue_item(application, today) for application in returned[:QUEUE_LIMIT]]
    return {"state_counts": _state_counts(Counter(a.state for a in applications).items()), "queue": queue,
            "queue_total": len(returned), "queue_more": len(returned) > len(queue), "pending_objections": None,
            "expert_invitations": None, "applications": applications}


@login_required
def workspace(request):
    """Each role's dashboard: what waits for this user (with days waited) and counts by state."""
    user = request.user
    context = dashboard_context(user)
    if user.role == Role.APPLICANT:
        context["programmes"] = open_programmes()
        template = "portal/workspace_applicant.html"
    else:
        template = "review/dashboard/reviewer.html"
    return render(request, template, context)
