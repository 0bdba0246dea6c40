"""The funds ledger's figures as an Excel workbook (openpyxl, the portal's Excel library), laid out like the
staff statistics' workbook (:func:`review.statistics.workbook`) and using its sheet helper."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.spreadsheets import append_row
from review.statistics import add_sheet


def funds_workbook(rows, totals, scope_label, today=None) -> bytes:
    """A summary sheet (scope, date, totals) and one row per programme and year; amounts in 10k yuan."""
    from openpyxl import Workbook

    today = today or timezone.localdate()
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    append_row(summary, [_("Funds granted and recovered"), scope_label])
    append_row(summary, [_("Made on"), today.isoformat()])
    append_row(summary, [_("Granted (10k yuan)"), totals["granted"]])
    append_row(summary, [_("Recovered (10k yuan)"), totals["recovered"]])
    append_row(summary, [_("Net (10k yuan)"), totals["net"]])
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 50
    sheet = add_sheet(book, _("By programme and year"), [
        _("Programme"), _("Year"), _("Granted (10k yuan)"), _("Recovered (10k yuan)"), _("Net (10k yuan)"),
        _("Consortia funded")], [40, 8, 18, 18, 18, 16])
    for row in rows:
        append_row(sheet, [row["title"], row["year"], row["granted"], row["recovered"], row["net"], row["consortia"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
