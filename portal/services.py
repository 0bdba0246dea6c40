"""What staff do to accounts and units, each in one transaction."""

from django.db import transaction
from django.utils.translation import gettext as _

from . import creditcode
from .lifecycle import ActionRefused
from .models import CreditCodeCorrection, Unit


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
