"""绩效评价: staff (or the commissioned third-party evaluator) record an evaluation; staff confirm it; staff
commission an evaluator for a consortium."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications import lifecycle

from .. import services
from ..forms import CommissionForm, EvaluationForm
from ..models import Evaluation, profile_of
from ..permissions import is_commissioned_for
from .common import client_ip, consortium_or_404, record_or_404, require_staff_of, run


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_edit(request, application_id):
    """Record (or correct) the draft evaluation of a period."""
    application = consortium_or_404(request, application_id)
    if not (lifecycle.is_staff_of(application, request.user) or is_commissioned_for(application, request.user)):
        raise PermissionDenied(_("Only the programme's staff or the commissioned evaluator can do this."))
    initial = {}
    period = request.GET.get("period")
    existing = application.evaluations.filter(period=period).first() if (period or "").isdigit() else None
    if existing is not None:
        initial = {"period": existing.period, "score": existing.score, "comments": existing.comments}
    form = EvaluationForm(request.POST or None, request.FILES or None, prefix="evaluation", initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if run(request, lambda: services.save_evaluation(
                    application.pk, request.user, data["period"], data["score"], data["comments"],
                    upload=data["attachment"]), _("The evaluation is recorded as a draft.")):
                return redirect("supervision:consortium", application.pk)
        else:
            messages.error(request, _("Nothing was saved: please correct the fields marked in red."))
    return render(request, "supervision/evaluation_edit.html", {
        "application": application, "form": form, "profile": profile_of(application.programme, create=False)})


@login_required
@require_http_methods(["POST"])
def evaluation_confirm(request, evaluation_id):
    evaluation = record_or_404(request, Evaluation, evaluation_id)
    require_staff_of(request, evaluation.application)
    if not request.POST.get("confirm"):
        messages.error(request, _("Please confirm: a confirmed evaluation cannot be changed."))
    else:
        run(request, lambda: services.confirm_evaluation(evaluation.pk, request.user, ip=client_ip(request)),
            _("The evaluation is confirmed and the consortium is told."))
    return redirect("supervision:consortium", evaluation.application_id)


@login_required
@require_http_methods(["POST"])
def commission(request, application_id):
    application = consortium_or_404(request, application_id)
    require_staff_of(request, application)
    form = CommissionForm(request.POST, prefix="commission")
    if form.is_valid():
        data = form.cleaned_data
        run(request, lambda: services.commission_evaluator(application.pk, request.user, data["evaluator"].pk,
                                                           data["period"]),
            _("The evaluator is commissioned for this consortium."))
    else:
        messages.error(request, _("Choose the evaluator and the period."))
    return redirect("supervision:consortium", application.pk)
