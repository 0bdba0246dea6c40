"""What staff do to accounts and units, each in one transaction."""

from django.db import transaction
from django.utils.translation import gettext as _

from . import creditcode
from .lifecycle import ActionRefused
from .models import CreditCodeCorrection, CreditRecord, CreditRecordChange, Role, Unit


def check_correction(current_code, new_code, reason, lock=False):
    """(unit, normalised new code) of a correction that may be made, or ActionRefused saying why not."""
    units = Unit.objects.select_for_update() if lock else Unit.objects.all()
    unit = units.filter(credit_code=creditcode.normalise(current_code)).first()
    if unit is None:
        raise ActionRefused(_("No unit is registered with the code %(code)s.") % {"code": current_code})
    new_code = creditcode.normalise(new_code)
    found = creditcode.problems(new_code)
    if found:
        raise ActionRefused(found[0].message)
    if new_code == unit.credit_code:
        raise ActionRefused(_("The corrected code is the same as the present one."))
    if Unit.objects.filter(credit_code=new_code).exists():
        raise ActionRefused(_("Another unit is registered with the code %(code)s.") % {"code": new_code})
    if not reason.strip():
        raise ActionRefused(_("Please give the reason for the correction."))
    return unit, new_code


@transaction.atomic
def correct_credit_code(current_code, new_code, reason, by):
    """Correct a unit's credit code (found by its present code), keeping the old code and the reason."""
    unit, new_code = check_correction(current_code, new_code, reason, lock=True)
    correction = CreditCodeCorrection.objects.create(unit=unit, old_code=unit.credit_code, new_code=new_code,
                                                     reason=reason.strip(), by=by)
    unit.credit_code = new_code
    unit.save(update_fields=["credit_code"])
    return correction


# --- credit records ---------------------------------------------------------------------------------

#: What a credit record says, as record_credit and change_credit_record take it.
CREDIT_FIELDS = ("credit_code", "unit_name", "kind", "reason", "source", "valid_from", "valid_until")


def _checked_credit_values(values):
    """The values of a credit record, normalised, or ActionRefused saying what is wrong."""
    values = dict(values)
    values["credit_code"] = creditcode.normalise(values.get("credit_code") or "")
    found = creditcode.problems(values["credit_code"])
    if found:
        raise ActionRefused(found[0].message)
    for name in ("unit_name", "reason", "source"):
        values[name] = (values.get(name) or "").strip()
    if not values["unit_name"]:
        raise ActionRefused(_("Please give the unit's name."))
    if values.get("kind") not in CreditRecord.Kind.values:
        raise ActionRefused(_("Please choose the kind of record."))
    if not values["reason"]:
        raise ActionRefused(_("Please give the reason for the record."))
    if not values["source"]:
        raise ActionRefused(_("Please say where the record comes from (e.g. 信用中国, 本局认定)."))
    if not values.get("valid_from"):
        raise ActionRefused(_("Please give the date from which the record is in force."))
    if values.get("valid_until") and values["valid_until"] < values["valid_from"]:
        raise ActionRefused(_("The record cannot end before it starts."))
    values["valid_until"] = values.get("valid_until") or None
    return values


@transaction.atomic
def record_credit(unit_or_code, name, kind, reason, source, valid_from, valid_until=None, by=None, authority=None):
    """Record a credit record against a unit (a ``Unit``, or a credit code with the unit's ``name``).

    ``kind``: a ``CreditRecord.Kind``; ``source``: where it comes from (信用中国, 本局认定 …); in force from
    ``valid_from`` until ``valid_until`` inclusive (None: without end, or the period the programme's rule
    gives).  ``by``: the user who records it (None when the portal records it, e.g. on a revocation);
    ``authority``: the authority it is recorded for (default: ``by``'s).  Raises ActionRefused on bad input.
    """
    if isinstance(unit_or_code, Unit):
        code, name = unit_or_code.credit_code, name or unit_or_code.name
    else:
        code = unit_or_code
    values = _checked_credit_values({"credit_code": code, "unit_name": name, "kind": kind, "reason": reason,
                                     "source": source, "valid_from": valid_from, "valid_until": valid_until})
    if authority is None and by is not None:
        authority = by.authority
    return CreditRecord.objects.create(**values, recorded_by=by, authority=authority)


def may_change_credit_record(record, user):
    """The system administrator, or programme staff of the authority that recorded it."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.STAFF and record.authority_id is not None and record.authority_id == user.authority_id


@transaction.atomic
def change_credit_record(record, by, change_reason, **values):
    """Change what a credit record says (``values``: fields of ``CREDIT_FIELDS``), with the reason for the
    change; the change is kept (``CreditRecordChange``)."""
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    if not may_change_credit_record(record, by):
        raise ActionRefused(_("Only staff of the authority that recorded it can change this record."))
    if not (change_reason or "").strip():
        raise ActionRefused(_("Please give the reason for the change."))
    unknown = set(values) - set(CREDIT_FIELDS)
    if unknown:
        raise ValueError(f"not a credit record field: {sorted(unknown)}")
    current = {name: getattr(record, name) for name in CREDIT_FIELDS}
    checked = _checked_credit_values({**current, **values})
    changed = {name: [_plain(current[name]), _plain(checked[name])] for name in CREDIT_FIELDS
               if checked[name] != current[name]}
    if not changed:
        raise ActionRefused(_("Nothing was changed."))
    for name in changed:
        setattr(record, name, checked[name])
    record.save(update_fields=list(changed))
    return CreditRecordChange.objects.create(record=record, by=by, reason=change_reason.strip(), changes=changed)


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
