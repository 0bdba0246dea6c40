"""The shared expert pool and holiday calendar: the pool's page (search, each expert's fields and declared
relations), the staff's proposals (a new expert, a change to one, a declared relation, a holiday day) and
the central registry keeper's queue, where a proposal is accepted (and applied) or declined with a reason.

Programme staff see the pool and propose; the keeper (and system administrators) decide, and edit the pool
and the calendar directly in the admin.  Staff read only their own authority's proposals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.lifecycle import ActionRefused

from ..forms.pool import ProposalDecisionForm, proposal_form
from ..models import Expert, PoolProposal
from ..selectors import search_experts, sees_pool, visible_proposals
from ..services import pool

PER_PAGE = 30


def _require_pool(request):
    if not sees_pool(request.user):
        raise PermissionDenied(_("Only programme staff and the registry keeper see the expert pool."))


@login_required
def expert_pool(request):
    _require_pool(request)
    text = request.GET.get("q", "")
    page = Paginator(search_experts(text), PER_PAGE).get_page(request.GET.get("page"))
    pending = visible_proposals(request.user).filter(status=PoolProposal.Status.PENDING).count()
    return render(request, "review/pool/experts.html", {
        "page": page, "q": text, "pending": pending, "may_propose": pool.may_propose(request.user),
        "keeps_registry": pool.may_decide(request.user)})


@login_required
def proposal_new(request, kind):
    if kind not in PoolProposal.Kind.values:
        raise Http404
    if not pool.may_propose(request.user):
        raise PermissionDenied(_("Only programme staff can propose changes to the pool."))
    expert = None
    if kind in (PoolProposal.Kind.CHANGE_EXPERT, PoolProposal.Kind.RELATION):
        expert = get_object_or_404(Expert, pk=request.GET.get("expert") or request.POST.get("expert") or 0)
    form = proposal_form(kind, request.POST or None, expert=expert)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = pool.propose(request.user, kind, form.values(), form.cleaned_data["reason"], expert=expert)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your proposal is sent to the registry keeper."))
            return redirect("review:proposal_detail", proposal.pk)
    return render(request, "review/pool/propose.html", {
        "form": form, "kind": kind, "kind_label": PoolProposal.Kind(kind).label, "expert": expert})


@login_required
def proposal_list(request):
    proposals = visible_proposals(request.user)
    if not (pool.may_propose(request.user) or pool.may_decide(request.user)):
        raise PermissionDenied(_("Only programme staff and the registry keeper see pool proposals."))
    status = request.GET.get("status", "")
    if status in PoolProposal.Status.values:
        proposals = proposals.filter(status=status)
    page = Paginator(proposals, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "review/pool/proposals.html", {
        "page": page, "status": status, "statuses": PoolProposal.Status.choices,
        "may_propose": pool.may_propose(request.user), "keeps_registry": pool.may_decide(request.user)})


@login_required
def proposal_detail(request, pk):
    proposal = get_object_or_404(visible_proposals(request.user), pk=pk)
    may_decide = proposal.is_pending and pool.may_decide(request.user)
    return render(request, "review/pool/proposal.html", {
        "proposal": proposal, "rows": proposal.rows(), "may_decide": may_decide,
        "form": ProposalDecisionForm() if may_decide else None})


@login_required
@require_POST
def proposal_decide(request, pk):
    proposal = get_object_or_404(visible_proposals(request.user), pk=pk)
    if not pool.may_decide(request.user):
        raise PermissionDenied(_("Only the central registry keeper can decide on proposals."))
    form = ProposalDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if request.POST.get("action") == "accept":
            pool.accept(proposal.pk, request.user, note)
            messages.success(request, _("The proposal is accepted and applied."))
        else:
            pool.decline(proposal.pk, request.user, note)
            messages.success(request, _("The proposal is declined."))
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("review:proposal_detail", proposal.pk)
