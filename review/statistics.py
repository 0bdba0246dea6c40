"""Staff statistics: counts by state, programme, field and district office, median days spent in each
stage, the applications waiting longest; and the same figures as an Excel workbook.

Every figure is read from the user's scope (:func:`applications.selectors.visible_applications`: programme
staff their authority's programmes, a district reviewer its district office, the administrator everything),
drafts left out.  Each figure is one grouped query, whatever the number of applications.

**Median days in a stage.**  Each entry of ``review.TransitionLog`` ends the time its application spent in
the entry's ``source`` state, which began at the application's previous entry.  On PostgreSQL the spans are
computed and their median taken in the database in one query (``LAG`` over each application's timeline,
then ``percentile_cont(0.5)`` per state); on SQLite (the demo) the same spans are computed in Python over one
ordered read of the timeline.  Days are calendar days, with decimals; a stage an application is still in
is not a finished span (the applications waiting longest show those).
"""

import io
import statistics
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.selectors import visible_applications
from applications.states import ACTIVE_STATES, State
from portal.spreadsheets import append_row
from review.filters import LIST_ROLES, days_waited, scoped_programmes
from review.models import TransitionLog

#: How many of the applications waiting longest the page and the workbook show.
WAITING_LIMIT = 10


def statistics_scope(user, programme=None):
    """The applications the user's figures count: their scope, submitted ones only, one programme if given."""
    if user.role not in LIST_ROLES:
        return visible_applications(user).none()
    scope = visible_applications(user).exclude(state=State.DRAFT)
    return scope.filter(programme=programme) if programme is not None else scope


def statistics_programmes(user):
    """The programmes the user may narrow the figures to."""
    return list(scoped_programmes(user).order_by("-opens_on", "title"))


@dataclass
class Row:
    key: str
    label: str
    value: float
    count: int = 0


def _grouped(scope, field):
    return scope.order_by().values(field).annotate(n=Count("pk"))


def by_state(scope):
    """One row per state that has applications, in the states' order."""
    order = {value: index for index, value in enumerate(State.values)}
    labels = dict(State.choices)
    rows = sorted(_grouped(scope, "state"), key=lambda r: order.get(r["state"], len(order)))
    return [Row(r["state"], str(labels.get(r["state"], r["state"])), r["n"]) for r in rows]


def by_programme(scope):
    rows = scope.order_by().values("programme__code", "programme__title").annotate(n=Count("pk")).order_by(
        "-n", "programme__title")
    return [Row(r["programme__code"], r["programme__title"], r["n"]) for r in rows]


def by_field(scope):
    rows = sorted(_grouped(scope, "field"), key=lambda r: (-r["n"], r["field"]))
    return [Row(r["field"], r["field"] or _("(no field given)"), r["n"]) for r in rows]


def by_district(scope):
    rows = scope.order_by().values("district_id", "district__name").annotate(n=Count("pk")).order_by(
        "-n", "district__name")
    return [Row(str(r["district_id"] or ""), r["district__name"] or _("(no district office)"), r["n"]) for r in rows]


# --- time spent in each stage ----------------------------------------------------------------------

_MEDIAN_SQL = """
SELECT spans.source, COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY spans.days)
FROM (
    SELECT log.source,
           EXTRACT(EPOCH FROM log.at - LAG(log.at) OVER (
               PARTITION BY log.application_id ORDER BY log.at, log.id)) / 86400.0 AS days
    FROM {log} AS log
    WHERE log.application_id IN ({scope})
) AS spans
WHERE spans.days IS NOT NULL
GROUP BY spans.source
"""


def _spans_in_database(scope):
    """``{state: (count, median days)}`` computed by PostgreSQL in one query."""
    scope_sql, params = scope.order_by().values("pk").query.sql_with_params()
    sql = _MEDIAN_SQL.format(log=connection.ops.quote_name(TransitionLog._meta.db_table), scope=scope_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {source: (n, float(median)) for source, n, median in cursor.fetchall()}


def _spans_in_python(scope):
    """The same figures from one ordered read of the timeline (databases without ``percentile_cont``)."""
    entries = TransitionLog.objects.filter(application_id__in=scope.order_by().values("pk")).order_by(
        "application_id", "at", "id").values_list("application_id", "source", "at")
    spans, previous = {}, (None, None)
    for application_id, source, at in entries.iterator(chunk_size=2000):
        if previous[0] == application_id:
            spans.setdefault(source, []).append((at - previous[1]).total_seconds() / 86400)
        previous = (application_id, at)
    return {source: (len(days), statistics.median(days)) for source, days in spans.items()}


def median_days(scope):
    """One row per state an application has left at least once: the median days spent in it (1 decimal),
    with the number of stays measured (``count``), in the states' order."""
    found = _spans_in_database(scope) if connection.vendor == "postgresql" else _spans_in_python(scope)
    labels = dict(State.choices)
    rows = []
    for state in State.values:
        if state in found:
            count, median = found[state]
            rows.append(Row(state, str(labels[state]), round(median, 1), count))
    return rows


def waiting_longest(scope, today=None, limit=WAITING_LIMIT):
    """The applications under review (or approved, in publicity) that have waited longest where they are."""
    today = today or timezone.localdate()
    rows = (scope.filter(state__in=ACTIVE_STATES).select_related("programme", "unit", "district")
            .only("name", "state", "waiting_since", "submitted_at", "programme__title", "unit__name",
                  "district__name")
            .order_by(F("waiting_since").asc(nulls_last=True), "pk")[:limit])
    waiting = []
    for application in rows:
        application.days_waited = days_waited(application.waiting_since or application.submitted_at, today)
        waiting.append(application)
    return waiting


def figures(scope, today=None):
    """Everything the page and the workbook show."""
    return {"states": by_state(scope), "programmes": by_programme(scope), "fields": by_field(scope),
            "districts": by_district(scope), "medians": median_days(scope),
            "waiting": waiting_longest(scope, today), "total": scope.count()}


def chart_data(found):
    """What the charts draw (passed to the page's script with ``json_script``): labels and values per figure."""
    return {name: {"labels": [r.label for r in found[name]], "values": [r.value for r in found[name]]}
            for name in ("states", "programmes", "fields", "districts", "medians")}


# --- Excel -------------------------------------------------------------------------------------------

SHEETS = (
    ("states", gettext_lazy("By state"), gettext_lazy("State"), gettext_lazy("Applications")),
    ("programmes", gettext_lazy("By programme"), gettext_lazy("Programme"), gettext_lazy("Applications")),
    ("fields", gettext_lazy("By field"), gettext_lazy("Field"), gettext_lazy("Applications")),
    ("districts", gettext_lazy("By district office"), gettext_lazy("District office"), gettext_lazy("Applications")),
    ("medians", gettext_lazy("Days per stage"), gettext_lazy("Stage (state)"), gettext_lazy("Median days")),
)


def add_sheet(workbook, title, header, widths):
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title=str(title)[:31])
    append_row(sheet, [str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def workbook(found, scope_label, today=None) -> bytes:
    """The page's figures as an .xlsx file: a summary sheet, one sheet per figure, the applications waiting
    longest."""
    from openpyxl import Workbook

    today = today or timezone.localdate()
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    append_row(summary, [_("Statistics of applications"), scope_label])
    append_row(summary, [_("Made on"), today.isoformat()])
    append_row(summary, [_("Applications (drafts not counted)"), found["total"]])
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 50
    for name, title, label, value in SHEETS:
        extra = [_("Stays measured")] if name == "medians" else []
        sheet = add_sheet(book, title, [label, value, *extra], [40, 14, 14])
        for row in found[name]:
            append_row(sheet, [row.label, row.value, *([row.count] if extra else [])])
    sheet = add_sheet(book, _("Waiting longest"), [_("Consortium"), _("Lead unit"), _("Programme"),
                                                _("District office"), _("State"), _("Days waited")],
                   [36, 32, 32, 26, 22, 12])
    for application in found["waiting"]:
        append_row(sheet, [str(application), application.unit.name, application.programme.title,
                           application.district.name if application.district else "",
                           str(application.get_state_display()), application.days_waited])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
