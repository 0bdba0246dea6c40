"""The staff list of applications (filters, days waited, the link to act); its Excel export is in
:mod:`review.views.exports`.

Programme staff, district reviewers and the system administrator use it, each in their own scope.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from applications import stages
from applications.states import State
from portal import addresses, formhtml
from review.filters import (
    LIST_ROLES,
    ApplicationFilter,
    days_waited,
    filter_menus,
    scope_choices,
    staff_queryset,
    table_rows,
)

from .links import action_link


def _list_user(request):
    """Programme staff, district reviewers and the system administrator use the list (own scope)."""
    if request.user.role not in LIST_ROLES:
        raise PermissionDenied(_("Only reviewers and programme staff can see this list."))


def _filtered(request):
    return ApplicationFilter(request.GET or None, queryset=staff_queryset(request.user), request=request)


#: A filtered list counts its matches up to this number, then says "more than …".
COUNT_CAP = 1000


class KeysFirstPaginator(Paginator):
    """Reads a page in two steps: the keys of its rows, in the list's order, then those rows with what the
    table shows (lead unit, member count).  The rows before the page (``OFFSET``) then cost an index entry
    each, not a join and a member count each, so a deep page costs about what the first one does."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in table_rows(keys)}  # one prepared statement (it joins and counts)
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


class CappedPaginator(KeysFirstPaginator):
    """Counts at most ``cap`` + 1 rows: what counting a search or a filter costs grows with its matches, and
    what counting up to a cap costs does not (the unfiltered list keeps its exact count, read from an index)."""

    def __init__(self, object_list, per_page, cap):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self):
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap


def _filtering(filterset):
    """Whether the list is narrowed by a filter or a search (the order is no filter)."""
    data = getattr(filterset.form, "cleaned_data", {})
    return any(value not in (None, "", []) for name, value in data.items() if name != "o")


def _prepare_rows(page, user):
    """What each row shows, worked out once here rather than by the template (which costs a template node,
    a ``reverse()`` or a translation lookup per row and cell)."""
    today = timezone.localdate()
    acting = stages.acting_states(user.role)
    labels = dict(State.choices)
    districts = dict(scope_choices(user)["district"])
    detail = addresses.per_key("review:application_detail")
    for application in page:
        name = districts.get(str(application.district_id)) if application.district_id else ""
        if name is None:  # an office added since the choices were cached: read once for the page
            name = districts[str(application.district_id)] = application.district.name
        application.district_name = name
        application.days_waited = days_waited(application.waiting_since or application.submitted_at, today)
        application.url = detail(application.pk)
        application.state_label = labels.get(application.state, application.state)
        application.members_label = ngettext("%(n)s member", "%(n)s members", application.member_count) % {
            "n": application.member_count}
        application.submitted = (timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")
                                 if application.submitted_at else "")
        application.action_url, application.action_label = (
            action_link(application) if application.state in acting else (None, None))


def _days_cell(days):
    if days is None:
        return "—"
    return format_html('<span class="{}">{}</span>', "text-danger fw-semibold" if days > 14 else "", days)


def _rows_html(page):
    """The table's rows, written here (a template costs a node and a variable lookup per cell: with 25 rows,
    more than the rest of the page); the markup is the one the template had."""
    open_label = pgettext("button: view a record", "Open")
    return formhtml.html_join("\n", ROW, ((
        a.pk, a.url, str(a), a.members_label, a.unit.name, a.unit.credit_code, a.programme.title,
        a.district_name or "—", a.field or "—", a.state, a.state_label, a.submitted or "—",
        _days_cell(a.days_waited),
        format_html('<a class="btn btn-sm btn-primary" href="{}">{}</a>', a.action_url, a.action_label)
        if a.action_url else format_html('<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>', a.url,
                                         open_label)) for a in page))


def _input(field, kind, **attrs):
    return formhtml.field_block(field, formhtml.text_input(field, kind, **attrs))


def _select(field, options):
    return formhtml.field_block(field, formhtml.select(field, options))


def filters_html(form, menus):
    """The list's filter form, written here: the template's includes (one per filter) cost more than the
    rest of the list's template; the menus' options come from ``filter_menus`` (cached choices)."""
    cells = (
        ("col-12 col-lg-6", _input(form["q"], "search", placeholder=form.fields["q"].widget.attrs.get("placeholder"))),
        ("col-12 col-sm-6 col-lg-3", _select(form["programme"], menus["programme"])),
        ("col-12 col-sm-6 col-lg-3", _select(form["state"], menus["state"])),
        ("col-12 col-sm-6 col-lg-3", _input(form["field"], "text", list="field-options")),
        ("col-12 col-sm-6 col-lg-3", _select(form["district"], menus["district"])),
        ("col-6 col-lg-2", _input(form["submitted_from"], "date")),
        ("col-6 col-lg-2", _input(form["submitted_to"], "date")),
        ("col-12 col-lg-2", _select(form["o"], menus["o"])),
    )
    return formhtml.html_join("\n", '<div class="{}">{}</div>', cells)


#: One row of the table (see ``_rows_html``).
ROW = ('<tr data-pk="{}"><td><a href="{}">{}</a><div class="small text-body-secondary">{}</div></td>'
       '<td>{}<div class="small text-body-secondary font-monospace">{}</div></td><td class="small">{}</td>'
       '<td class="small">{}</td><td class="small">{}</td>'
       '<td><span class="badge state-badge state-{}">{}</span></td><td class="text-nowrap small">{}</td>'
       '<td class="text-end">{}</td><td class="action-cell">{}</td></tr>')


@login_required
def staff_list(request):
    _list_user(request)
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("Some filters are not valid; they are marked below."))
        queryset = filterset.queryset.none()
    else:
        queryset = filterset.qs
    paginator = CappedPaginator(queryset, 25, COUNT_CAP) if _filtering(filterset) else KeysFirstPaginator(queryset, 25)
    page = paginator.get_page(request.GET.get("page"))
    _prepare_rows(page, request.user)
    rows = _rows_html(page)
    menus = filter_menus(filterset.form, request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "review/staff/list.html", {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "filters": filters_html(filterset.form, menus),
        "menus": menus,
    })
