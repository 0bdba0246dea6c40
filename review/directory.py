"""The public directory of filed consortia (创新联合体名录): its filters, and the same rows as open data.

One filter (:class:`DirectoryFilter`) serves the page, the CSV and the JSON, so the open data holds
exactly the rows the page lists (政务公开: the same filters, every matching row, not only a page).

A consortium is *in force* while it is filed and not revoked; a revoked one stays in the directory,
shown as revoked with its date (``Application.revoked_on``), as the verification page says it.

The choices of the filter form (programmes, fields, years) come from the filed applications themselves:
one query each, whatever the number of rows, made once and kept in the cache (:func:`directory_choices`) until a
certificate is issued (every filing and re-issue issues one: :func:`forget_choices`) or five minutes pass.
"""

import csv
import datetime
import unicodedata

import django_filters
from django import forms
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.certificates import verification_url
from applications.models import Application, Certificate
from applications.selectors import directory_entries, directory_programmes
from applications.states import State
from portal import formhtml
from portal.spreadsheets import csv_row


class DirectoryStatus:
    """What the directory's status filter offers (a consortium's status is derived from ``revoked_on``)."""

    IN_FORCE = "filed"
    REVOKED = "revoked"

    choices = [(IN_FORCE, gettext_lazy("Filed (in force)")), (REVOKED, gettext_lazy("Revoked"))]

    @classmethod
    def of(cls, revoked_on):
        return cls.REVOKED if revoked_on else cls.IN_FORCE


def filed_applications():
    """Every consortium the directory lists: filed ones, revoked or not."""
    return Application.objects.filter(state=State.FILED)


#: The cache key of the directory's menus, and how long they are kept at most.
CHOICES_KEY, CHOICES_SECONDS = "directory-choices", 300


def directory_choices():
    """``{"programmes": [(code, pk, title)], "fields": [...], "years": [...]}``: what the filters offer, the
    programmes, fields and years (newest first) of the filed consortia."""
    def read():
        filed = filed_applications()
        years = (filed.filter(filed_on__isnull=False).annotate(y=ExtractYear("filed_on")).order_by("-y")
                 .values_list("y", flat=True).distinct())
        return {"programmes": [(p.code, p.pk, p.title) for p in directory_programmes(filed)],
                "fields": list(filed.exclude(field="").order_by("field").values_list("field", flat=True).distinct()),
                "years": [str(y) for y in years]}

    return cache.get_or_set(CHOICES_KEY, read, CHOICES_SECONDS)


def forget_choices(sender, created=False, **kwargs):
    """A certificate issued (``post_save`` of ``Certificate``): the menus are read again once it is committed."""
    if created:
        transaction.on_commit(lambda: cache.delete(CHOICES_KEY))


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("Search"), widget=forms.TextInput(attrs={
        "type": "search", "placeholder": gettext_lazy("Consortium, lead unit, credit code or certificate number")}))
    programme = django_filters.ChoiceFilter(method="by_programme", label=gettext_lazy("Programme"),
                                            empty_label=gettext_lazy("All programmes"))
    field = django_filters.ChoiceFilter(label=gettext_lazy("Field"), empty_label=gettext_lazy("All fields"))
    year = django_filters.ChoiceFilter(method="by_year", label=gettext_lazy("Year filed"),
                                       empty_label=gettext_lazy("All years"))
    status = django_filters.ChoiceFilter(method="by_status", choices=DirectoryStatus.choices,
                                         label=gettext_lazy("Status"), empty_label=gettext_lazy("All"))

    class Meta:
        model = Application
        fields = ["q", "programme", "field", "year", "status"]

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=directory_entries(filed_applications()) if queryset is None else queryset,
                         **kwargs)
        choices = directory_choices()
        self.programme_ids = {code: pk for code, pk, _title in choices["programmes"]}
        self.filters["programme"].extra["choices"] = [(code, title) for code, _pk, title in choices["programmes"]]
        self.filters["field"].extra["choices"] = [(f, f) for f in choices["fields"]]
        self.filters["year"].extra["choices"] = [(y, y) for y in choices["years"]]

    @property
    def form(self):
        form = super().form
        for name, field in form.fields.items():
            field.widget.attrs.setdefault("class", "form-control" if name == "q" else "form-select")
            field.widget.attrs.setdefault("id", f"directory-{name}")
        return form

    def search(self, queryset, name, value):
        """The consortium's name or certificate number, or the lead unit's name or credit code as its current
        certificate says them (a credit code in any case, full-width accepted)."""
        text = value.strip()
        if not text:
            return queryset
        code = "".join(unicodedata.normalize("NFKC", text).upper().split())
        certified = Certificate.objects.filter(
            Q(lead_name__icontains=text) | Q(lead_credit_code__icontains=code) | Q(number__icontains=code),
            superseded_on__isnull=True)
        ids = list(certified.order_by().values_list("application_id", flat=True).distinct())
        return queryset.filter(Q(name__icontains=text) | Q(certificate_number__icontains=code) | Q(pk__in=ids))

    def by_programme(self, queryset, name, value):
        return queryset.filter(programme_id=self.programme_ids.get(value))

    def by_year(self, queryset, name, value):
        """Filed in ``value`` (a range of dates, served by the directory's index on ``filed_on``)."""
        year = int(value)
        return queryset.filter(filed_on__gte=datetime.date(year, 1, 1), filed_on__lt=datetime.date(year + 1, 1, 1))

    def by_status(self, queryset, name, value):
        if value == DirectoryStatus.REVOKED:
            return queryset.filter(revoked_on__isnull=False)
        return queryset.filter(revoked_on__isnull=True)

    @property
    def qs(self):
        """The filtered rows; none when a filter's value is not one of its choices (e.g. a programme with no
        filed consortium): a wrong filter must not silently list everything."""
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs

    def controls(self):
        """``[(bound field, control)]``: the form's fields with their controls written as HTML (portal.formhtml),
        the search box and the menus, without a widget template each."""
        form, found = self.form, []
        for field in form:
            if field.name == "q":
                control = formhtml.text_input(field, "search", placeholder=field.field.widget.attrs.get("placeholder"))
            else:
                choices = [("", str(field.field.empty_label))] + [(str(v), str(label)) for v, label in
                                                                   field.field.choices if v != ""]
                control = formhtml.select(field, formhtml.options(choices, formhtml.chosen(field)))
            found.append((field, control))
        return found

    @property
    def active(self):
        """Whether any filter or search is set (the page then offers to clear them)."""
        data = getattr(self.form, "cleaned_data", None) or {}
        return any(data.get(name) for name in self.filters)


# --- open data ------------------------------------------------------------------------------------

#: The open data's columns: the JSON key, the CSV heading, and what it is (shown on the page).
OPEN_DATA_COLUMNS = (
    ("certificate_number", gettext_lazy("Certificate number"), gettext_lazy("as printed on the certificate")),
    ("name", gettext_lazy("Consortium"), gettext_lazy("as the current edition of the certificate says it")),
    ("lead_unit", gettext_lazy("Lead unit"), gettext_lazy("as the current edition of the certificate says it")),
    ("lead_credit_code", gettext_lazy("Unified social credit code of the lead unit"), ""),
    ("programme", gettext_lazy("Programme"), gettext_lazy("the guideline under which it was filed")),
    ("field", gettext_lazy("Field"), ""),
    ("filed_on", gettext_lazy("Filing date"), gettext_lazy("YYYY-MM-DD")),
    ("status", gettext_lazy("Status"), gettext_lazy("“filed” (in force) or “revoked”")),
    ("revoked_on", gettext_lazy("Revoked on"), gettext_lazy("YYYY-MM-DD, empty unless revoked")),
    ("verification_url", gettext_lazy("Verification page"), gettext_lazy("the certificate's public verification page")),
)


def open_data_rows(queryset, base=""):
    """Each filtered row as a dict keyed as :data:`OPEN_DATA_COLUMNS` (one query, read in chunks)."""
    rows = queryset.values_list("certificate_number", "certified_name", "name", "certified_lead", "certified_code",
                                "programme__title", "field", "filed_on", "revoked_on")
    for number, certified, name, lead, code, programme, field, filed_on, revoked_on in rows.iterator(chunk_size=1000):
        yield {
            "certificate_number": number, "name": certified or name, "lead_unit": lead or "",
            "lead_credit_code": code or "", "programme": programme, "field": field,
            "filed_on": filed_on.isoformat() if filed_on else "", "status": DirectoryStatus.of(revoked_on),
            "revoked_on": revoked_on.isoformat() if revoked_on else "",
            "verification_url": verification_url(number, base) if number else "",
        }


class _Echo:
    """A file-like object whose ``write`` returns what it is given (csv.writer into a streaming response)."""

    def write(self, value):
        return value


def csv_lines(rows):
    """The CSV file's lines: a byte-order mark (so Excel reads the Chinese as UTF-8), the headings, the rows
    (formula-like text with an apostrophe in front: :mod:`portal.spreadsheets`)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(label) for _key, label, _about in OPEN_DATA_COLUMNS])
    labels = {DirectoryStatus.IN_FORCE: _("Filed (in force)"), DirectoryStatus.REVOKED: _("Revoked")}
    for row in rows:
        values = dict(row, status=labels[row["status"]])
        yield writer.writerow(csv_row(values[key] for key, _label, _about in OPEN_DATA_COLUMNS))
