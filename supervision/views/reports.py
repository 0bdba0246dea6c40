"""年度报告: the consortium fills in and submits its report; staff accept it or return it with the reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications import lifecycle
from portal.lifecycle import ActionRefused

from .. import services
from ..choices import ReportState
from ..forms import ReasonForm, ReportForm
from ..models import AnnualReport
from .common import client_ip, consortium_or_404, record_or_404, require_consortium, require_staff_of, run


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, report_id):
    report = record_or_404(request, AnnualReport, report_id)
    require_consortium(request, report.application)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and report.is_open:
        if not form.is_valid():
            messages.error(request, _("Nothing was saved: please correct the fields marked in red."))
        else:
            try:
                services.save_report(report.pk, request.user, form.cleaned_data)
            except ActionRefused as error:
                messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": error})
                return redirect("supervision:report_edit", report.pk)
            if "submit" not in request.POST:
                messages.success(request, _("The draft is saved."))
                return redirect("supervision:report_edit", report.pk)
            if not request.POST.get("confirm"):
                messages.error(request, _("The draft is saved. Please confirm the submission: the report cannot be "
                                          "changed afterwards unless it is returned."))
                return redirect("supervision:report_edit", report.pk)
            if run(request, lambda: services.submit_report(report.pk, request.user, ip=client_ip(request)),
                   _("The annual report is submitted.")):
                return redirect("supervision:consortium", report.application_id)
            return redirect("supervision:report_edit", report.pk)
    return render(request, "supervision/report_edit.html", {
        "report": report, "form": form, "application": report.application,
        "overdue": report.is_overdue(), "editable": report.is_open})


@login_required
@require_http_methods(["GET", "POST"])
def report_review(request, report_id):
    report = record_or_404(request, AnnualReport, report_id)
    is_staff = lifecycle.is_staff_of(report.application, request.user)
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        require_staff_of(request, report.application)
        if "accept" in request.POST:
            action, done = (lambda: services.accept_report(report.pk, request.user, ip=client_ip(request)),
                            _("The annual report is accepted."))
        else:
            reason = request.POST.get("reason", "")
            action, done = (lambda: services.return_report(report.pk, request.user, reason, ip=client_ip(request)),
                            _("The annual report is returned to the consortium."))
        if run(request, action, done):
            return redirect("supervision:reports")
        return redirect("supervision:report_review", report.pk)
    return render(request, "supervision/report_review.html", {
        "report": report, "application": report.application, "form": form, "is_staff": is_staff,
        "awaiting": report.state == ReportState.SUBMITTED,
        "fields": [(report._meta.get_field(name).verbose_name, getattr(report, name))
                   for name in ReportForm.Meta.fields]})


@login_required
@require_http_methods(["POST"])
def report_start(request, application_id):
    """The consortium opens its report on a year before the beat has made it."""
    application = consortium_or_404(request, application_id)
    require_consortium(request, application)
    try:
        report = services.report_for(application, int(request.POST.get("year", "0")), request.user)
    except (ActionRefused, ValueError) as error:
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": error})
        return redirect("supervision:consortium", application.pk)
    return redirect("supervision:report_edit", report.pk)
