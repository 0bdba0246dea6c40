"""The formal review (形式审查) by programme staff: the generated checklist beside the application."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from applications import lifecycle
from applications.models import Attachment
from applications.selectors import latest_files, visible_applications
from applications.services import present, snapshot
from applications.states import State
from portal.lifecycle import ActionRefused
from portal.models import Role
from review import services
from review.forms import FormalReviewForm
from review.models import FormalReview

from .applicant import timeline_context
from .common import client_ip


def _formal_queryset(user):
    """The application with everything the checklist and the snapshot read, each in one query."""
    return visible_applications(user).select_related(
        "programme__authority", "unit__division__parent__parent", "district", "created_by").prefetch_related(
        "members", "people", "tasks", "budget_lines", "targets", "versions", "programme__rules",
        "programme__attachment_requirements",
        Prefetch("attachments", queryset=Attachment.objects.select_related("requirement").prefetch_related("files")))


@login_required
def formal_review(request, pk):
    if request.user.role != Role.STAFF:
        raise PermissionDenied(_("Only programme staff do the formal review."))
    application = get_object_or_404(_formal_queryset(request.user), pk=pk)
    if not lifecycle.is_staff_of(application, request.user):
        raise Http404
    if application.state != State.FORMAL_REVIEW:
        messages.info(request, _("This application is not awaiting formal review (it is “%(state)s”).") % {
            "state": application.get_state_display()})
        return redirect(application)
    checklist = services.formal_checklist(application)
    form = FormalReviewForm(request.POST or None, checklist=checklist)
    if request.method == "POST":
        if form.is_valid():
            passed = form.cleaned_data["decision"] == "pass"
            try:
                done = services.formal_review_decide(application.pk, request.user, passed,
                                                     form.cleaned_data["note"].strip(), form.stored_checklist(),
                                                     ip=client_ip(request))
            except ActionRefused as error:
                messages.error(request, str(error))
            else:
                if passed:
                    messages.success(request, _("The formal review is passed; the application now awaits: "
                                                "%(state)s.") % {"state": done.get_state_display()})
                else:
                    messages.success(request, _("The application is returned to the applicant for revision."))
                return redirect(done)
        else:
            messages.error(request, _("The decision was not recorded: please correct the marked items."))
    versions = sorted(application.versions.all(), key=lambda v: -v.number)
    return render(request, "review/staff/formal.html", {
        "application": application,
        "p": present(snapshot(application)),
        "form": form,
        "counts": {status: sum(1 for item in checklist if item["status"] == status
                               and not (status == "na" and item["key"].startswith("rule:")))
                   for status in ("pass", "fail", "warn", "manual", "na")},
        "files": [(requirement, f) for requirement, f in latest_files(application) if f is not None],
        "versions": versions,
        # a previous formal review exists only after a return and a resubmission (a second version)
        "previous": FormalReview.objects.filter(application=application).select_related("author").order_by("-at")
        if len(versions) > 1 else [],
        "timeline": timeline_context(application, request.user)["entries"],
    })
