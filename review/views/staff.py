"""(being written)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods

from applications.models import Programme
from applications.scoping import visible_applications
from applications.selectors import latest_files
from applications.services import ActionRefused, present, snapshot
from portal.downloads import private_file
from portal.models import Role
from review import services, workflow
from review.calendar import WorkingCalendar
from review.filters import (
    LIST_ROLES,
    ApplicationFilter,
    days_waited,
    export_workbook,
    field_options,
    staff_queryset,
    with_waiting,
)
from review.forms import AgreementForm, DecisionForm, FindingForm, FormalReviewForm, PublicityForm
from review.models import (
    Assignment,
    Decision,
    Document,
    FilingAgreement,
    FormalReview,
    Job,
    Objection,
    PublicityBatch,
    PublicityEntry,
)
from review.workflow import State

# --- staff list, export, formal review, dashboards ------------------------------------------------

def _list_user(request):
    """Programme staff, district reviewers and the system administrator use the list (own scope)."""
    if request.user.role not in LIST_ROLES:
        raise PermissionDenied(_("Only reviewers and programme staff can see this list."))


def _filtered(request):
    return ApplicationFilter(request.GET or None, queryset=staff_queryset(request.user), request=request)


@login_required
def staff_list(request):
    _list_user(request)
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("Some filters are not valid; they are marked below."))
        queryset = filterset.queryset.none()
    else:
        queryset = filterset.qs
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    acting = ACTING_STATES.get(request.user.role, ())
    for application in page:
        application.days_waited = days_waited(application.waiting_since, today)
        if application.state in acting:
            application.action_url, application.action_label = action_link(application)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "review/staff/list.html", {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "field_options": field_options(filterset.form.fields["programme"].queryset),
    })


@login_required
def staff_export(request):
    _list_user(request)
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("Some filters are not valid; nothing was exported."))
        return redirect(f"{reverse('staff_list')}?{request.GET.urlencode()}")
    data = export_workbook(filterset.qs)
    filename = "{}-{}.xlsx".format(_("applications"), timezone.localtime().strftime("%Y%m%d-%H%M"))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _formal_queryset(user):
    """The application with everything the checklist and the snapshot read, each in one query."""
    from applications.models import Attachment

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
    if not workflow.is_staff_of(application, request.user):
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
                                                     ip=services.client_ip(request))
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
        "timeline": application.log.select_related("actor"),
    })


#: Where an item waiting in a state is acted on (URL name; "approved" depends on the route).
ACTION_URLS = {
    State.DISTRICT_REVIEW: "district_review",
    State.FORMAL_REVIEW: "formal_review",
    State.EXPERT_PENDING: "expert_organise",
    State.EXPERT_REVIEW: "expert_organise",
    State.DECISION: "decision",
    State.RETURNED: "application_edit",
}
ACTION_LABELS = {
    State.DISTRICT_REVIEW: gettext_lazy("Initial review"),
    State.FORMAL_REVIEW: gettext_lazy("Formal review"),
    State.EXPERT_PENDING: gettext_lazy("Draw experts"),
    State.EXPERT_REVIEW: gettext_lazy("Expert evaluation"),
    State.DECISION: gettext_lazy("Decide"),
    State.RETURNED: gettext_lazy("Revise and resubmit"),
}


def action_link(application):
    """(URL, label) of the page where the one waited-for action on ``application`` is taken."""
    state = application.state
    if state == State.APPROVED:
        if workflow.route_has_publicity(application):
            return reverse("publicity_manage"), _("Open publicity")
        return reverse("filing"), _("File")
    if state == State.PUBLICITY:
        batch_id = getattr(application, "publicity_batch_id", None)
        if batch_id:
            return reverse("publicity_batch", args=[batch_id]), _("Publicity and objections")
        return reverse("publicity_manage"), _("Publicity and objections")
    if state in ACTION_URLS:
        return reverse(ACTION_URLS[state], args=[application.pk]), str(ACTION_LABELS[state])
    return application.get_absolute_url(), pgettext("button: view a record", "Open")


#: The states in which each role is the one to act (the rest of its list is for information).
ACTING_STATES = {
    Role.DISTRICT: (State.DISTRICT_REVIEW,),
    Role.STAFF: (State.FORMAL_REVIEW, State.EXPERT_PENDING, State.EXPERT_REVIEW, State.DECISION, State.APPROVED,
                 State.PUBLICITY),
}
QUEUE_LIMIT = 20


def dashboard_context(user):
    """What a role's workspace shows: counts by state in its scope, the items waiting for it (oldest
    first, at most 20, with days waited and the link to act), and pending objections (staff).

    Keys: ``state_counts`` [(state, label, n)], ``queue`` [{application, waited, since, url, action}],
    ``queue_total``, ``queue_more``, ``pending_objections`` (None for roles that have none),
    ``expert_invitations`` (experts: invitations and accepted assignments still to score).
    """
    scope = visible_applications(user)
    if user.role != Role.APPLICANT:
        scope = scope.exclude(state=State.DRAFT)
    order = {value: index for index, value in enumerate(State.values)}
    labels = dict(State.choices)
    rows = scope.order_by().values("state").annotate(n=Count("id"))
    state_counts = sorted(((r["state"], labels.get(r["state"], r["state"]), r["n"]) for r in rows),
                          key=lambda row: order.get(row[0], 99))

    if user.role == Role.APPLICANT:
        waiting = scope.filter(state=State.RETURNED)
    else:
        waiting = services.waiting_queue(user)
    batch = PublicityEntry.objects.filter(application=OuterRef("pk")).order_by("-batch__starts_on", "-batch_id")
    waiting = with_waiting(waiting.select_related("programme__authority", "unit", "district")).annotate(
        publicity_batch_id=Subquery(batch.values("batch_id")[:1]))
    waiting = waiting.order_by(F("waiting_since").asc(nulls_last=True), "pk")
    today = timezone.localdate()
    queue = []
    for application in waiting[:QUEUE_LIMIT]:
        url, action = action_link(application)
        queue.append({"application": application, "since": application.waiting_since,
                      "waited": days_waited(application.waiting_since, today), "url": url, "action": action})
    queue_total = len(queue) if len(queue) < QUEUE_LIMIT else waiting.count()

    pending = None
    if user.role in (Role.STAFF, Role.ADMIN):
        objections = Objection.objects.filter(finding=Objection.Finding.PENDING)
        if user.role == Role.STAFF:
            objections = objections.filter(entry__application__programme__authority_id=user.authority_id)
        pending = objections.count()

    invitations = None
    if user.role == Role.EXPERT:
        invitations = Assignment.objects.filter(expert__user=user, status__in=["invited", "accepted"]).count()
    return {"state_counts": state_counts, "queue": queue, "queue_total": queue_total,
            "queue_more": queue_total > len(queue), "pending_objections": pending, "expert_invitations": invitations}


# --- decision, publicity, objections and filing (programme staff) --------------------------------------

def _require_staff(request):
    """These pages act for one authority: programme staff only."""
    if request.user.role != Role.STAFF or not request.user.authority_id:
        raise PermissionDenied(_("Only programme staff can do this."))


def _posted_ids(request):
    ids = []
    for value in request.POST.getlist("ids"):
        try:
            ids.append(int(value))
        except ValueError:
            continue
    return list(dict.fromkeys(ids))


def _authority_programme(request, programmes):
    """The programme chosen with ?programme= (or in the form), else the first one."""
    chosen = request.POST.get("programme") or request.GET.get("programme")
    for programme in programmes:
        if str(programme.pk) == chosen:
            return programme
    return programmes[0] if programmes else None


def _outcome_message(outcome, count):
    if outcome == Decision.Outcome.APPROVE:
        return _("%(n)d application(s) approved.") % {"n": count}
    return _("%(n)d application(s) refused.") % {"n": count}


@login_required
@require_http_methods(["GET", "POST"])
def decision(request, pk):
    """审定: approve or refuse one application awaiting decision."""
    _require_staff(request)
    application = get_object_or_404(
        visible_applications(request.user).select_related("programme__authority", "unit", "district")
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.filter(status="submitted"))),
        pk=pk)
    meeting = workflow.stage_params(application, "decision").get("meeting")
    form = DecisionForm(request.POST or None, meeting=meeting)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.decide([application.pk], request.user, form.cleaned_data["outcome"],
                                reason=form.cleaned_data["reason"].strip(),
                                meeting=form.new_meeting(application.programme, request.user),
                                ip=services.client_ip(request))
            except ActionRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _outcome_message(form.cleaned_data["outcome"], 1))
                return redirect(application)
        else:
            messages.error(request, _("Nothing was decided: please correct the fields marked in red."))
    assignments = list(application.assignments.all())
    return render(request, "review/staff/decision.html", {
        "application": application,
        "form": form,
        "meeting": meeting,
        "awaiting": application.state == State.DECISION,
        "aggregate": services.aggregate(application, assignments),
        "scored": len(assignments),
        "decisions": application.decisions.select_related("meeting", "by").order_by("at"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def decision_batch(request):
    """审定 in a batch: one outcome and one meeting record for the chosen applications of one programme."""
    _require_staff(request)
    visible = visible_applications(request.user)
    programmes = list(Programme.objects.filter(authority_id=request.user.authority_id).annotate(
        waiting=Count("applications", filter=Q(applications__state=State.DECISION))).order_by("-opens_on", "pk"))
    with_waiting = [p for p in programmes if p.waiting] or programmes
    programme = _authority_programme(request, with_waiting)
    meeting = (programme.stage("decision") or {}).get("meeting") if programme else None
    form = DecisionForm(request.POST or None, meeting=meeting)
    selected = set()
    if request.method == "POST" and programme is not None:
        selected = set(_posted_ids(request))
        valid = form.is_valid()
        if not selected:
            messages.error(request, _("Choose at least one application."))
        elif visible.filter(pk__in=selected, programme=programme).count() != len(selected):
            messages.error(request, _("Some of the chosen applications are not of this programme; nothing was "
                                      "decided."))
        elif not valid:
            messages.error(request, _("Nothing was decided: please correct the fields marked in red."))
        else:
            try:
                done = services.decide(sorted(selected), request.user, form.cleaned_data["outcome"],
                                       reason=form.cleaned_data["reason"].strip(),
                                       meeting=form.new_meeting(programme, request.user),
                                       ip=services.client_ip(request))
            except ActionRefused as error:
                messages.error(request, _("Nothing was decided: %(reason)s") % {"reason": error})
            else:
                messages.success(request, _outcome_message(form.cleaned_data["outcome"], len(done)))
                return redirect(f"{reverse('decision_batch')}?{urlencode({'programme': programme.pk})}")
    waiting = visible.none()
    if programme is not None:
        waiting = (visible.filter(state=State.DECISION, programme=programme)
                   .select_related("programme", "unit", "district")
                   .annotate(waiting_since=Max("log__at", filter=Q(log__target=State.DECISION)))
                   .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.filter(status="submitted")))
                   .order_by("waiting_since", "pk"))
    page = Paginator(waiting, 25).get_page(request.GET.get("page"))
    rows = [(app, services.aggregate(app, list(app.assignments.all()))) for app in page]
    return render(request, "review/staff/decision_batch.html", {
        "programmes": programmes, "programme": programme, "meeting": meeting, "form": form,
        "page": page, "rows": rows, "selected": selected,
    })


def _publicity_programmes(user):
    return [p for p in Programme.objects.filter(authority_id=user.authority_id).order_by("-opens_on", "pk")
            if p.stage("publicity")]


@login_required
@require_http_methods(["GET", "POST"])
def publicity_manage(request):
    """公示管理: choose approved applications and a start date, see the end date, confirm; the batches."""
    _require_staff(request)
    programmes = _publicity_programmes(request.user)
    programme = _authority_programme(request, programmes)
    candidates = []
    if programme is not None:
        approved = (visible_applications(request.user).filter(state=State.APPROVED, programme=programme)
                    .select_related("programme", "unit", "district").order_by("name", "pk"))
        candidates = [app for app in approved if workflow.route_has_publicity(app)]
    form = PublicityForm(request.POST or None)
    selected, preview = set(), None
    if request.method == "POST" and programme is not None:
        selected = set(_posted_ids(request))
        if not selected:
            messages.error(request, _("Choose at least one approved application."))
        elif form.is_valid():
            preview = WorkingCalendar().period(form.cleaned_data["starts_on"], programme.publicity_working_days)
            if request.POST.get("step") == "open":
                if request.POST.get("previewed") != f"{preview.start.isoformat()}|{preview.end.isoformat()}":
                    messages.warning(request, _("The start date changed: check the new end date, then confirm."))
                elif not request.POST.get("confirm"):
                    messages.error(request, _("Please confirm the period before opening the publicity."))
                else:
                    try:
                        batch, _period = services.open_publicity(
                            programme, sorted(selected), request.user, form.cleaned_data["starts_on"],
                            title=form.cleaned_data["title"].strip(), ip=services.client_ip(request))
                    except ActionRefused as error:
                        messages.error(request, _("The publicity was not opened: %(reason)s") % {"reason": error})
                    else:
                        messages.success(request, _("The publicity is open from %(start)s to %(end)s.") % {
                            "start": batch.starts_on.isoformat(), "end": batch.ends_on.isoformat()})
                        return redirect("publicity_batch", batch_id=batch.pk)
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    batches = (PublicityBatch.objects.filter(programme__authority_id=request.user.authority_id)
               .select_related("programme")
               .annotate(entry_count=Count("entries", distinct=True),
                         pending=Count("entries__objections",
                                       filter=Q(entries__objections__finding=Objection.Finding.PENDING),
                                       distinct=True))
               .order_by("-starts_on", "-pk"))
    return render(request, "review/staff/publicity_manage.html", {
        "programmes": programmes, "programme": programme, "candidates": candidates, "form": form,
        "selected": selected, "preview": preview,
        "fallback_years": sorted(preview.fallback_years) if preview else [],
        "chosen": [app for app in candidates if app.pk in selected],
        "batches": Paginator(batches, 20).get_page(request.GET.get("page")),
        "today": timezone.localdate(),
    })


def _staff_batch(request, batch_id):
    return get_object_or_404(PublicityBatch.objects.select_related("programme").filter(
        programme__authority_id=request.user.authority_id), pk=batch_id)


@login_required
def publicity_batch(request, batch_id):
    """One publicity batch for staff: its entries and the objections with the objectors' identity."""
    _require_staff(request)
    batch = _staff_batch(request, batch_id)
    entries = (batch.entries.select_related("application__unit", "application__district")
               .prefetch_related(Prefetch("objections", queryset=Objection.objects.select_related("found_by")
                                          .order_by("submitted_at", "pk")))
               .order_by("application__name", "pk"))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    pending = Objection.objects.filter(entry__batch=batch, finding=Objection.Finding.PENDING).count()
    today = timezone.localdate()
    return render(request, "review/staff/publicity_batch.html", {
        "batch": batch, "page": page, "pending": pending, "today": today,
        "running": batch.is_running(today), "ended": batch.ends_on < today,
        "documents": list(Document.objects.filter(batch=batch).order_by("-version")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def objection_finding(request, objection_id):
    """Record the finding on one objection: upheld (returned or refused) or dismissed."""
    _require_staff(request)
    objection = get_object_or_404(
        Objection.objects.select_related("entry__batch__programme", "entry__application__unit", "found_by")
        .filter(entry__batch__programme__authority_id=request.user.authority_id), pk=objection_id)
    form = FindingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_finding(objection.pk, request.user, form.cleaned_data["finding"],
                                        form.cleaned_data["text"].strip(),
                                        action=form.cleaned_data["action"] or "return",
                                        ip=services.client_ip(request))
            except ActionRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The finding is recorded."))
                return redirect("publicity_batch", batch_id=objection.entry.batch_id)
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    return render(request, "review/staff/objection_finding.html", {
        "objection": objection, "entry": objection.entry, "batch": objection.entry.batch, "form": form,
        "pending": objection.finding == Objection.Finding.PENDING,
    })


@login_required
def objection_letter(request, objection_id):
    """The signed letter of a unit's objection: staff of the programme's authority only."""
    _require_staff(request)
    objection = get_object_or_404(Objection.objects.filter(
        entry__batch__programme__authority_id=request.user.authority_id), pk=objection_id)
    return private_file(objection.letter, f"objection-{objection.pk}-letter.pdf")


def filing_obstacle(application, today):
    """Why an approved or publicised application cannot be filed yet (None when it can).

    Mirrors the conditions of the ``file`` transition in review.workflow, with the dates and counts.
    ``application.publicity_entries`` is prefetched newest first, each with ``batch`` and ``pending``.
    """
    reasons = []
    if application.needs_agreement:
        reasons.append(_("The signed agreement with targets has not been uploaded."))
    if application.state == State.APPROVED:
        if workflow.route_has_publicity(application):
            reasons.insert(0, _("Publicity has not been opened for it yet."))
        return " ".join(reasons) or None
    entries = list(application.publicity_entries.all())
    if not entries:
        return _("It is in no publicity batch.")
    entry = entries[0]
    if entry.batch.starts_on > today:
        reasons.append(_("The publicity period starts on %(start)s and ends on %(end)s.") % {
            "start": entry.batch.starts_on.isoformat(), "end": entry.batch.ends_on.isoformat()})
    elif entry.batch.ends_on >= today:
        reasons.append(_("The publicity period ends on %(end)s.") % {"end": entry.batch.ends_on.isoformat()})
    if entry.pending:
        reasons.append(_("%(n)d objection(s) still wait for a finding.") % {"n": entry.pending})
    return " ".join(reasons) or None


@login_required
@require_http_methods(["GET", "POST"])
def filing(request):
    """备案: file the applications that are ready; each gets a certificate number and a filing date."""
    _require_staff(request)
    visible = visible_applications(request.user)
    if request.method == "POST":
        ids = _posted_ids(request)
        if not ids:
            messages.error(request, _("Choose at least one application to file."))
        elif not request.POST.get("confirm"):
            messages.error(request, _("Please confirm the filing: it cannot be undone."))
        else:
            try:
                done = services.file_applications(ids, request.user, ip=services.client_ip(request))
            except ActionRefused as error:
                messages.error(request, _("Nothing was filed: %(reason)s") % {"reason": error})
            else:
                messages.success(request, _("%(n)d application(s) filed.") % {"n": len(done)})
                return redirect(f"{reverse('filing')}?{urlencode([('filed', app.pk) for app in done])}")
    today = timezone.localdate()
    entries = (PublicityEntry.objects.select_related("batch")
               .annotate(pending=Count("objections", filter=Q(objections__finding=Objection.Finding.PENDING)))
               .order_by("-batch__starts_on", "-batch_id"))
    candidates = (visible.filter(state__in=[State.APPROVED, State.PUBLICITY])
                  .select_related("programme", "unit", "district")
                  .prefetch_related(Prefetch("publicity_entries", queryset=entries))
                  .annotate(has_agreement=Exists(FilingAgreement.objects.filter(application=OuterRef("pk"))))
                  .order_by("programme_id", "name", "pk"))
    ready, waiting = [], []
    for application in candidates:
        application.needs_agreement = (bool(workflow.stage_params(application, "filing").get("agreement"))
                                       and not application.has_agreement)
        obstacle = filing_obstacle(application, today)
        if obstacle:
            waiting.append((application, obstacle))
        else:
            ready.append(application)
    filed_ids = [int(v) for v in request.GET.getlist("filed") if v.isdigit()]
    just_filed = (visible.filter(pk__in=filed_ids, state=State.FILED).select_related("programme", "unit")
                  .order_by("certificate_number") if filed_ids else [])
    selected = set(_posted_ids(request)) if request.method == "POST" else set()
    announcements = (Document.objects.filter(
        kind=Job.Kind.FILING_ANNOUNCEMENT, batch__isnull=True, application__isnull=True,
        job__payload__programme__in=list(Programme.objects.filter(authority_id=request.user.authority_id)
                                         .values_list("pk", flat=True)))
        .order_by("-created_at")[:10])
    return render(request, "review/staff/filing.html", {
        "announcements": list(announcements),
        "ready": Paginator(ready, 50).get_page(request.GET.get("page")),
        "waiting": Paginator(waiting, 50).get_page(request.GET.get("wpage")),
        "just_filed": just_filed, "selected": selected, "today": today,
    })


@login_required
@require_http_methods(["GET", "POST"])
def filing_agreement(request, pk):
    """中关村: the agreement with targets, signed after admission, uploaded by staff before filing."""
    _require_staff(request)
    application = get_object_or_404(visible_applications(request.user).select_related("programme", "unit"), pk=pk)
    if not workflow.is_staff_of(application, request.user):
        raise Http404
    if not workflow.stage_params(application, "filing").get("agreement"):
        raise Http404
    form = AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.store_filing_agreement(application.pk, request.user, form.cleaned_data["file"],
                                            form.cleaned_data["signed_on"], form.cleaned_data["note"])
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The agreement with targets of “%(name)s” is stored.") % {"name": application})
            return redirect("filing")
    return render(request, "review/staff/agreement.html", {
        "application": application, "form": form,
        "targets": application.targets.all(),
        "agreements": application.filing_agreements.select_related("uploaded_by"),
        "can_upload": application.state in (State.APPROVED, State.PUBLICITY),
    })


@login_required
def filing_agreement_download(request, pk, agreement_id):
    """The agreement, for the applicant unit and the programme staff only."""
    application = get_object_or_404(visible_applications(request.user).select_related("programme__authority"), pk=pk)
    if not (workflow.is_applicant_of(application, request.user) or workflow.is_staff_of(application, request.user)):
        raise Http404
    agreement = get_object_or_404(FilingAgreement, pk=agreement_id, application=application)
    return private_file(agreement.file, agreement.name or "agreement.pdf")
