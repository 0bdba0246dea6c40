"""备案: filing the applications that are ready, and the agreement with targets some programmes need first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications import lifecycle, stages
from applications.models import Programme
from applications.selectors import visible_applications
from applications.stages import StageKey
from applications.states import State
from notices.models import Document, Job
from portal.downloads import private_file
from portal.lifecycle import ActionRefused, obstacles
from review import services
from review.forms import AgreementForm
from review.models import FilingAgreement, Objection, PublicityEntry

from .common import client_ip, posted_ids, require_staff


def filing_obstacle(application, today):
    """Why an approved or publicised application cannot be filed yet (None when it can): what each
    condition of its ``file`` transition explains (applications.stages), with the dates and counts."""
    return " ".join(obstacles(application, "file", today)) or None


def _file_chosen(request):
    """File the posted applications: the redirect that lists them, or None with the reason shown."""
    ids = posted_ids(request)
    if not ids:
        messages.error(request, _("Choose at least one application to file."))
        return None
    if not request.POST.get("confirm"):
        messages.error(request, _("Please confirm the filing: it cannot be undone."))
        return None
    try:
        done = services.file_applications(ids, request.user, ip=client_ip(request))
    except ActionRefused as error:
        messages.error(request, _("Nothing was filed: %(reason)s") % {"reason": error})
        return None
    messages.success(request, _("%(n)d application(s) filed.") % {"n": len(done)})
    return redirect(f"{reverse('review:filing')}?{urlencode([('filed', app.pk) for app in done])}")


def _filing_candidates(visible, today):
    """(ready, waiting): the approved and publicised applications that can be filed now, and the others
    as (application, why not yet)."""
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
        # The page offers the upload where the programme asks for an agreement not yet uploaded.
        application.needs_agreement = (bool(stages.stage_params(application, StageKey.FILING).get("agreement"))
                                       and not application.has_agreement)
        obstacle = filing_obstacle(application, today)
        if obstacle:
            waiting.append((application, obstacle))
        else:
            ready.append(application)
    return ready, waiting


def _filing_announcements(user):
    """The latest filing announcements (备案公告) of the user's authority, at most 10."""
    return list(Document.objects.filter(
        kind=Job.Kind.FILING_ANNOUNCEMENT, subject_type__isnull=True,
        job__payload__programme__in=list(Programme.objects.filter(authority_id=user.authority_id)
                                         .values_list("pk", flat=True)))
        .order_by("-created_at")[:10])


@login_required
@require_http_methods(["GET", "POST"])
def filing(request):
    """备案: file the applications that are ready; each gets a certificate number and a filing date."""
    require_staff(request)
    visible = visible_applications(request.user)
    if request.method == "POST":
        response = _file_chosen(request)
        if response is not None:
            return response
    today = timezone.localdate()
    ready, waiting = _filing_candidates(visible, today)
    filed_ids = [int(v) for v in request.GET.getlist("filed") if v.isdigit()]
    just_filed = (visible.filter(pk__in=filed_ids, state=State.FILED).select_related("programme", "unit")
                  .order_by("certificate_number") if filed_ids else [])
    selected = set(posted_ids(request)) if request.method == "POST" else set()
    return render(request, "review/staff/filing.html", {
        "announcements": _filing_announcements(request.user),
        "ready": Paginator(ready, 50).get_page(request.GET.get("page")),
        "waiting": Paginator(waiting, 50).get_page(request.GET.get("wpage")),
        "just_filed": just_filed, "selected": selected, "today": today,
    })


@login_required
@require_http_methods(["GET", "POST"])
def filing_agreement(request, pk):
    """中关村: the agreement with targets, signed after admission, uploaded by staff before filing."""
    require_staff(request)
    application = get_object_or_404(visible_applications(request.user).select_related("programme", "unit"), pk=pk)
    if not lifecycle.is_staff_of(application, request.user):
        raise Http404
    if not stages.stage_params(application, StageKey.FILING).get("agreement"):
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
            return redirect("review:filing")
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
    if not (lifecycle.is_applicant_of(application, request.user) or lifecycle.is_staff_of(application, request.user)):
        raise Http404
    agreement = get_object_or_404(FilingAgreement, pk=agreement_id, application=application)
    return private_file(agreement.file, agreement.name or "agreement.pdf")
