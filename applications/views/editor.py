"""The application editor: the page, its save button, its automatic saves and its eligibility panel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..credit import records_for
from ..drafting import Conflict, editing_state, parse_int, save_draft
from ..editor import district_stage_applies
from ..facts import SCALARS, Facts, MemberFacts, PersonFacts, lead_facts
from ..forms import FORMSETS, ApplicationForm, build_formsets
from ..models import Application, AttachmentFile
from ..rules import evaluate
from ..services import ActionRefused
from .common import own_application, short_time
from .files import store_uploads

SESSION_EXPIRED = gettext_lazy("Your session has expired: log in again in a new tab, then continue here; what you "
                               "typed on this page is kept in this browser.")


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
                     for r in rows.get("members", []) if r.get("name")]
    facts.people = [PersonFacts(r.get("role", ""), r.get("name", ""), r.get("unit_name", ""))
                    for r in rows.get("people", []) if r.get("name")]
    facts.task_count = sum(1 for r in rows.get("tasks", []) if r.get("title"))
    facts.attachment_codes = set(
        AttachmentFile.objects.filter(attachment__application=application).values_list(
            "attachment__requirement__code", flat=True))
    facts.credit_records = records_for(application.unit.credit_code, facts.members)
    return facts


def saver(state, user):
    if state.saved_by_id is None:
        return _("a colleague")
    if state.saved_by_id == user.pk:
        return _("you (in another window or tab)")
    return state.saved_by.display_name


def conflict_message(state, user):
    return _("%(name)s saved this draft at %(time)s, after this page was opened. Your input on this page was not "
             "saved; it is kept in this browser.") % {"name": saver(state, user), "time": short_time(state.saved_at)}


def saved_message(state):
    if state.saved_at is None:
        return ""
    if state.automatic:
        return _("Saved automatically at %(time)s") % {"time": short_time(state.saved_at)}
    return _("Saved at %(time)s") % {"time": short_time(state.saved_at)}


def _editor_context(application, form, formsets, results, upload_errors=None, state=None, restored=False):
    files = {}
    for f in AttachmentFile.objects.filter(attachment__application=application).select_related(
            "attachment__requirement").order_by("-version"):
        files.setdefault(f.attachment.requirement_id, []).append(f)
    state = state or editing_state(application)
    return {
        "application": application,
        "programme": application.programme,
        "form": form,
        "parts": form.parts,
        "formsets": [(prefix, formsets[prefix], label) for prefix, (_cls, label) in FORMSETS.items()
                     if prefix in formsets],
        "results": results,
        "blocking": sum(1 for r in results if r.blocks),
        "slots": [(req, files.get(req.pk, [])) for req in application.programme.attachment_requirements.all()],
        "upload_errors": upload_errors or {},
        "draft_state": state,
        "saved_message": saved_message(state),
        "restored": restored,
        "district_skipped": "district" in form.fields and not district_stage_applies(
            application.programme, application.unit.unit_type, application.lead_selected_by),
        "session_expired": SESSION_EXPIRED,
    }


def _page(request, application, form=None, formsets=None, upload_errors=None):
    """The editor: as given (a post to show again), or the kept input of an automatic save, or the draft."""
    state = editing_state(application)
    restored = False
    if form is None and state.buffer.get("data"):
        data = QueryDict(mutable=True)
        for key, values in state.buffer["data"].items():
            data.setlist(key, values)
        form, formsets, restored = ApplicationForm(data, instance=application, programme=application.programme), \
            build_formsets(application, data), True
    if form is None:
        form = ApplicationForm(instance=application, programme=application.programme)
        formsets = build_formsets(application)
        results = evaluate(Application.objects.for_detail().get(pk=application.pk))
    else:
        results = evaluate(facts_from_forms(application, form, formsets))
    return render(request, "applications/edit.html",
                  _editor_context(application, form, formsets, results, upload_errors, state, restored))


def _client(request):
    return request.POST.get("editor_client", ""), parse_int(request.POST.get("editor_seq")) or 0


@login_required
def application_edit(request, pk):
    application = own_application(request, pk, editable=True)
    if not application.is_editable:
        messages.info(request, _("This application has been submitted and can no longer be edited."))
        return redirect(application)
    if request.method != "POST":
        return _page(request, application)
    upload_errors = store_uploads(request, application)
    client, seq = _client(request)
    try:
        saved = save_draft(application.pk, request.user, request.POST, parse_int(request.POST.get("revision")),
                           client=client, seq=seq)
    except Conflict as conflict:
        messages.error(request, conflict_message(conflict.state, request.user) + " " + _(
            "It is shown below: saving it again replaces their changes; to see them first, open the draft again "
            "and restore your input from the browser."))
        return _page(request, application, ApplicationForm(request.POST, instance=application,
                                                           programme=application.programme),
                     build_formsets(application, request.POST), upload_errors)
    except ActionRefused as error:
        messages.error(request, str(error))
        return redirect(application)
    if not saved.stored:
        messages.error(request, _("The draft was not saved: please correct the fields marked in red. "
                                  "Everything you typed is still here."))
        return _page(request, application, saved.form, saved.formsets, upload_errors)
    if upload_errors:
        messages.warning(request, _("The draft is saved, but a file was not accepted: see the attachments."))
        application.refresh_from_db()
        return _page(request, application, upload_errors=upload_errors)
    messages.success(request, _("The draft is saved."))
    if request.POST.get("next") == "submit":
        return redirect("applications:application_submit", pk=application.pk)
    return redirect("applications:application_edit", pk=application.pk)


@require_POST
def application_autosave(request, pk):
    """Save the editor's input without a version, a log entry or a notice; answers JSON (see editor.js)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "login", "message": str(SESSION_EXPIRED)}, status=401)
    application = own_application(request, pk, editable=True)
    client, seq = _client(request)
    try:
        saved = save_draft(application.pk, request.user, request.POST, parse_int(request.POST.get("revision")),
                           automatic=True, client=client, seq=seq)
    except Conflict as conflict:
        state = conflict.state
        return JsonResponse({"error": "conflict", "message": conflict_message(state, request.user),
                             "by": saver(state, request.user), "at": short_time(state.saved_at),
                             "revision": state.revision}, status=409)
    except ActionRefused as error:
        return JsonResponse({"error": "refused", "message": str(error)}, status=403)
    kept = _("Some input is not valid yet and was kept without being saved: %(parts)s.") % {
        "parts": "；".join(f"{part}（{'；'.join(msgs)}）" for part, msgs in saved.errors)} if saved.errors else ""
    return JsonResponse({"revision": saved.state.revision, "saved_at": short_time(saved.state.saved_at),
                         "message": saved_message(saved.state), "complete": saved.complete, "rows": saved.rows,
                         "kept": kept})


@login_required
@require_POST
def eligibility(request, pk):
    """The eligibility panel for the editor's current (unsaved) data."""
    application = own_application(request, pk, editable=True)
    form = ApplicationForm(request.POST, instance=application, programme=application.programme)
    formsets = build_formsets(application, request.POST)
    results = evaluate(facts_from_forms(application, form, formsets))
    return render(request, "applications/_eligibility.html", {
        "results": results, "blocking": sum(1 for r in results if r.blocks)})
