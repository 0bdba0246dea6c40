"""The staff list of applications: filters, search, days waited, the rows of a page.

One queryset serves the page and the export (:func:`staff_queryset` + :class:`ApplicationFilter`; the export's
rows: :mod:`review.workbook`), so the spreadsheet holds exactly the rows the filter shows.  A page reads the keys
of its rows, then the rows (``table_rows``: what ``for_table()`` reads, and the application's ``waiting_since``,
the time of its last transition), so it runs a fixed number of queries whatever the number of rows.

Each query is served by an index at any scale (tests/review/test_query_plans.py runs EXPLAIN on them
over 100,000 applications): every order is an indexed column with the primary key as tie-breaker in
the same direction, the submission dates are compared as instants (not as dates computed per row),
and the search reads the consortium's and the lead unit's names and codes through trigram indexes on the
applications table (PostgreSQL).
"""

import datetime
import unicodedata
from types import SimpleNamespace

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from applications.models import Application, Programme
from applications.selectors import visible_applications
from applications.states import State
from portal import formhtml
from portal.models import District, Role
from portal.statements import rows_of

#: Roles that may open the staff list (each sees its own scope: authority, district, everything).
LIST_ROLES = (Role.STAFF, Role.DISTRICT, Role.ADMIN)


def days_waited(since, today=None):
    """Whole days (Asia/Shanghai dates) from ``since`` to today; None when unknown."""
    if since is None:
        return None
    today = today or timezone.localdate()
    return max((today - timezone.localtime(since).date()).days, 0)


def staff_queryset(user):
    """The applications the user's list shows: their scope, submitted ones only.  A page reads its keys from it,
    then their rows (``table_rows``); the export reads its rows with ``for_table`` (``export_rows``)."""
    return visible_applications(user).exclude(state=State.DRAFT)


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


class ScopeChoiceField(django_filters.fields.ChoiceField):
    """A menu of the user's scope (programmes, district offices) with the options kept in the cache
    (``scope_choices``, set on each form): a value among them is valid without a query; one they do not hold
    (added since they were cached) is looked for in the scope itself (``scope``, set with them)."""

    scope = None  # () -> the queryset of the user's scope

    def valid_value(self, value):
        if super().valid_value(value):
            return True
        text = str(value)
        return self.scope is not None and text.isascii() and text.isdigit() and self.scope().filter(pk=int(text)).exists()


class ScopeFilter(django_filters.ChoiceFilter):
    field_class = ScopeChoiceField


#: The scope of each menu of the user's scope.
SCOPES = {"programme": scoped_programmes, "district": scoped_districts}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("Search"),
                                  widget=forms.TextInput(attrs={
                                      "type": "search",
                                      "placeholder": gettext_lazy("Consortium, lead unit or credit code")}))
    programme = ScopeFilter(label=gettext_lazy("Programme"), empty_label=gettext_lazy("All programmes"))
    state = django_filters.ChoiceFilter(choices=[c for c in State.choices if c[0] != State.DRAFT],
                                        label=gettext_lazy("State"), empty_label=gettext_lazy("All states"))
    field = django_filters.CharFilter(lookup_expr="icontains", label=gettext_lazy("Field"),
                                      widget=forms.TextInput(attrs={"list": "field-options"}))
    district = ScopeFilter(label=gettext_lazy("District office"), empty_label=gettext_lazy("All district offices"))
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

    def get_form_class(self):
        """The form's class, made once: its fields are everyone's (the menus of the user's scope get their options
        on each form, see ``form``); django-filter makes it anew for each list page."""
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = type(self)._form_class = super().get_form_class()
        return form_class

    @property
    def form(self):
        """The filter form, its menus of programmes and district offices those of the user's scope."""
        if not hasattr(self, "_form"):
            form = super().form
            user = getattr(self.request, "user", None)
            choices = scope_choices(user) if user is not None else {}
            for name, scope in SCOPES.items():
                field = form.fields[name]
                field.choices = choices.get(name, [])
                field.scope = (lambda scope=scope: scope(user)) if user is not None else None
        return self._form

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
    menus["fields"] = formhtml.html_join("", '<option value="{}">', ((field,) for field in choices["fields"]))
    return menus


def field_options(programmes):
    """The fields (领域) the programmes offer, for the filter's suggestions."""
    seen = []
    for programme in programmes:
        for field in programme.field_names():
            if field not in seen:
                seen.append(field)
    return seen
