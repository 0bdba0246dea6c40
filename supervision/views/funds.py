"""The funds page: what was granted (拨付) and recovered (追回) per programme and year within the user's
scope (programme staff: their authority's programmes; the administrator: all), with an Excel export."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from portal.models import Role
from review.views.exports import XLSX

from ..exports import funds_workbook
from ..selectors import funds_by_programme, funds_programmes, funds_totals
from .lists import _staff


def _figures(request):
    """The user's programmes, the one chosen with ?programme= (None: all), the rows and their totals."""
    _staff(request)
    programmes = funds_programmes(request.user)
    chosen = next((p for p in programmes if str(p.pk) == request.GET.get("programme")), None)
    rows = funds_by_programme(request.user, chosen)
    return programmes, chosen, rows, funds_totals(rows)


def _scope_label(user, programme):
    if programme is not None:
        return programme.title
    if user.role == Role.STAFF and user.authority_id:
        return user.authority.name
    return _("All programmes")


@login_required
def funds(request):
    programmes, chosen, rows, totals = _figures(request)
    return render(request, "supervision/funds.html", {
        "programmes": programmes, "chosen": chosen, "rows": rows, "totals": totals,
        "query": f"programme={chosen.pk}" if chosen else ""})


@login_required
def funds_export(request):
    programmes, chosen, rows, totals = _figures(request)
    body = funds_workbook(rows, totals, _scope_label(request.user, chosen))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"funds-{timezone.localdate():%Y%m%d}.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response
