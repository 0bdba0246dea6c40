"""公示 for programme staff: opening a publicity period, a batch with its objections, the finding on
an objection and a unit's signed letter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from applications import stages
from applications.models import Programme
from applications.selectors import visible_applications
from applications.stages import StageKey
from applications.states import State
from portal.downloads import private_file
from portal.lifecycle import ActionRefused
from review import services
from review.calendar import WorkingCalendar
from review.forms import FindingForm, PublicityForm
from review.models import Objection, ObjectionMark
from review.selectors import visible_batches, visible_objections

from .common import authority_programme, client_ip, posted_ids, require_staff


def _publicity_programmes(user):
    return [p for p in Programme.objects.filter(authority_id=user.authority_id).order_by("-opens_on", "pk")
            if p.stage(StageKey.PUBLICITY)]


def _publicity_candidates(user, programme):
    """The programme's approved applications whose route goes through publicity."""
    if programme is None:
        return []
    approved = (visible_applications(user).filter(state=State.APPROVED, programme=programme)
                .select_related("programme", "unit", "district").order_by("name", "pk"))
    return [app for app in approved if stages.route_has_publicity(app)]


def _open_publicity(request, programme, selected, form, preview):
    """The confirmed step: open the previewed period (the redirect to the batch), or None with the reason."""
    if request.POST.get("previewed") != f"{preview.start.isoformat()}|{preview.end.isoformat()}":
        messages.warning(request, _("The start date changed: check the new end date, then confirm."))
        return None
    if not request.POST.get("confirm"):
        messages.error(request, _("Please confirm the period before opening the publicity."))
        return None
    try:
        batch, _period = services.open_publicity(
            programme, sorted(selected), request.user, form.cleaned_data["starts_on"],
            title=form.cleaned_data["title"].strip(), ip=client_ip(request))
    except ActionRefused as error:
        messages.error(request, _("The publicity was not opened: %(reason)s") % {"reason": error})
        return None
    messages.success(request, _("The publicity is open from %(start)s to %(end)s.") % {
        "start": batch.starts_on.isoformat(), "end": batch.ends_on.isoformat()})
    return redirect("review:publicity_batch", batch_id=batch.pk)


def _authority_batches(user):
    """The publicity batches of the user's authority, newest first, with their entries and pending objections
    counted."""
    return (visible_batches(user).select_related("programme")
            .annotate(entry_count=Count("entries", distinct=True),
                      pending=Count("entries__objections",
                                    filter=Q(entries__objections__finding=Objection.Finding.PENDING),
                                    distinct=True))
            .order_by("-starts_on", "-pk"))


@login_required
@require_http_methods(["GET", "POST"])
def publicity_manage(request):
    """公示管理: choose approved applications and a start date, see the end date, confirm; the batches."""
    require_staff(request)
    programmes = _publicity_programmes(request.user)
    programme = authority_programme(request, programmes)
    candidates = _publicity_candidates(request.user, programme)
    form = PublicityForm(request.POST or None)
    selected, preview = set(), None
    if request.method == "POST" and programme is not None:
        selected = set(posted_ids(request))
        if not selected:
            messages.error(request, _("Choose at least one approved application."))
        elif form.is_valid():
            preview = WorkingCalendar().period(form.cleaned_data["starts_on"], programme.publicity_working_days)
            if request.POST.get("step") == "open":
                response = _open_publicity(request, programme, selected, form, preview)
                if response is not None:
                    return response
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    batches = _authority_batches(request.user)
    return render(request, "review/staff/publicity_manage.html", {
        "programmes": programmes, "programme": programme, "candidates": candidates, "form": form,
        "selected": selected, "preview": preview,
        "fallback_years": sorted(preview.fallback_years) if preview else [],
        "chosen": [app for app in candidates if app.pk in selected],
        "batches": Paginator(batches, 20).get_page(request.GET.get("page")),
        "today": timezone.localdate(),
    })


def _staff_batch(request, batch_id):
    return get_object_or_404(visible_batches(request.user).select_related("programme"), pk=batch_id)


@login_required
def publicity_batch(request, batch_id):
    """One publicity batch for staff: its entries and the objections with the objectors' identity."""
    require_staff(request)
    batch = _staff_batch(request, batch_id)
    entries = (batch.entries.select_related("application__unit", "application__district")
               .prefetch_related(Prefetch("objections", queryset=Objection.objects.select_related("found_by")
                                          .order_by("submitted_at", "pk")),
                                 Prefetch("objections__marks", queryset=ObjectionMark.objects.select_related("by")))
               .order_by("application__name", "pk"))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    counts = Objection.objects.filter(entry__batch=batch).aggregate(
        pending=Count("pk", filter=Q(finding=Objection.Finding.PENDING)),
        spam=Count("pk", filter=Q(finding=Objection.Finding.SPAM)))
    today = timezone.localdate()
    return render(request, "review/staff/publicity_batch.html", {
        "batch": batch, "page": page, **counts, "today": today,
        "running": batch.is_running(today), "ended": batch.ends_on < today,
        "documents": list(batch.documents.order_by("-version")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def objection_finding(request, objection_id):
    """Record the finding on one objection: upheld (returned or refused) or dismissed."""
    require_staff(request)
    objection = get_object_or_404(
        visible_objections(request.user).select_related("entry__batch__programme", "entry__application__unit",
                                                        "found_by"), pk=objection_id)
    form = FindingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_finding(objection.pk, request.user, form.cleaned_data["finding"],
                                        form.cleaned_data["text"].strip(),
                                        action=form.cleaned_data["action"] or "return",
                                        ip=client_ip(request))
            except ActionRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The finding is recorded."))
                return redirect("review:publicity_batch", batch_id=objection.entry.batch_id)
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    return render(request, "review/staff/objection_finding.html", {
        "objection": objection, "entry": objection.entry, "batch": objection.entry.batch, "form": form,
        "pending": objection.is_pending,
    })


@login_required
def objection_letter(request, objection_id):
    """The signed letter of a unit's objection: staff of the programme's authority only."""
    require_staff(request)
    objection = get_object_or_404(visible_objections(request.user), pk=objection_id)
    return private_file(objection.letter, f"objection-{objection.pk}-letter.pdf")


#: The bulk actions on objections: what the confirmation asks, the service, and what is said when done.
MARKS = {
    "spam": (gettext_lazy("Mark these objections as spam?"), services.mark_spam,
             gettext_lazy("%(n)d objection(s) marked as spam: they no longer block filing and can be restored.")),
    "restore": (gettext_lazy("Restore these objections?"), services.restore_objections,
                gettext_lazy("%(n)d objection(s) restored: they wait for a finding again.")),
}


@login_required
@require_http_methods(["POST"])
def objection_marks(request, batch_id):
    """Mark the ticked objections of a batch as spam, or restore them: the list to confirm, then the act."""
    require_staff(request)
    batch = _staff_batch(request, batch_id)
    action = request.POST.get("action")
    ids = posted_ids(request)
    back = redirect("review:publicity_batch", batch_id=batch.pk)
    if action not in MARKS or not ids:
        messages.error(request, _("Choose at least one objection."))
        return back
    question, act, done = MARKS[action]
    chosen = list(visible_objections(request.user).filter(pk__in=ids, entry__batch=batch)
                  .select_related("entry__application").order_by("submitted_at", "pk"))
    if request.POST.get("step") != "confirm":
        return render(request, "review/staff/objection_marks.html", {
            "batch": batch, "action": action, "question": question, "objections": chosen})
    try:
        count = act(ids, request.user, ip=client_ip(request))  # all or none, each checked by the service
    except ActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done % {"n": count})
    return back
