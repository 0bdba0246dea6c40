"""The staff list's Excel export: its columns, its rows (the list's own query, with what each row's stages, publicity
and expert scores add, read a chunk at a time) and the workbook.  The rows are those the list's filter selects
(``review.filters``); the background job that writes a large export is :mod:`review.services.exports`."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Programme
from applications.stages import StageKey
from applications.states import State
from portal.spreadsheets import append_row

from .filters import days_waited
from .models import Assignment, PublicityEntry, TransitionLog, combine_totals

#: The log's transitions whose (latest) date the export shows, each with its column.
STAGE_DATES = (
    ("recommend", gettext_lazy("Recommended on")),
    ("pass_formal_review", gettext_lazy("Formal review passed on")),
    ("conclude_expert_review", gettext_lazy("Expert review concluded on")),
    ("approve", gettext_lazy("Approved on")),
)

EXPORT_COLUMNS = (
    (gettext_lazy("Consortium name"), 36),
    (gettext_lazy("Lead unit"), 32),
    (gettext_lazy("Credit code"), 22),
    (gettext_lazy("Programme"), 32),
    (gettext_lazy("District office"), 26),
    (gettext_lazy("Field"), 16),
    (gettext_lazy("State"), 18),
    (gettext_lazy("Submitted at"), 18),
    (gettext_lazy("Days waited"), 10),
    (gettext_lazy("Application number"), 20),
    (gettext_lazy("Member units"), 10),
    (gettext_lazy("Certificate number"), 20),
    (STAGE_DATES[0][1], 12),
    (STAGE_DATES[1][1], 12),
    (STAGE_DATES[2][1], 12),
    (gettext_lazy("Experts scored"), 10),
    (gettext_lazy("Expert average"), 10),
    (gettext_lazy("Expert aggregate"), 10),
    (STAGE_DATES[3][1], 12),
    (gettext_lazy("Publicity from"), 12),
    (gettext_lazy("Publicity until"), 12),
    (gettext_lazy("Filed on"), 12),
)
#: The columns that hold a date (shown as one), by index.
DATE_COLUMNS = (12, 13, 14, 18, 19, 20, 21)


#: What each exported row reads: plain values from one query (no model instances, no related objects); the
#: member count is the list's own annotation (``for_table``).
EXPORT_FIELDS = ("name", "unit__name", "unit__credit_code", "programme__title", "district__name", "field", "state",
                 "submitted_at", "waiting_since", "pk", "programme_id", "reference", "member_count",
                 "certificate_number", "filed_on")
#: Rows fetched from the database at a time (and how often a background export records its progress).
EXPORT_CHUNK = 1000


def _chunks(rows, size):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _chunk_facts(ids):
    """What the rows of one chunk show beyond their own columns, in three queries whatever the chunk's size:
    the dates of their stages (the latest of each transition), their latest publicity period, and the totals
    their experts submitted."""
    dates, publicity, totals = {}, {}, {}
    log = TransitionLog.objects.filter(application_id__in=ids, transition__in=[t for t, _label in STAGE_DATES])
    for pk, transition, at in log.order_by("at", "id").values_list("application_id", "transition", "at"):
        dates[pk, transition] = timezone.localdate(at)  # the latest one wins
    entries = PublicityEntry.objects.filter(application_id__in=ids).order_by("batch_id")
    for pk, starts_on, ends_on in entries.values_list("application_id", "batch__starts_on", "batch__ends_on"):
        publicity[pk] = (starts_on, ends_on)
    scored = Assignment.objects.filter(application_id__in=ids, status=Assignment.Status.SUBMITTED,
                                       total__isnull=False).order_by()
    for pk, total in scored.values_list("application_id", "total"):
        totals.setdefault(pk, []).append(total)
    return dates, publicity, totals


def _aggregate_methods(programme_ids, known):
    """``known`` completed with how each programme combines its experts' totals (one query for those missing)."""
    missing = set(programme_ids) - set(known)
    for programme in Programme.objects.filter(pk__in=missing).only("pk", "stages"):
        known[programme.pk] = (programme.stage(StageKey.EXPERT_REVIEW) or {}).get("aggregate", "mean")
    return known


def export_rows(queryset, today=None):
    """The export's rows, in the list's order; read in chunks (a few queries per chunk, none per row), so memory
    and queries stay flat whatever the count."""
    today = today or timezone.localdate()
    labels = {value: str(label) for value, label in State.choices}
    rows = queryset.for_table().prefetch_related(None).values_list(*EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK)
    methods = {}
    for chunk in _chunks(rows, EXPORT_CHUNK):
        dates, publicity, totals = _chunk_facts([row[9] for row in chunk])
        _aggregate_methods({row[10] for row in chunk}, methods)
        for (name, unit, code, programme, district, field, state, submitted_at, waiting_since, pk, programme_id,
             reference, members, certificate, filed_on) in chunk:
            submitted = timezone.localtime(submitted_at).replace(tzinfo=None) if submitted_at else None
            scores = totals.get(pk, [])
            starts_on, ends_on = publicity.get(pk, (None, None))
            yield [name, unit, code, programme, district or "", field, labels.get(state, state), submitted,
                   days_waited(waiting_since or submitted_at, today), reference or "", members,
                   certificate or "", *(dates.get((pk, t)) for t, _label in STAGE_DATES[:3]),
                   len(scores) or None, combine_totals(scores), combine_totals(scores, methods[programme_id]),
                   dates.get((pk, STAGE_DATES[3][0])), starts_on, ends_on, filed_on]


def export_workbook(queryset, today=None, progress=None) -> bytes:
    """The filtered list as an .xlsx file (one row per application); ``progress(n)`` is called after every
    ``EXPORT_CHUNK`` rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Applications")[:31])
    for index, (_label, width) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for label, _width in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = Font(bold=True)
        header.append(cell)
    append_row(sheet, header)
    written = 0
    for row in export_rows(queryset, today):
        if row[7] is not None:  # the submission time, shown as a date and time
            row[7] = WriteOnlyCell(sheet, value=row[7])
            row[7].number_format = "yyyy-mm-dd hh:mm"
        for index in DATE_COLUMNS:
            if row[index] is not None:
                row[index] = WriteOnlyCell(sheet, value=row[index])
                row[index].number_format = "yyyy-mm-dd"
        append_row(sheet, row)
        written += 1
        if progress is not None and written % EXPORT_CHUNK == 0:
            progress(written)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
