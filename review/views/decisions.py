"""审定: the decision on one application, or on a batch of one programme with one meeting record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications import stages
from applications.models import Programme
from applications.selectors import visible_applications
from applications.stages import StageKey
from applications.states import State
from portal.lifecycle import ActionRefused
from review import services
from review.forms import DecisionForm
from review.models import Assignment, Decision

from .common import authority_programme, client_ip, posted_ids, require_staff


def _outcome_message(outcome, count):
    if outcome == Decision.Outcome.APPROVE:
        return _("%(n)d application(s) approved.") % {"n": count}
    return _("%(n)d application(s) refused.") % {"n": count}


@login_required
@require_http_methods(["GET", "POST"])
def decision(request, pk):
    """审定: approve or refuse one application awaiting decision."""
    require_staff(request)
    application = get_object_or_404(
        visible_applications(request.user).select_related("programme__authority", "unit", "district")
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.filter(status=Assignment.Status.SUBMITTED))),
        pk=pk)
    meeting = stages.stage_params(application, StageKey.DECISION).get("meeting")
    form = DecisionForm(request.POST or None, meeting=meeting)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.decide([application.pk], request.user, form.cleaned_data["outcome"],
                                reason=form.cleaned_data["reason"].strip(),
                                meeting=form.new_meeting(application.programme, request.user),
                                ip=client_ip(request))
            except ActionRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _outcome_message(form.cleaned_data["outcome"], 1))
                return redirect(application)
        else:
            messages.error(request, _("Nothing was decided: please correct the fields marked in red."))
    assignments = list(application.assignments.all())
    return render(request, "review/staff/decision.html", {
        "application": application,
        "form": form,
        "meeting": meeting,
        "awaiting": application.state == State.DECISION,
        "aggregate": services.aggregate(application, assignments),
        "scored": len(assignments),
        "decisions": application.decisions.select_related("meeting", "by").order_by("at"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def decision_batch(request):
    """审定 in a batch: one outcome and one meeting record for the chosen applications of one programme."""
    require_staff(request)
    visible = visible_applications(request.user)
    programmes = list(Programme.objects.filter(authority_id=request.user.authority_id).annotate(
        waiting=Count("applications", filter=Q(applications__state=State.DECISION))).order_by("-opens_on", "pk"))
    with_waiting = [p for p in programmes if p.waiting] or programmes
    programme = authority_programme(request, with_waiting)
    meeting = (programme.stage(StageKey.DECISION) or {}).get("meeting") if programme else None
    form = DecisionForm(request.POST or None, meeting=meeting)
    selected = set()
    if request.method == "POST" and programme is not None:
        selected = set(posted_ids(request))
        valid = form.is_valid()
        if not selected:
            messages.error(request, _("Choose at least one application."))
        elif visible.filter(pk__in=selected, programme=programme).count() != len(selected):
            messages.error(request, _("Some of the chosen applications are not of this programme; nothing was "
                                      "decided."))
        elif not valid:
            messages.error(request, _("Nothing was decided: please correct the fields marked in red."))
        else:
            try:
                done = services.decide(sorted(selected), request.user, form.cleaned_data["outcome"],
                                       reason=form.cleaned_data["reason"].strip(),
                                       meeting=form.new_meeting(programme, request.user),
                                       ip=client_ip(request))
            except ActionRefused as error:
                messages.error(request, _("Nothing was decided: %(reason)s") % {"reason": error})
            else:
                messages.success(request, _outcome_message(form.cleaned_data["outcome"], len(done)))
                return redirect(f"{reverse('review:decision_batch')}?{urlencode({'programme': programme.pk})}")
    waiting = visible.none()
    if programme is not None:
        waiting = (visible.filter(state=State.DECISION, programme=programme)
                   .select_related("programme", "unit", "district")
                   .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.filter(status=Assignment.Status.SUBMITTED)))
                   .order_by("waiting_since", "pk"))
    page = Paginator(waiting, 25).get_page(request.GET.get("page"))
    rows = [(app, services.aggregate(app, list(app.assignments.all()))) for app in page]
    return render(request, "review/staff/decision_batch.html", {
        "programmes": programmes, "programme": programme, "meeting": meeting, "form": form,
        "page": page, "rows": rows, "selected": selected,
    })
