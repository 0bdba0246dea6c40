"""A filed consortium's supervision page (its unit, programme staff and a commissioned evaluator each see
what they may do there), and the list of the user's consortia."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from applications import lifecycle
from portal.downloads import private_file

from .. import forms
from ..models import SupervisionFile
from ..permissions import is_commissioned_for
from ..selectors import consortia_in_scope, overview
from .common import consortium_or_404, page_of


def _startable_years(application, context):
    """The years on which the consortium owes a report that is not made yet (the beat makes them; the unit may
    start one earlier)."""
    if not context["profile"].reports_required or application.revoked_on or not application.filed_on:
        return []
    made = {report.year for report in context["reports"]}
    return [y for y in range(application.filed_on.year, timezone.localdate().year) if y not in made]


@login_required
def consortium(request, application_id):
    application = consortium_or_404(request, application_id)
    context = overview(application)
    is_staff = lifecycle.is_staff_of(application, request.user)
    context.update({
        "is_staff": is_staff, "is_consortium": lifecycle.is_applicant_of(application, request.user),
        "is_evaluator": is_commissioned_for(application, request.user),
        "revoked": application.revoked_on is not None, "startable_years": _startable_years(application, context),
    })
    if is_staff and not application.revoked_on:
        context.update({
            "evaluation_form": forms.EvaluationForm(prefix="evaluation"),
            "commission_form": forms.CommissionForm(prefix="commission"),
            "rectification_form": forms.RectificationForm(prefix="rectification", evaluations=context["evaluations"]),
            "revocation_form": forms.RevocationForm(prefix="revocation"),
            "funds_form": forms.FundsForm(prefix="funds"),
        })
    return render(request, "supervision/consortium.html", context)


@login_required
def consortia(request):
    """The filed consortia in the user's scope (its own for a unit, the programme's for staff, the commissioned
    ones for an evaluator), searchable."""
    q = request.GET.get("q", "").strip()
    rows = consortia_in_scope(request.user).select_related("programme", "unit").order_by("-filed_on", "pk")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(certificate_number__icontains=q) | Q(unit__name__icontains=q))
    return render(request, "supervision/consortia.html", {"page": page_of(request, rows), "q": q})


@login_required
def file_download(request, file_id):
    """A supervision PDF (an evaluation report, a charter, a rectification report, a funds document), for those
    who see its consortium."""
    row = get_object_or_404(SupervisionFile.objects.filter(application__in=consortia_in_scope(request.user)),
                            pk=file_id)
    return private_file(row.file, row.original_name)
