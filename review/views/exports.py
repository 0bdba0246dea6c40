"""The staff list's Excel export: a small one at once, a large one made in the background.

The export is asked for by a POST (the list's export button, a form with the CSRF token whose action keeps the
list's query string): a large one writes an ``ExportJob``, and nothing may change state on a GET.  A GET of the
export URL (a bookmark, a link from before, a prefetching browser) makes nothing: it shows how many rows the
filters select and the same button to confirm.  Up to ``EXPORT_IMMEDIATE_ROWS`` rows the file is the response.  Beyond, the export is queued
(:mod:`review.services.exports`) and the user is sent to its page, which shows the progress (updated
from ``export_status``) and then the download link; an inbox notice says when it is ready.  An export is
its requester's only: another user's id is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.downloads import private_file
from review.models import ExportJob
from review.services.exports import export_filename, export_filters, request_export
from review.workbook import export_workbook

from .lists import _filtered, _list_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _list_query(request):
    """The list's query string without its page (what the export keeps, what the list is linked back with)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_http_methods(["GET", "POST"])
@login_required
def staff_export(request):
    """POST: the file (or its background job); GET: the page that asks to confirm, which makes nothing."""
    _list_user(request)
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("Some filters are not valid; nothing was exported."))
        return redirect(f"{reverse('review:staff_list')}?{request.GET.urlencode()}")
    total = filterset.qs.count()
    if request.method != "POST":
        query = _list_query(request)
        return render(request, "review/staff/export_confirm.html", {
            "total": total, "query": query, "list_url": f"{reverse('review:staff_list')}?{query}" if query
            else reverse("review:staff_list")})
    if total > settings.EXPORT_IMMEDIATE_ROWS:
        job, created = request_export(request.user, export_filters(request.GET), total)
        if created:
            messages.info(request, ngettext(
                "The export of %(n)s application is being prepared; this page shows its progress.",
                "The export of %(n)s applications is being prepared; this page shows its progress.", total)
                % {"n": total})
        return redirect("review:export_detail", pk=job.pk)
    response = HttpResponse(export_workbook(filterset.qs), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, export_filename())
    response["Cache-Control"] = "private, no-store"
    return response


def _own_export(request, pk):
    _list_user(request)
    return get_object_or_404(ExportJob, pk=pk, user=request.user)


@login_required
def export_detail(request, pk):
    """One export: its progress while it is made, then the file; the user's other recent exports."""
    job = _own_export(request, pk)
    recent = ExportJob.objects.filter(user=request.user).exclude(pk=job.pk)[:10]
    return render(request, "review/staff/export.html", {
        "job": job, "recent": recent, "list_url": f"{reverse('review:staff_list')}?{job.query}" if job.query
        else reverse("review:staff_list")})


@never_cache
@login_required
def export_status(request, pk):
    """The export's progress, for its page to show without reloading."""
    job = _own_export(request, pk)
    return JsonResponse({
        "status": job.status, "label": str(job.get_status_display()), "done": job.done, "total": job.total,
        "percent": job.percent, "finished": job.finished,
        "download": reverse("review:export_download", args=[job.pk]) if job.status == ExportJob.Status.DONE else "",
    })


@login_required
def export_download(request, pk):
    job = _own_export(request, pk)
    if job.status != ExportJob.Status.DONE:
        messages.info(request, _("This export is not ready yet."))
        return redirect("review:export_detail", pk=job.pk)
    return private_file(job.file, job.filename, content_type=XLSX)
