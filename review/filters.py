"""The staff list of applications: filters, search, days waited, and the Excel export.

One queryset serves the page and the export (:func:`staff_queryset` + :class:`ApplicationFilter`),
so the spreadsheet holds exactly the rows the filter shows.  Everything a row needs comes from
``for_table()`` and the application's ``waiting_since`` (the time of its last transition), so the page
runs a fixed number of queries whatever the number of rows.

Each query is served by an index at any scale (tests/review/test_query_plans.py runs EXPLAIN on them
over 100,000 applications): every order is an indexed column with the primary key as tie-breaker in
the same direction, the submission dates are compared as instants (not as dates computed per row),
and the search reads the consortium's and the lead unit's names and codes through trigram indexes on the
applications table (PostgreSQL).
"""

import datetime
import io
import unicodedata
from types import SimpleNamespace

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, Programme
from applications.selectors import visible_applications
from applications.stages import StageKey
from applications.states import State
from portal import formhtml
from portal.models import District, Role
from portal.spreadsheets import append_row
from portal.statements import rows_of

from .models import Assignment, PublicityEntry, TransitionLog, combine_totals

#: Roles that may open the staff list (each sees its own scope: authority, district, everything).
LIST_ROLES = (Role.STAFF, Role.DISTRICT, Role.ADMIN)


def days_waited(since, today=None):
    """Whole days (Asia/Shanghai dates) from ``since`` to today; None when unknown."""
    if since is None:
        return None
    today = today or timezone.localdate()
    return max((today - timezone.localtime(since).date()).days, 0)


def staff_queryset(user):
    """The applications the user's list shows: their scope, submitted ones only, ready for a table."""
    return visible_applications(user).exclude(state=State.DRAFT).for_table()


#: What a row of the staff list's table reads (``table_rows``): its cells, and what its action link is found from
#: (the state, the programme's stages, the lead unit's type, who chose the lead: ``applications.stages.stage_of``).
ROW_FIELDS = ("pk", "name", "state", "district_id", "field", "submitted_at", "waiting_since", "lead_selected_by",
              "member_count", "unit__name", "unit__credit_code", "unit__unit_type", "programme__title",
              "programme__stages")


class TableRow:
    """One row of the staff list: plain values with the names an application's have (``unit.name``,
    ``programme.stages`` …), so the row's cells and its action link read it as they would an application.
    Reading plain values costs half of what making the application, its unit and its programme costs."""

    def __init__(self, values):
        (self.pk, self.name, self.state, self.district_id, self.field, self.submitted_at, self.waiting_since,
         self.lead_selected_by, self.member_count, unit_name, credit_code, unit_type, title, stages) = values
        self.id = self.pk
        self.unit = SimpleNamespace(name=unit_name, credit_code=credit_code, unit_type=unit_type)
        self.programme = SimpleNamespace(title=title, stages=stages)

    __str__ = Application.__str__  # the application's own wording (its name, or "unnamed" with its number)
    get_absolute_url = Application.get_absolute_url

    @property
    def district(self):
        """The district office (a query: only for a name the cached choices do not hold)."""
        return District.objects.get(pk=self.district_id) if self.district_id else None


def table_rows(keys):
    """The rows ``keys`` of a list page (keys read from a scoped queryset), ready for the table (``TableRow``)."""
    return [TableRow(values) for values in rows_of(_rows_query, keys)]


def _rows_query(keys):
    return Application.objects.for_table().filter(pk__in=keys).order_by().values_list(*ROW_FIELDS)


def scoped_programmes(user):
    qs = Programme.objects.select_related("authority")
    if user.role == Role.STAFF:
        return qs.filter(authority_id=user.authority_id)
    if user.role == Role.DISTRICT:
        return qs.filter(authority__districts__id=user.district_id)
    if user.role == Role.ADMIN:
        return qs
    return qs.none()


def scoped_districts(user):
    qs = District.objects.select_related("authority")
    if user.role == Role.STAFF:
        return qs.filter(authority_id=user.authority_id)
    if user.role == Role.DISTRICT:
        return qs.filter(pk=user.district_id)
    if user.role == Role.ADMIN:
        return qs
    return qs.none()


def _programmes(request):
    return scoped_programmes(request.user) if request is not None else Programme.objects.none()


def _districts(request):
    return scoped_districts(request.user) if request is not None else District.objects.none()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("Search"),
                                  widget=forms.TextInput(attrs={
                                      "type": "search",
                                      "placeholder": gettext_lazy("Consortium, lead unit or credit code")}))
    programme = django_filters.ModelChoiceFilter(queryset=_programmes, label=gettext_lazy("Programme"),
                                                 empty_label=gettext_lazy("All programmes"))
    state = django_filters.ChoiceFilter(choices=[c for c in State.choices if c[0] != State.DRAFT],
                                        label=gettext_lazy("State"), empty_label=gettext_lazy("All states"))
    field = django_filters.CharFilter(lookup_expr="icontains", label=gettext_lazy("Field"),
                                      widget=forms.TextInput(attrs={"list": "field-options"}))
    district = django_filters.ModelChoiceFilter(queryset=_districts, label=gettext_lazy("District office"),
                                                empty_label=gettext_lazy("All district offices"))
    submitted_from = django_filters.DateFilter(method="submitted_since", label=gettext_lazy("Submitted from"),
                                               widget=DateInput())
    submitted_to = django_filters.DateFilter(method="submitted_until", label=gettext_lazy("Submitted until"),
                                             widget=DateInput())
    o = django_filters.OrderingFilter(
        fields=(("waiting_since", "waiting"), ("submitted_at", "submitted"), ("name", "name")),
        choices=[("waiting", gettext_lazy("Waiting longest first")),
                 ("-waiting", gettext_lazy("Waiting shortest first")),
                 ("-submitted", gettext_lazy("Submitted latest first")),
                 ("submitted", gettext_lazy("Submitted earliest first")),
                 ("name", gettext_lazy("Name (A–Z)")), ("-name", gettext_lazy("Name (Z–A)"))],
        label=gettext_lazy("Order"), empty_label=None, null_label=None,
    )

    class Meta:
        model = Application
        fields = ["q", "programme", "state", "field", "district", "submitted_from", "submitted_to"]

    def search(self, queryset, name, value):
        """Consortium name, lead unit name (Chinese substrings) or a credit-code fragment (any case,
        full-width accepted).

        Both conditions are on the applications table (the lead unit's name and code are copied into
        ``lead_search``), each served by its trigram index: the query costs what its matches cost, never
        a list of unit ids that grows with the data."""
        text = value.strip()
        if not text:
            return queryset
        code = "".join(unicodedata.normalize("NFKC", text).upper().split())
        found = Q(name__icontains=text) | Q(lead_search__icontains=text)
        if code and code != text.upper():
            found |= Q(lead_search__icontains=code)
        return queryset.filter(found)

    def submitted_since(self, queryset, name, value):
        """Submitted on or after the day ``value`` (Asia/Shanghai), as a range of instants."""
        return queryset.filter(submitted_at__gte=_day_start(value))

    def submitted_until(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=_day_start(value + datetime.timedelta(days=1)))

    @property
    def qs(self):
        """The filtered rows in the chosen order; the primary key breaks ties in the same direction, so
        the order is one index read forwards or backwards."""
        queryset = super().qs
        if not getattr(self.form, "cleaned_data", {}).get("o"):
            return queryset.order_by(F("waiting_since").asc(nulls_last=True), "pk")
        order = list(queryset.query.order_by)
        descending = bool(order) and str(order[0]).startswith("-")
        return queryset.order_by(*order, "-pk" if descending else "pk")


def _day_start(day):
    """The first instant of ``day`` in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


#: Seconds the choices of a scope's filter form are kept (they change only when programmes are configured).
CHOICES_SECONDS = 300


def scope_choices(user):
    """The filter form's choices that depend on the user's scope — programmes, district offices, and the
    fields (领域) those programmes offer — kept in the cache per scope, so a list page asks no query for them."""
    key = f"staff-list-choices:{user.role}:{user.authority_id}:{user.district_id}"
    found = cache.get(key)
    if found is None:
        programmes = list(scoped_programmes(user).prefetch_related("fields"))
        found = {"programme": [(str(p.pk), str(p)) for p in programmes],
                 "district": [(str(d.pk), str(d)) for d in scoped_districts(user)],
                 "fields": field_options(programmes)}
        cache.set(key, found, CHOICES_SECONDS)
    return found


def filter_menus(form, user):
    """``{name: options}``: the ``<option>`` elements of each menu of the filter form (the chosen one selected),
    and of the fields' suggestions (``"fields"``).  The list's template writes the form around them: a
    crispy- or widget-rendered form cost more than the rest of the page."""
    choices = scope_choices(user)
    menus = {}
    for name in ("programme", "district"):
        menus[name] = formhtml.options([("", str(form.fields[name].empty_label))] + choices[name],
                                       formhtml.chosen(form[name]))
    for name in ("state", "o"):
        menus[name] = formhtml.options([(str(value), str(label)) for value, label in form.fields[name].choices],
                                       formhtml.chosen(form[name]))
    menus["fields"] = format_html_join("", '<option value="{}">', ((field,) for field in choices["fields"]))
    return menus


def field_options(programmes):
    """The fields (领域) the programmes offer, for the filter's suggestions."""
    seen = []
    for programme in programmes:
        for field in programme.field_names():
            if field not in seen:
                seen.append(field)
    return seen


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
    rows = queryset.prefetch_related(None).values_list(*EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK)
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
