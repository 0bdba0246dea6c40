from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.downloads import private_file
from portal.models import District, Role

from .credit import records_for
from .facts import SCALARS, Facts, MemberFacts, PersonFacts, lead_facts
from .forms import FORMSETS, ApplicationForm, build_formsets
from .models import Application, AttachmentFile, AttachmentRequirement, Programme
from .rules import evaluate
from .selectors import visible_applications
from .services import ActionRefused, delete_draft, present, store_attachment, submit
from .stages import STAGES
from .states import State
from .uploads import UploadRejected


def _own_application(request, pk, editable=False):
    """The application if the user may see it (404 otherwise); applicants only for editing."""
    queryset = visible_applications(request.user)
    if editable:
        if request.user.role != Role.APPLICANT:
            raise Http404
    application = get_object_or_404(queryset.select_related("programme__authority", "unit__division"), pk=pk)
    return application


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


def facts_from_forms(application, form, formsets):
    """Facts from the editor's (possibly unsaved, possibly partly invalid) data."""
    form.is_valid()
    data = form.cleaned_data
    facts = Facts(programme=application.programme, **lead_facts(application.unit))
    text_fields = ("name", "field", "goals", "formation_mode", "lead_selected_by", "lead_category", "operator_status")
    for name in SCALARS:
        value = data.get(name) if name in form.fields else getattr(application, name)
        setattr(facts, name, value or "" if name in text_fields else value)
    facts.district_chosen = bool(data.get("district")) if "district" in form.fields else application.district_id
    rows = {}
    for prefix, formset in formsets.items():
        formset.is_valid()
        rows[prefix] = [f.cleaned_data for f in formset.forms
                        if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]
    facts.members = [MemberFacts(r.get("name", ""), r.get("unit_type", ""), r.get("qualification", ""),
                                 r.get("independent_legal_person", True), r.get("credit_code") or "",
                                 r.get("role") or "")
                     for r in rows["members"] if r.get("name")]
    facts.people = [PersonFacts(r.get("role", ""), r.get("name", ""), r.get("unit_name", ""))
                    for r in rows["people"] if r.get("name")]
    facts.task_count = sum(1 for r in rows["tasks"] if r.get("title"))
    facts.attachment_codes = set(
        AttachmentFile.objects.filter(attachment__application=application).values_list(
            "attachment__requirement__code", flat=True))
    facts.credit_records = records_for(application.unit.credit_code, facts.members)
    return facts


def _editor_context(application, form, formsets, results, upload_errors=None):
    requirements = list(application.programme.attachment_requirements.all())
    files = {}
    for f in AttachmentFile.objects.filter(attachment__application=application).select_related(
            "attachment__requirement").order_by("-version"):
        files.setdefault(f.attachment.requirement_id, []).append(f)
    return {
        "application": application,
        "programme": application.programme,
        "form": form,
        "formsets": [(prefix, formsets[prefix], label) for prefix, (_cls, label) in FORMSETS.items()],
        "results": results,
        "blocking": sum(1 for r in results if r.blocks),
        "slots": [(req, files.get(req.pk, [])) for req in requirements],
        "upload_errors": upload_errors or {},
        "uncovered": (uncovered_message(application.programme, application.unit)
                      if District.suggest(application.programme.authority, application.unit.division) is None
                      else ""),
    }


@login_required
def application_edit(request, pk):
    application = _own_application(request, pk, editable=True)
    if not application.is_editable:
        messages.info(request, _("This application has been submitted and can no longer be edited."))
        return redirect(application)
    programme = application.programme
    if request.method == "POST":
        form = ApplicationForm(request.POST, instance=application, programme=programme)
        formsets = build_formsets(application, request.POST)
        upload_errors = {}
        # Files are accepted on their own merits, whatever the state of the rest of the form.
        for req in programme.attachment_requirements.all():
            uploaded = request.FILES.get(f"file-{req.code}")
            if uploaded:
                try:
                    store_attachment(application, req, uploaded, request.user)
                    messages.success(request, _("%(kind)s uploaded.") % {"kind": req.name})
                except UploadRejected as error:
                    upload_errors[req.code] = str(error)
        if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
            with transaction.atomic():
                form.save()
                for formset in formsets.values():
                    formset.save()
            if upload_errors:
                messages.warning(request, _("The draft is saved, but a file was not accepted: see the attachments."))
            else:
                messages.success(request, _("The draft is saved."))
            if request.POST.get("next") == "submit" and not upload_errors:
                return redirect("applications:application_submit", pk=application.pk)
            if not upload_errors:
                return redirect("applications:application_edit", pk=application.pk)
            application.refresh_from_db()
            form = ApplicationForm(instance=application, programme=programme)
            formsets = build_formsets(application)
            results = evaluate(Application.objects.for_detail().get(pk=application.pk))
        else:
            messages.error(request, _("The draft was not saved: please correct the fields marked in red. "
                                      "Everything you typed is still here."))
            results = evaluate(facts_from_forms(application, form, formsets))
        return render(request, "applications/edit.html",
                      _editor_context(application, form, formsets, results, upload_errors))
    form = ApplicationForm(instance=application, programme=programme)
    formsets = build_formsets(application)
    results = evaluate(Application.objects.for_detail().get(pk=application.pk))
    return render(request, "applications/edit.html", _editor_context(application, form, formsets, results))


@login_required
@require_POST
def eligibility(request, pk):
    """The eligibility panel for the editor's current (unsaved) data."""
    application = _own_application(request, pk, editable=True)
    form = ApplicationForm(request.POST, instance=application, programme=application.programme)
    formsets = build_formsets(application, request.POST)
    results = evaluate(facts_from_forms(application, form, formsets))
    return render(request, "applications/_eligibility.html", {
        "results": results, "blocking": sum(1 for r in results if r.blocks)})


@login_required
@require_POST
def attachment_upload(request, pk, code):
    application = _own_application(request, pk, editable=True)
    if not application.is_editable:
        messages.error(request, _("This application has been submitted; its attachments can no longer change."))
        return redirect(application)
    requirement = get_object_or_404(AttachmentRequirement, programme=application.programme, code=code)
    uploaded = request.FILES.get("file")
    if not uploaded:
        messages.error(request, _("Please choose a file to upload."))
    else:
        try:
            store_attachment(application, requirement, uploaded, request.user)
            messages.success(request, _("%(kind)s uploaded.") % {"kind": requirement.name})
        except UploadRejected as error:
            messages.error(request, str(error))
    return redirect(f"{application.get_absolute_url()}edit/#attachments")


@login_required
def attachment_download(request, pk, file_id):
    application = _own_application(request, pk)
    record = get_object_or_404(AttachmentFile.objects.select_related("attachment"), pk=file_id,
                               attachment__application=application)
    return private_file(record.file, record.original_name, content_type=record.content_type)


@login_required
def application_submit(request, pk):
    application = _own_application(request, pk, editable=True)
    if not application.is_editable:
        messages.info(request, _("This application has already been submitted."))
        return redirect(application)
    if request.method == "POST":
        if not request.POST.get("confirm"):
            messages.error(request, _("Please tick the declaration to confirm the submission."))
        else:
            try:
                submitted = submit(application.pk, request.user, ip=request.META.get("REMOTE_ADDR"))
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
    application = _own_application(request, pk)
    version = get_object_or_404(application.versions.select_related("created_by"), number=number)
    return render(request, "applications/version.html", {"application": application, "version": version,
                                                         "p": present(version.data)})


# --- the public call pages -------------------------------------------------------------------------

def open_programmes():
    today = timezone.localdate()
    return Programme.objects.filter(published=True, opens_on__lte=today, closes_on__gte=today).select_related(
        "authority")


def home(request):
    return render(request, "portal/home.html", {"programmes": open_programmes()})


def call_list(request):
    programmes = Programme.objects.filter(published=True).select_related("authority").order_by("-closes_on")
    page = Paginator(programmes, 20).get_page(request.GET.get("page"))
    return render(request, "portal/call_list.html", {"page": page, "today": timezone.localdate()})


def call_detail(request, code):
    programme = get_object_or_404(Programme.objects.select_related("authority"), code=code, published=True)
    return render(request, "portal/call_detail.html", {
        "programme": programme,
        "rules": programme.rules.filter(active=True),
        "requirements": programme.attachment_requirements.all(),
        "stages": [dict(s, name=s.get("label") or STAGES[s["key"]].label) for s in programme.stages],
    })


@login_required
@require_http_methods(["GET", "POST"])
def application_delete(request, pk):
    """Delete a draft that was never submitted, after a confirmation."""
    application = _own_application(request, pk, editable=True)
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
