"""Staff statistics: the figures of the user's scope with charts (ECharts, drawn in the browser from data
passed with ``json_script``: the CSP allows no inline script), and the same figures as an Excel workbook.

Programme staff see their authority's programmes, a district reviewer its district office, the administrator
everything (:mod:`review.statistics`); applicants and experts are refused.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from portal.models import Role
from review import statistics
from review.filters import LIST_ROLES

from .exports import XLSX


def _figures(request):
    """The user's programmes, the one chosen with ?programme= (None: all of them), and the figures."""
    if request.user.role not in LIST_ROLES:
        raise PermissionDenied(_("Only reviewers and programme staff can see the statistics."))
    programmes = statistics.statistics_programmes(request.user)
    chosen = next((p for p in programmes if str(p.pk) == request.GET.get("programme")), None)
    found = statistics.figures(statistics.statistics_scope(request.user, chosen))
    return programmes, chosen, found


def scope_label(user, programme=None):
    """What the figures cover, in words (the workbook's summary says it)."""
    if programme is not None:
        return programme.title
    if user.role == Role.DISTRICT and user.district_id:
        return user.district.name
    if user.role == Role.STAFF and user.authority_id:
        return user.authority.name
    return _("All programmes")


@login_required
def statistics_page(request):
    programmes, chosen, found = _figures(request)
    return render(request, "review/staff/statistics.html", {
        "programmes": programmes, "chosen": chosen, "found": found, "charts": statistics.chart_data(found),
        "query": f"programme={chosen.pk}" if chosen else "",
    })


@login_required
def statistics_export(request):
    programmes, chosen, found = _figures(request)
    response = HttpResponse(statistics.workbook(found, scope_label(request.user, chosen)), content_type=XLSX)
    filename = f"statistics-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
