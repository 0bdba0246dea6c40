"""Rectification (整改), revocation (摘牌 / 取消资格) and the funds ledger (拨付 / 追回)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications import lifecycle

from .. import services
from ..choices import RectificationState
from ..forms import (
    CheckForm,
    FundsForm,
    RectificationForm,
    RespondForm,
    RevocationDecisionForm,
    RevocationForm,
)
from ..models import Rectification, Revocation
from .common import client_ip, consortium_or_404, record_or_404, require_consortium, require_staff_of, run


def _posted(request, application, form, action, done):
    """Run a staff action posted from the consortium's page, back to that page."""
    require_staff_of(request, application)
    if form.is_valid():
        run(request, lambda: action(form.cleaned_data), done)
    else:
        errors = "; ".join(f"{form.fields[name].label if name in form.fields else ''} {' '.join(e)}".strip()
                           for name, e in form.errors.items())
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": errors})
    return redirect("supervision:consortium", application.pk)


@login_required
@require_http_methods(["POST"])
def rectification_new(request, application_id):
    application = consortium_or_404(request, application_id)
    form = RectificationForm(request.POST, prefix="rectification", evaluations=application.evaluations.all())
    return _posted(request, application, form, lambda d: services.open_rectification(
        application.pk, request.user, d["requirement"], d["deadline"], evaluation_id=d["evaluation"]),
        _("The rectification is required of the consortium."))


@login_required
@require_http_methods(["GET", "POST"])
def rectification(request, rectification_id):
    """The consortium reports its rectification; staff record the follow-up check."""
    item = record_or_404(request, Rectification, rectification_id)
    is_staff = lifecycle.is_staff_of(item.application, request.user)
    respond = RespondForm(request.POST or None, request.FILES or None, prefix="respond")
    check = CheckForm(request.POST or None, prefix="check")
    if request.method == "POST":
        if "respond" in request.POST:
            require_consortium(request, item.application)
            form, action = respond, lambda d: services.respond_rectification(
                item.pk, request.user, d["response"], d["response_file"], ip=client_ip(request))
            done = _("The rectification report is sent to the programme's staff.")
        else:
            require_staff_of(request, item.application)
            form, action = check, lambda d: services.check_rectification(item.pk, request.user, d["passed"], d["note"],
                                                                         ip=client_ip(request))
            done = _("The follow-up check is recorded.")
        if form.is_valid() and run(request, lambda: action(form.cleaned_data), done):
            return redirect("supervision:consortium", item.application_id)
        if not form.is_valid():
            messages.error(request, _("Nothing was changed: please correct the fields marked in red."))
    return render(request, "supervision/rectification.html", {
        "item": item, "application": item.application, "respond_form": respond, "check_form": check,
        "is_staff": is_staff, "is_consortium": lifecycle.is_applicant_of(item.application, request.user),
        "checkable": item.state in (RectificationState.OPEN, RectificationState.RESPONDED)})


@login_required
@require_http_methods(["POST"])
def revocation_new(request, application_id):
    application = consortium_or_404(request, application_id)
    form = RevocationForm(request.POST, prefix="revocation")
    return _posted(request, application, form, lambda d: services.propose_revocation(
        application.pk, request.user, d["ground"], d["reason"]),
        _("The revocation is proposed; it takes effect when it is confirmed."))


@login_required
@require_http_methods(["GET", "POST"])
def revocation_review(request, revocation_id):
    revocation = record_or_404(request, Revocation, revocation_id)
    form = RevocationDecisionForm(request.POST or None)
    if request.method == "POST":
        require_staff_of(request, revocation.application)
        if not form.is_valid():
            messages.error(request, _("Nothing was changed: please correct the fields marked in red."))
        elif form.cleaned_data["decision"] == "confirm" and not request.POST.get("confirm"):
            messages.error(request, _("Please confirm the revocation: it cannot be undone."))
        else:
            d = form.cleaned_data
            if d["decision"] == "confirm":
                action = lambda: services.confirm_revocation(  # noqa: E731
                    revocation.pk, request.user, d["note"], effective_on=d["effective_on"], ip=client_ip(request))
                done = _("The consortium is revoked; its unit is told and the public pages say so.")
            else:
                action = lambda: services.dismiss_revocation(revocation.pk, request.user, d["note"],  # noqa: E731
                                                             ip=client_ip(request))
                done = _("The proposed revocation is dismissed.")
            if run(request, action, done):
                return redirect("supervision:consortium", revocation.application_id)
    return render(request, "supervision/revocation_review.html", {
        "revocation": revocation, "application": revocation.application, "form": form,
        "is_staff": lifecycle.is_staff_of(revocation.application, request.user)})


@login_required
@require_http_methods(["POST"])
def funds_new(request, application_id):
    application = consortium_or_404(request, application_id)
    form = FundsForm(request.POST, request.FILES, prefix="funds")
    return _posted(request, application, form, lambda d: services.record_funds(
        application.pk, request.user, d["year"], d["kind"], d["amount"], d["on"], d["document_number"],
        upload=d["document"], note=d["note"]), _("The funds entry is recorded."))
