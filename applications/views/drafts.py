"""Starting a draft (empty or from an earlier application), deleting it, submitting it, its versions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.clientip import client_ip
from portal.models import District, Role

from ..drafting import copy_application
from ..models import Application, Programme
from ..rules import evaluate
from ..selectors import visible_applications
from ..services import ActionRefused, delete_draft, present, same_name_submitted, submit
from ..states import State
from .calls import open_programmes
from .common import own_application


@login_required
@require_POST
def application_start(request, code):
    programme = get_object_or_404(Programme, code=code, published=True)
    if request.user.role != Role.APPLICANT:
        messages.error(request, _("Only users of an applicant unit can apply."))
        return redirect(programme)
    if not programme.is_open():
        messages.error(request, _("This call does not accept applications now. %(dates)s") % {
            "dates": programme.status_message()})
        return redirect(programme)
    unit = request.user.unit
    existing = Application.objects.filter(programme=programme, unit=unit, state=State.DRAFT).order_by("-updated_at")
    if existing.exists():
        messages.info(request, _("Your unit already has a draft for this call: it is opened for you. (A draft you "
                                 "no longer need can be deleted from its page.)"))
        return redirect("applications:application_edit", pk=existing.first().pk)
    application = Application.objects.create(
        programme=programme, unit=unit, created_by=request.user,
        district=District.suggest(programme.authority, unit.division),
    )
    messages.success(request, _("A draft application has been started. Save it at any time and come back later."))
    if application.district_id is None:
        messages.warning(request, uncovered_message(programme, unit))
    return redirect("applications:application_edit", pk=application.pk)


def uncovered_message(programme, unit):
    """Why no office is chosen for a unit whose division none of the authority's offices covers."""
    return _("No district office of %(authority)s covers %(division)s, where your unit is registered. If the "
             "programme accepts a lead unit from there (see the eligibility check: a condition it states in "
             "principle only warns), choose the office of the place where the consortium works; that office "
             "reviews the application first.") % {"authority": programme.authority.name,
                                                  "division": unit.division.full_name}


@login_required
@require_http_methods(["GET", "POST"])
def application_copy(request):
    """以往申报为基础新建: the unit's earlier applications (any programme, any state, searchable), one of which
    becomes a new draft for the chosen open call."""
    if request.user.role != Role.APPLICANT:
        messages.error(request, _("Only users of an applicant unit can apply."))
        return redirect("applications:call_list")
    calls = open_programmes().order_by("closes_on", "title")
    code = request.POST.get("programme") or request.GET.get("programme") or ""
    programme = calls.filter(code=code).first() if code else None
    if request.method == "POST":
        if programme is None:
            messages.error(request, _("Choose an open call for the new application."))
        else:
            try:
                copy = copy_application(request.POST.get("source"), programme, request.user)
            except ActionRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("A new draft for %(call)s has been made from “%(name)s”. Check every "
                                            "part against this call, and upload its attachments again.") % {
                    "call": programme.title, "name": copy})
                if same_name_submitted(copy):
                    messages.warning(request, _("An application with this name has already been submitted to this "
                                                "call: give the new one another name before submitting it."))
                return redirect("applications:application_edit", pk=copy.pk)
    query = request.GET.get("q", "").strip()
    earlier = visible_applications(request.user).select_related("programme").order_by("-updated_at", "-pk")
    if query:
        earlier = earlier.filter(name__icontains=query)
    page = Paginator(earlier, 20).get_page(request.GET.get("page"))
    return render(request, "applications/copy.html", {
        "calls": calls, "programme": programme, "page": page, "query": query})


@login_required
def application_submit(request, pk):
    application = own_application(request, pk, editable=True)
    if not application.is_editable:
        messages.info(request, _("This application has already been submitted."))
        return redirect(application)
    if request.method == "POST":
        if not request.POST.get("confirm"):
            messages.error(request, _("Please tick the declaration to confirm the submission."))
        else:
            try:
                submitted = submit(application.pk, request.user, ip=client_ip(request))
            except ActionRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The application is submitted (%(time)s). It now awaits: %(state)s.") % {
                    "time": timezone.localtime(submitted.submitted_at).strftime("%Y-%m-%d %H:%M"),
                    "state": submitted.get_state_display()})
                return redirect(submitted)
    results = evaluate(Application.objects.for_detail().get(pk=application.pk))
    return render(request, "applications/submit.html", {
        "application": application, "results": results, "blocking": [r for r in results if r.blocks]})


@login_required
def version_detail(request, pk, number):
    application = own_application(request, pk)
    version = get_object_or_404(application.versions.select_related("created_by"), number=number)
    return render(request, "applications/version.html", {"application": application, "version": version,
                                                         "p": present(version.data)})


@login_required
@require_http_methods(["GET", "POST"])
def application_delete(request, pk):
    """Delete a draft that was never submitted, after a confirmation."""
    application = own_application(request, pk, editable=True)
    if request.method == "POST":
        if not request.POST.get("confirm"):
            messages.error(request, _("Please tick the box to confirm: a deleted draft cannot be recovered."))
        else:
            try:
                title = delete_draft(application.pk, request.user)
            except ActionRefused as error:
                messages.error(request, str(error))
                return redirect(application)
            messages.success(request, _("The draft “%(name)s” is deleted.") % {"name": title})
            return redirect("review:workspace")
    return render(request, "applications/delete.html", {"application": application})
