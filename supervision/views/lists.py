"""The staff's lists: annual reports (by state, or overdue), evaluations (by grade), change requests and
revocations (by state); each searchable by consortium, lead unit or certificate number, and paginated."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Role

from ..choices import ChangeState, Grade, ReportState, RevocationState
from ..models import AnnualReport, ChangeRequest, Evaluation, Revocation
from ..selectors import in_scope, overdue_reports, search
from .common import page_of

OVERDUE = "overdue"


def _staff(request):
    if request.user.role not in (Role.STAFF, Role.ADMIN):
        raise PermissionDenied(_("Only programme staff can see this list."))


def _listing(request, model, title, choices, field, columns, row, order, extra=None):
    _staff(request)
    today = timezone.localdate()
    rows = in_scope(model, request.user).select_related("application__unit", "application__programme")
    chosen = request.GET.get("filter", "")
    if chosen == OVERDUE and extra:
        rows = overdue_reports(rows, today)
    elif chosen in dict(choices):
        rows = rows.filter(**{field: chosen})
    q = request.GET.get("q", "").strip()
    page = page_of(request, search(rows, q).order_by(*order))
    options = list(choices) + ([(OVERDUE, extra)] if extra else [])
    return render(request, "supervision/list.html", {
        "title": title, "options": options, "chosen": chosen, "q": q, "page": page, "columns": columns,
        "rows": [row(item, today) for item in page], "list_name": request.resolver_match.url_name})


def _consortium_cells(item):
    return [item.application.certificate_number or "", str(item.application), item.application.unit.name]


COMMON = [gettext_lazy("Certificate number"), gettext_lazy("Consortium"), gettext_lazy("Lead unit")]


@login_required
def reports(request):
    def row(report, today):
        state = report.get_state_display() + (" · " + _("overdue") if report.is_overdue(today) else "")
        return reverse("supervision:report_review", args=[report.pk]), _consortium_cells(report) + [
            str(report.year), report.due_on.isoformat(), state]
    return _listing(request, AnnualReport, _("Annual reports"), ReportState.choices, "state",
                    COMMON + [_("Year"), _("Due on"), _("State")], row, ["due_on", "pk"], extra=_("overdue"))


@login_required
def evaluations(request):
    def row(evaluation, today):
        marks = [evaluation.get_state_display()] + ([_("continued support")] if evaluation.continued_support else [])
        return reverse("supervision:consortium", args=[evaluation.application_id]), _consortium_cells(evaluation) + [
            str(evaluation.period), "" if evaluation.score is None else str(evaluation.score),
            evaluation.get_grade_display(), " · ".join(marks)]
    return _listing(request, Evaluation, _("Evaluations"), Grade.choices, "grade",
                    COMMON + [_("Period"), _("Score"), _("Grade"), _("State")], row, ["-period", "pk"])


@login_required
def changes(request):
    def row(change, today):
        return reverse("supervision:change_review", args=[change.pk]), _consortium_cells(change) + [
            change.get_kind_display(), timezone.localtime(change.requested_at).strftime("%Y-%m-%d"),
            change.get_state_display()]
    return _listing(request, ChangeRequest, _("Change requests"), ChangeState.choices[1:], "state",
                    COMMON + [_("Change of"), _("Filed on"), _("State")], row, ["-requested_at", "-pk"])


@login_required
def revocations(request):
    def row(revocation, today):
        return reverse("supervision:revocation_review", args=[revocation.pk]), _consortium_cells(revocation) + [
            revocation.get_ground_display(), revocation.proposed_on.isoformat(),
            revocation.effective_on.isoformat() if revocation.effective_on else "", revocation.get_state_display()]
    return _listing(request, Revocation, _("Revocations"), RevocationState.choices, "state",
                    COMMON + [_("Ground"), _("Proposed on"), _("Revoked on"), _("State")], row,
                    ["-proposed_on", "-pk"])
