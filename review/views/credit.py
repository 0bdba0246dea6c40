"""Credit records (失信记录 / 取消牵头资格): programme staff and the system administrator list, record and
change them here; the eligibility rules ``no_credit_record`` and ``disqualification_bar`` read them.

Every authority's staff see every record (a unit barred by one authority is barred wherever the
programme's rule says so); a record is changed only by the staff of the authority that recorded it, or
by the system administrator, always with a reason, which is kept (``portal.CreditRecordChange``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import creditcode
from portal.forms import CreditRecordChangeForm, CreditRecordForm
from portal.lifecycle import ActionRefused
from portal.models import CreditRecord, Role
from portal.services import CREDIT_FIELDS, change_credit_record, may_change_credit_record, record_credit

PER_PAGE = 25


def _require_credit_staff(request):
    if request.user.role not in (Role.STAFF, Role.ADMIN):
        raise PermissionDenied(_("Only programme staff can see credit records."))


def search(queryset, text):
    """Unit name (a Chinese substring) or credit code (a fragment, any case or width)."""
    text = (text or "").strip()
    if not text:
        return queryset
    code = creditcode.normalise(text)
    return queryset.filter(Q(unit_name__icontains=text) | (Q(credit_code__contains=code) if code else Q()))


@login_required
def credit_list(request):
    _require_credit_staff(request)
    text = request.GET.get("q", "")
    records = search(CreditRecord.objects.select_related("authority", "recorded_by"), text)
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(record, record.in_force_on(today), may_change_credit_record(record, request.user))
            for record in page.object_list]
    return render(request, "review/staff/credit_list.html", {"page": page, "rows": rows, "q": text})


@login_required
def credit_new(request):
    _require_credit_staff(request)
    form = CreditRecordForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = record_credit(data["credit_code"], data["unit_name"], data["kind"], data["reason"],
                                   data["source"], data["valid_from"], data["valid_until"], by=request.user)
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The credit record of %(unit)s is recorded.") % {"unit": record.unit_name})
            return redirect("review:credit_list")
    return render(request, "review/staff/credit_form.html", {"form": form, "record": None})


@login_required
def credit_edit(request, pk):
    _require_credit_staff(request)
    record = get_object_or_404(CreditRecord.objects.select_related("authority", "recorded_by"), pk=pk)
    can_change = may_change_credit_record(record, request.user)
    form = CreditRecordChangeForm(request.POST or None, initial={name: getattr(record, name) for name in CREDIT_FIELDS})
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Only staff of the authority that recorded it can change this record."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                change_credit_record(record, request.user, data["change_reason"],
                                     **{name: data[name] for name in CREDIT_FIELDS})
            except ActionRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The change is saved, with its reason."))
                return redirect("review:credit_edit", pk=record.pk)
    return render(request, "review/staff/credit_form.html", {
        "form": form, "record": record, "can_change": can_change,
        "changes": [(change, _change_lines(change)) for change in record.changes.select_related("by")],
        "in_force": record.in_force_on(timezone.localdate())})


def _change_lines(change):
    """(field label, before, after) of each changed field, kinds by their names."""
    kinds = dict(CreditRecord.Kind.choices)
    return [(CreditRecord._meta.get_field(name).verbose_name, kinds.get(before, before), kinds.get(after, after))
            for name, (before, after) in change.changes.items()]
