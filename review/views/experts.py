"""Expert evaluation (专家评审).

Programme staff organise it: the pool, the recorded random draw with its exclusions, the
progress of the scores, the aggregate, site visits and defences, and the conclusion.
Experts answer their invitations (declaring no conflict of interest before they see any
material) and fill in the programme's scoring sheet.

Every action goes through ``review.services``; a refusal is shown as a message, never a 500.
Applicants never reach these pages, so they never see an expert's name.
"""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import lifecycle, stages
from applications.selectors import attachment_slots, visible_applications
from applications.services import present, snapshot
from applications.stages import StageKey
from applications.states import State
from portal.downloads import private_file
from portal.lifecycle import ActionRefused
from portal.models import Role
from review.selectors import expert_pool, pool_shortfall

from .. import services
from ..filters import days_waited
from ..forms import AcceptForm, ConcludeForm, DeclineForm, DrawForm, ScoreSheetForm, VisitForm
from ..models import Assignment, Expert, SiteVisit
from .common import client_ip

CENT = Decimal("0.01")
EXPERT_STATES = (State.EXPERT_PENDING, State.EXPERT_REVIEW)
AGGREGATE_LABELS = {
    "mean": gettext_lazy("mean of the submitted totals"),
    "trimmed_mean": gettext_lazy("trimmed mean: the highest and the lowest total are dropped when at least 5 "
                                 "experts have submitted"),
}


# --- staff: expert organisation ---------------------------------------------------------------

def _staff_application(request, pk):
    """The application if the user is programme staff of its authority; 404 for everyone else."""
    application = get_object_or_404(
        visible_applications(request.user).select_related("programme__authority", "unit", "district"), pk=pk)
    if not lifecycle.is_staff_of(application, request.user):
        raise Http404
    return application


def _pool_size(field):
    return expert_pool(field).count()


def _experts_wanted(application):
    """The number of experts the programme's expert stage asks for (5 when it does not say)."""
    return stages.stage_params(application, StageKey.EXPERT_REVIEW).get("experts", 5)


def _organise_context(application, draw_form, visit_form, conclude_form):
    criteria = services.criteria_for(application.programme)
    assignments = list(application.assignments.select_related("expert").prefetch_related("scores")
                       .order_by("id"))
    draws = list(application.draws.select_related("by").order_by("at", "id"))
    drawn_ids = {pk for draw in draws for pk in draw.drawn}
    names = dict(Expert.objects.filter(pk__in=drawn_ids).values_list("pk", "name"))
    draw_rows = [{
        "draw": draw,
        "number": number,
        "drawn": [names.get(pk, f"#{pk}") for pk in draw.drawn],
        "candidates": len(draw.candidates),
        "identical": services.replay_draw(draw) == list(draw.drawn),
    } for number, draw in enumerate(draws, start=1)]

    submitted = [a for a in assignments if a.status == Assignment.Status.SUBMITTED]
    by_criterion = {c.pk: [] for c in criteria}
    sheet = []
    for assignment in assignments:
        scores = {s.criterion_id: s for s in assignment.scores.all()}
        if assignment.status == Assignment.Status.SUBMITTED:
            for pk, score in scores.items():
                by_criterion.setdefault(pk, []).append(score.score)
            sheet.append({"assignment": assignment, "scores": [scores.get(c.pk) for c in criteria]})
    averages = [{"criterion": c, "count": len(by_criterion[c.pk]),
                 "average": (sum(by_criterion[c.pk]) / len(by_criterion[c.pk])).quantize(CENT)
                 if by_criterion[c.pk] else None}
                for c in criteria]

    method = stages.stage_params(application, StageKey.EXPERT_REVIEW).get("aggregate", "mean")
    counts = {status: 0 for status in Assignment.Status.values}
    for assignment in assignments:
        counts[assignment.status] += 1
    return {
        "application": application,
        "programme": application.programme,
        "in_expert_stage": application.state in EXPERT_STATES,
        "can_conclude": application.state == State.EXPERT_REVIEW,
        "visit_missing": (application.state == State.EXPERT_REVIEW
                          and not stages.visits_recorded(application)),
        "pool_size": _pool_size(application.field),
        "shortfall": pool_shortfall(application, _experts_wanted(application)),
        "draw_form": draw_form,
        "visit_form": visit_form,
        "conclude_form": conclude_form,
        "draw_rows": draw_rows,
        "assignments": assignments,
        "counts": counts,
        "criteria": criteria,
        "weight_total": sum(c.weight for c in criteria),
        "sheet": sheet,
        "averages": averages,
        "aggregate": services.aggregate(application, assignments),
        "aggregate_method": method,
        "aggregate_label": AGGREGATE_LABELS.get(method, method),
        "trimmed": method == "trimmed_mean" and len(submitted) >= 5,
        "submitted_count": len(submitted),
        "visits": list(application.site_visits.select_related("by").order_by("date", "id")),
        "modes": stages.stage_params(application, StageKey.EXPERT_REVIEW).get("modes", []),
    }


def _draw(request, application):
    """The recorded random draw: (the redirect when it is made, else None; the bound form)."""
    form = DrawForm(request.POST, current_field=application.field)
    if not form.is_valid():
        messages.error(request, _("The draw was not made: please correct the fields marked in red."))
        return None, form
    data = form.cleaned_data
    try:
        draw = services.draw_experts(application.pk, request.user, data["count"], field=data["field"],
                                     seed=data["seed"] or None, deadline=data["deadline"],
                                     ip=client_ip(request))
    except ActionRefused as error:
        messages.error(request, str(error))
        return None, form
    messages.success(request, _("%(n)d experts drawn (seed %(seed)s). They have been invited.") % {
        "n": len(draw.drawn), "seed": draw.seed})
    return redirect("review:expert_organise", pk=application.pk), form


def _visit(request, application):
    """A site visit or defence: (the redirect when it is recorded, else None; the bound form)."""
    form = VisitForm(request.POST, request.FILES)
    if application.state not in EXPERT_STATES:
        messages.error(request, _("Site visits and defences are recorded during the expert evaluation."))
        return None, form
    if not form.is_valid():
        messages.error(request, _("The record was not saved: please correct the fields marked in red."))
        return None, form
    data = form.cleaned_data
    try:
        visit = services.record_site_visit(
            application, request.user, kind=data["kind"], date=data["date"], place=data["place"],
            participants=data["participants"], notes=data["notes"], attachment=data["attachment"])
    except ActionRefused as error:
        messages.error(request, str(error))
        return None, form
    messages.success(request, _("The %(kind)s of %(date)s is recorded.") % {
        "kind": visit.get_kind_display(), "date": visit.date.isoformat()})
    return redirect(f"{request.path}#visits"), form


def _conclude(request, application):
    """The end of the expert evaluation: (the redirect when it is concluded, else None; the bound form)."""
    form = ConcludeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please tick the confirmation to conclude the expert evaluation."))
        return None, form
    try:
        concluded = services.conclude_experts(application.pk, request.user, ip=client_ip(request))
    except ActionRefused as error:
        messages.error(request, str(error))
        return None, form
    messages.success(request, _("The expert evaluation is concluded. The application now: %(state)s.")
                     % {"state": concluded.get_state_display()})
    return redirect("review:expert_organise", pk=application.pk), form


#: The posted ``action`` of the organisation page → its handler (the form it binds is ``<action>_form``).
ORGANISE_ACTIONS = {"draw": _draw, "visit": _visit, "conclude": _conclude}


@login_required
def expert_organise(request, pk):
    application = _staff_application(request, pk)
    forms = {
        "draw_form": DrawForm(initial={"field": application.field, "count": _experts_wanted(application),
                                       "deadline": timezone.localdate() + datetime.timedelta(days=14)},
                              current_field=application.field),
        "visit_form": VisitForm(initial={"date": timezone.localdate()}),
        "conclude_form": ConcludeForm(),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        handler = ORGANISE_ACTIONS.get(action)
        if handler is None:
            messages.error(request, _("Unknown action."))
        else:
            response, forms[f"{action}_form"] = handler(request, application)
            if response is not None:
                return response
        application = _staff_application(request, pk)
    return render(request, "review/experts/organise.html", _organise_context(application, **forms))


@login_required
def visit_attachment(request, pk, visit_id):
    application = _staff_application(request, pk)
    visit = get_object_or_404(SiteVisit, pk=visit_id, application=application)
    return private_file(visit.attachment, visit.attachment_name or "visit.pdf")


# --- experts ------------------------------------------------------------------------------------

def _expert_or_404(request):
    expert = services.expert_of(request.user)
    if expert is None:
        raise Http404
    return expert


@login_required
def expert_assignments(request):
    expert = services.expert_of(request.user)
    if expert is None:
        if request.user.role != Role.EXPERT:
            raise Http404
        return render(request, "review/experts/assignments.html", {"expert": None, "page": None})
    order = Case(When(status=Assignment.Status.INVITED, then=Value(0)),
                 When(status=Assignment.Status.ACCEPTED, then=Value(1)),
                 When(status=Assignment.Status.SUBMITTED, then=Value(2)),
                 default=Value(3), output_field=IntegerField())
    queryset = (expert.assignments.select_related("application__programme", "draw")
                .annotate(status_order=order).order_by("status_order", "deadline", "id"))
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for assignment in page:  # days since the invitation, for what still waits for the expert
        waiting = assignment.status in (Assignment.Status.INVITED, Assignment.Status.ACCEPTED)
        assignment.days_waited = days_waited(assignment.draw.at, today) if waiting and assignment.draw else None
    return render(request, "review/experts/assignments.html", {
        "expert": expert, "page": page, "today": today,
        "waiting": expert.assignments.filter(status__in=[Assignment.Status.INVITED,
                                                         Assignment.Status.ACCEPTED]).count(),
    })


def _materials(request, assignment):
    """The application's materials as the expert may see them (only once accepted)."""
    application = get_object_or_404(visible_applications(request.user).for_detail(), pk=assignment.application_id)
    return application, present(snapshot(application)), attachment_slots(application)


def _sheet_form(assignment, criteria):
    """The scoring sheet with the saved draft, once the invitation is accepted (None before and after)."""
    if assignment.status != Assignment.Status.ACCEPTED:
        return None
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    initial = {"recommendation": assignment.recommendation, "overall_comment": assignment.overall_comment}
    for criterion in criteria:
        if criterion.pk in existing:
            initial[f"score_{criterion.pk}"] = existing[criterion.pk].score
            initial[f"comment_{criterion.pk}"] = existing[criterion.pk].comment
    return ScoreSheetForm(initial=initial, criteria=criteria)


def _accept(request, assignment, criteria, forms):
    forms["accept_form"] = form = AcceptForm(request.POST)
    form.is_valid()
    services.respond_to_invitation(assignment, request.user, accept=True,
                                   no_conflict=form.cleaned_data.get("no_conflict", False))
    messages.success(request, _("Thank you. The materials are now open to you below."))
    return redirect("review:assignment_detail", assignment_id=assignment.pk)


def _decline(request, assignment, criteria, forms):
    forms["decline_form"] = form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the reason for declining."))
        return None
    services.respond_to_invitation(assignment, request.user, accept=False,
                                   reason=form.cleaned_data["reason"].strip())
    messages.success(request, _("You have declined this invitation. Thank you for telling us."))
    return redirect("review:expert_assignments")


def _scores(request, assignment, criteria, forms):
    """Save the draft (``save``) or submit the scores for good (``submit``)."""
    if forms["sheet_form"] is None:
        raise ActionRefused(_("Scores can be given only after accepting, and only once."))
    final = request.POST.get("action") == "submit"
    forms["sheet_form"] = form = ScoreSheetForm(request.POST, criteria=criteria)
    if not form.is_valid():
        messages.error(request, _("The scores were not saved: please correct the fields marked in red "
                                  "(each score is between 0 and 100)."))
        return None
    if final and not form.cleaned_data["confirm"]:
        messages.error(request, _("Please tick the confirmation to submit your scores."))
        return None
    data = form.cleaned_data
    services.submit_scores(assignment, request.user, form.scores(), data["recommendation"],
                           data["overall_comment"], final=final)
    if final:
        messages.success(request, _("Your scores are submitted. Thank you."))
    else:
        messages.success(request, _("Your draft is saved. You can come back and change it until "
                                    "you submit."))
    return redirect("review:assignment_detail", assignment_id=assignment.pk)


#: The posted ``action`` of an assignment page → its handler (each may raise ActionRefused).
ASSIGNMENT_ACTIONS = {"accept": _accept, "decline": _decline, "save": _scores, "submit": _scores}


def _assignment_context(request, assignment, application, open_for_work, criteria, forms):
    context = {"assignment": assignment, "application": application, "programme": application.programme,
               "open_for_work": open_for_work, "criteria": criteria,
               "weight_total": sum(c.weight for c in criteria), **forms}
    if assignment.status in (Assignment.Status.ACCEPTED, Assignment.Status.SUBMITTED):
        context["application"], context["p"], context["slots"] = _materials(request, assignment)
    if assignment.status == Assignment.Status.SUBMITTED:
        scores = {s.criterion_id: s for s in assignment.scores.all()}
        context["submitted_rows"] = [(c, scores.get(c.pk)) for c in criteria]
    return context


@login_required
def assignment_detail(request, assignment_id):
    expert = _expert_or_404(request)
    assignment = get_object_or_404(
        Assignment.objects.select_related("application__programme", "expert"), pk=assignment_id, expert=expert)
    application = assignment.application
    open_for_work = application.state == State.EXPERT_REVIEW
    criteria = services.criteria_for(application.programme)
    forms = {"accept_form": AcceptForm(), "decline_form": DeclineForm(),
             "sheet_form": _sheet_form(assignment, criteria)}
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ASSIGNMENT_ACTIONS and not open_for_work:
            messages.error(request, _("The expert evaluation of this application is closed."))
            return redirect("review:assignment_detail", assignment_id=assignment.pk)
        handler = ASSIGNMENT_ACTIONS.get(action)
        try:
            response = handler(request, assignment, criteria, forms) if handler else None
        except ActionRefused as error:
            messages.error(request, str(error))
        else:
            if response is not None:
                return response
            if handler is None:
                messages.error(request, _("Unknown action."))
        assignment.refresh_from_db()
    return render(request, "review/experts/assignment.html",
                  _assignment_context(request, assignment, application, open_for_work, criteria, forms))
