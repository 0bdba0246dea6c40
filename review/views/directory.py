"""The public directory of filed consortia (no login) and the same rows as open data (CSV, JSON).

The page and the two files read one filter (:class:`review.directory.DirectoryFilter`) from the same
query string, so a link "download these rows" gives exactly what the page lists, all pages of it.
"""

from django.core.paginator import Paginator
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from applications.certificates import verification_path
from portal import formhtml
from portal.baseurl import base_url
from review.directory import OPEN_DATA_COLUMNS, DirectoryFilter, DirectoryStatus, csv_lines, open_data_rows

PAGE_SIZE = 20


def directory(request):
    """创新联合体名录: filed consortia as their current certificates say (names frozen when issued); search by
    name, lead unit, credit code or certificate number; filter by programme, field, year filed and status."""
    found = DirectoryFilter(request.GET or None)
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(found.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "review/public/directory.html", {
        "filter": found, "page": page, "rows": _rows_html(page), "query": query.urlencode(),
        "columns": OPEN_DATA_COLUMNS,
    })


#: One row of the table (see ``_rows_html``).
ROW = ('<tr><td class="text-nowrap"><a href="{}" title="{}">{}</a></td><td>{}</td><td>{}</td>'
       '<td class="small">{}</td><td class="small">{}</td><td class="text-nowrap">{}</td>'
       '<td class="text-nowrap">{}</td></tr>')


def _rows_html(page):
    """The table's rows, written here as the staff list's are (a template costs a node and a variable lookup
    per cell, and its date filter a format parsed each time: with 20 rows, most of the page)."""
    verify = _("Verify the certificate")
    filed = format_html('<span class="badge text-bg-success">{}</span>', _("Filed"))
    revoked = _("Revoked")
    return formhtml.html_join("\n", ROW, ((
        verification_path(a.certificate_number), verify, a.certificate_number, a.certified_name or a.name,
        a.certified_lead or "", a.programme.title, a.field or "—", _day(a.filed_on),
        _revoked_cell(_day(a.revoked_on), revoked) if a.revoked_on else filed) for a in page))


def _revoked_cell(day, label):
    return format_html('<span class="badge text-bg-danger" data-status="{}" data-revoked="{}">{}</span> '
                       '<span class="small">{}</span>', DirectoryStatus.REVOKED, day, label, day)


def _day(date):
    return f"{date:%Y-%m-%d}" if date else ""


def _file_name(extension):
    return f"directory-{timezone.localdate():%Y%m%d}.{extension}"


def directory_csv(request):
    """Open data: every row the directory's filters select, as CSV (UTF-8 with a byte-order mark)."""
    rows = open_data_rows(DirectoryFilter(request.GET or None).qs, base_url())
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name("csv")}"'
    return response


def directory_json(request):
    """Open data: every row the directory's filters select, as JSON with the filters and the time it was made."""
    found = DirectoryFilter(request.GET or None)
    items = list(open_data_rows(found.qs, base_url()))
    filters = {name: value for name, value in (getattr(found.form, "cleaned_data", None) or {}).items() if value}
    response = JsonResponse({
        "title": _("Directory of innovation consortia"),
        "generated_at": timezone.localtime().replace(microsecond=0).isoformat(),
        "filters": filters, "count": len(items), "items": items,
    }, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="{_file_name("json")}"'
    return response
