"""A filed consortium's supervision page (its unit, programme staff and a commissioned evaluator each see
what they may do there), and the list of the user's consortia."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render

from applications import lifecycle

from .. import forms
from ..permissions import is_commissioned_for
from ..selectors import consortia_in_scope, overview
from .common import consortium_or_404, page_of


@login_required
def consortium(request, application_id):
    application = consortium_or_404(request, application_id)
    context = overview(application)
    is_staff = lifecycle.is_staff_of(application, request.user)
    context.update({
        "is_staff": is_staff, "is_consortium": lifecycle.is_applicant_of(application, request.user),
        "is_evaluator": is_commissioned_for(application, request.user),
        "revoked": application.revoked_on is not None,
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
