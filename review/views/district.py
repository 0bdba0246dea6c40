"""The district office's initial review (初审): the application beside the opinion form.

Only a district reviewer of the application's own district acts here; everyone else gets a 404
(the application is looked up through :func:`visible_applications` first, then the district
permission is checked).  Views never change the state: they call the services in
:mod:`review.services`, which check the transition's permission and conditions.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import lifecycle, stages
from applications.rules import evaluate
from applications.selectors import attachment_slots, visible_applications
from applications.services import present, snapshot
from applications.stages import StageKey
from applications.states import State
from portal.downloads import private_file
from portal.lifecycle import ActionRefused

from .. import services
from ..forms import PEER_AUTO_ID, DistrictOpinionForm, PeerOpinionForm
from ..models import DistrictOpinion
from .applicant import timeline_context
from .common import client_ip


def _reviewable(request, pk):
    """The application if this user is a district reviewer of its district; 404 otherwise."""
    application = get_object_or_404(visible_applications(request.user).for_detail(), pk=pk)
    if not lifecycle.is_district_reviewer_of(application, request.user):
        raise Http404
    return application


def _page(request, application, form=None, peer_form=None, status=200):
    params = stages.stage_params(application, StageKey.DISTRICT_REVIEW)
    with_letter = bool(params.get("recommendation_letter"))
    in_review = application.state == State.DISTRICT_REVIEW
    results = evaluate(application)
    peer_opinions = list(application.peer_opinions.all())
    peer_min = params.get("peer_opinions_min", 0)
    versions = sorted(application.versions.all(), key=lambda v: v.number)
    context = {
        "application": application,
        "p": present(snapshot(application, results)),
        "results": results,
        "blocking": sum(1 for r in results if r.blocks),
        "slots": attachment_slots(application),
        "stage_label": params.get("label", ""),
        "in_review": in_review,
        "with_letter": with_letter,
        "form": form if form is not None else DistrictOpinionForm(with_letter=with_letter),
        "opinions": list(application.district_opinions.select_related("author").order_by("at", "id")),
        "peer_min": peer_min,
        "peer_title_min": params.get("peer_title_min", "副高"),
        "show_peer": bool(peer_min) or bool(peer_opinions),
        "peer_opinions": peer_opinions,
        "peer_qualifying": sum(1 for o in peer_opinions if o.qualifies),
        "peer_form": peer_form if peer_form is not None else PeerOpinionForm(auto_id=PEER_AUTO_ID,
            initial={"date": timezone.localdate()}),
        "versions": versions,
        **timeline_context(application, request.user),
    }
    return render(request, "review/district/review.html", context, status=status)


@login_required
def district_review(request, pk):
    application = _reviewable(request, pk)
    if request.method != "POST":
        return _page(request, application)
    with_letter = bool(stages.stage_params(application, StageKey.DISTRICT_REVIEW).get("recommendation_letter"))
    form = DistrictOpinionForm(request.POST, request.FILES, with_letter=with_letter)
    if not form.is_valid():
        messages.error(request, _("The opinion was not sent: please correct the fields marked in red."))
        return _page(request, application, form=form)
    data = form.cleaned_data
    try:
        done = services.district_decide(application.pk, request.user, data["decision"], data["opinion"],
                                        letter=data.get("letter") or None, ip=client_ip(request))
    except ActionRefused as error:
        messages.error(request, str(error))
        return _page(request, _reviewable(request, pk), form=form)
    if data["decision"] == "recommend":
        messages.success(request, _("Recommended. The application now awaits: %(state)s.") % {
            "state": done.get_state_display()})
    elif data["decision"] == "return":
        messages.success(request, _("Returned for revision. The applicant sees your reason and can resubmit."))
    else:
        messages.success(request, _("Not recommended. The application's route ends here."))
    # To the application's page, like the other stages: the review page would now say that the application
    # no longer awaits the district review, beside the message that it was just decided.
    return redirect(done)


@login_required
@require_POST
def peer_opinion_add(request, pk):
    application = _reviewable(request, pk)
    form = PeerOpinionForm(request.POST, auto_id=PEER_AUTO_ID)
    if not form.is_valid():
        messages.error(request, _("The peer opinion was not added: please correct the fields marked in red."))
        return _page(request, application, peer_form=form)
    try:
        opinion = services.add_peer_opinion(application, request.user, **form.cleaned_data)
    except ActionRefused as error:
        messages.error(request, str(error))
        return redirect("review:district_review", pk=application.pk)
    if opinion.qualifies:
        messages.success(request, _("The peer opinion of %(name)s is added.") % {"name": opinion.expert_name})
    else:
        messages.warning(request, _("The peer opinion of %(name)s is added, but it does not count towards the "
                                    "required number: only experts of associate senior title (副高) or above "
                                    "count.") % {"name": opinion.expert_name})
    return redirect(reverse("review:district_review", args=[application.pk]) + "#peer-opinions")


@login_required
@require_POST
def peer_opinion_withdraw(request, pk, opinion_id):
    application = _reviewable(request, pk)
    try:
        opinion = services.withdraw_peer_opinion(application, request.user, opinion_id, request.POST.get("reason", ""))
    except ActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The peer opinion of %(name)s is withdrawn; it stays on record and no longer "
                                    "counts.") % {"name": opinion.expert_name})
    return redirect(reverse("review:district_review", args=[application.pk]) + "#peer-opinions")


@login_required
def letter_download(request, pk, opinion_id):
    """A recommendation letter, for the applicant unit, the district office and the programme staff."""
    application = get_object_or_404(
        visible_applications(request.user).select_related("programme__authority"), pk=pk)
    user = request.user
    if not (lifecycle.is_applicant_of(application, user) or lifecycle.is_district_reviewer_of(application, user)
            or lifecycle.is_staff_of(application, user)):
        raise Http404
    opinion = get_object_or_404(DistrictOpinion.objects.exclude(letter=""), pk=opinion_id,
                                application=application)
    return private_file(opinion.letter, opinion.letter_name or "letter.pdf")

