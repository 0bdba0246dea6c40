"""变更备案: the consortium files a change; staff approve or refuse it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications import lifecycle

from .. import services
from ..choices import ChangeState
from ..forms import ChangeForm, ReasonForm
from ..models import ChangeRequest, profile_of
from .common import client_ip, consortium_or_404, record_or_404, require_consortium, require_staff_of, run


@login_required
@require_http_methods(["GET", "POST"])
def change_new(request, application_id):
    application = consortium_or_404(request, application_id)
    require_consortium(request, application)
    members = list(application.members.values_list("name", flat=True))
    form = ChangeForm(request.POST or None, request.FILES or None, members=members)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("Nothing was filed: please correct the fields marked in red."))
        elif not request.POST.get("confirm"):
            messages.error(request, _("Please confirm the filing of the change."))
        else:
            data = form.data_for_service()
            done = run(request, lambda: services.request_change(
                application.pk, request.user, data["kind"], data["explanation"], data,
                upload=data.get("charter"), ip=client_ip(request)), _("The change is filed with the programme's staff."))
            if done:
                return redirect("supervision:consortium", application.pk)
    return render(request, "supervision/change_new.html", {
        "application": application, "form": form, "profile": profile_of(application.programme, create=False)})


@login_required
@require_http_methods(["GET", "POST"])
def change_review(request, change_id):
    change = record_or_404(request, ChangeRequest, change_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        require_staff_of(request, change.application)
        reason = request.POST.get("reason", "")
        if "approve" in request.POST:
            if not request.POST.get("confirm"):
                messages.error(request, _("Please confirm the approval: the change is applied at once."))
                return redirect("supervision:change_review", change.pk)
            action, done = (lambda: services.approve_change(change.pk, request.user, reason, ip=client_ip(request)),
                            _("The change is approved and applied."))
        else:
            action, done = (lambda: services.refuse_change(change.pk, request.user, reason, ip=client_ip(request)),
                            _("The change is refused."))
        if run(request, action, done):
            return redirect("supervision:changes")
        return redirect("supervision:change_review", change.pk)
    return render(request, "supervision/change_review.html", {
        "change": change, "application": change.application, "form": form,
        "is_staff": lifecycle.is_staff_of(change.application, request.user),
        "awaiting": change.state == ChangeState.SUBMITTED,
        "members": list(change.application.members.values_list("name", flat=True))})
