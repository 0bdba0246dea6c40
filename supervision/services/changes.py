"""变更备案: the consortium files a change, staff approve it (and it is applied) or refuse it with the reason.

A name change re-issues the certificate (``review.services.reissue_certificate``: the next edition, the
earlier one superseded on the verification page).  Where the guideline forbids a change of the lead unit
(江苏 七（三）) the request is refused by rule, citing the article, when it is submitted."""

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Member, Person
from portal import creditcode
from portal.lifecycle import ActionRefused
from portal.models import Unit, UnitType
from review.services import reissue_certificate

from ..choices import ChangeKind
from ..models import ChangeRequest
from ._common import fire, load_consortium, require_not_revoked, store_pdf

#: The governance role a change of each kind replaces (主要负责人: the administrative head, 行政负责人).
PERSON_ROLES = {ChangeKind.PRINCIPAL: Person.Role.ADMIN_HEAD, ChangeKind.CHIEF_EXPERT: Person.Role.CHIEF_EXPERT}


def _members_added(rows):
    """The joining members, each {name, credit_code, unit_type}, checked."""
    added = []
    for row in rows:
        name = " ".join((row.get("name") or "").split())
        if not name:
            continue
        code = creditcode.normalise(row.get("credit_code") or "")
        if code and not creditcode.is_valid(code):
            raise ActionRefused(_("%(name)s: the unified social credit code is not valid.") % {"name": name})
        unit_type = row.get("unit_type") or UnitType.OTHER
        if unit_type not in UnitType.values:
            raise ActionRefused(_("%(name)s: choose the unit type.") % {"name": name})
        added.append({"name": name, "credit_code": code, "unit_type": unit_type})
    return added


def _fill(change, application, data, upload, user):
    kind = change.kind
    if kind == ChangeKind.NAME:
        change.new_name = " ".join((data.get("new_name") or "").split())
        if not change.new_name or change.new_name == application.name:
            raise ActionRefused(_("Give the new name (different from the present one)."))
    elif kind == ChangeKind.CHARTER:
        if upload is None:
            raise ActionRefused(_("Upload the new charter or supplementary agreement (PDF)."))
        change.charter = store_pdf(application, upload, user, _("charter"))
    elif kind == ChangeKind.MEMBERS:
        present = set(application.members.values_list("name", flat=True))
        change.members_added = _members_added(data.get("members_added") or [])
        change.members_removed = [name for name in data.get("members_removed") or [] if name in present]
        if not change.members_added and not change.members_removed:
            raise ActionRefused(_("Name the member units joining or leaving."))
    elif kind in PERSON_ROLES:
        change.person_name = (data.get("person_name") or "").strip()
        change.person_title = (data.get("person_title") or "").strip()
        change.person_unit = (data.get("person_unit") or "").strip()
        if not change.person_name:
            raise ActionRefused(_("Give the new person's name."))
    elif kind == ChangeKind.LEAD:
        change.new_lead_credit_code = creditcode.normalise(data.get("new_lead_credit_code") or "")


@transaction.atomic
def request_change(application_id, user, kind, explanation, data, upload=None, ip=None):
    """The consortium files a change (written and submitted in one transaction: a change refused by rule leaves
    nothing behind)."""
    application = load_consortium(application_id)
    require_not_revoked(application)
    if kind not in ChangeKind.values:
        raise ActionRefused(_("Choose what changes."))
    if not explanation.strip():
        raise ActionRefused(_("Please explain the change."))
    change = ChangeRequest(application=application, kind=kind, explanation=explanation.strip(), requested_by=user)
    _fill(change, application, data, upload, user)
    change.save()
    return fire(ChangeRequest, change.pk, "submit", user, ip=ip)


def _apply(change, user):
    """Apply an approved change to the filed consortium (inside the approving transaction)."""
    application = change.application
    before = {"name": application.name, "members": list(application.members.values_list("name", flat=True))}
    if change.kind == ChangeKind.NAME:
        reissue_certificate(application.pk, user, change.new_name, change.explanation)
    elif change.kind == ChangeKind.MEMBERS:
        application.members.filter(name__in=change.members_removed).delete()
        last = max(application.members.values_list("order", flat=True), default=0)
        for offset, row in enumerate(change.members_added, 1):
            Member.objects.create(application=application, name=row["name"], credit_code=row["credit_code"],
                                  unit_type=row["unit_type"], order=last + offset)
    elif change.kind in PERSON_ROLES:
        role = PERSON_ROLES[change.kind]
        person = application.people.filter(role=role).order_by("order", "pk").first()
        before["person"] = person.name if person else ""
        if person is None:
            person = Person(application=application, role=role)
        person.name, person.title, person.unit_name = change.person_name, change.person_title, change.person_unit
        person.save()
    elif change.kind == ChangeKind.LEAD:
        unit = Unit.objects.filter(credit_code=change.new_lead_credit_code).first()
        if unit is None:
            raise ActionRefused(_("The new lead unit must be registered on the portal first."))
        before["lead"] = application.unit.name
        type(application).objects.filter(pk=application.pk).update(unit=unit)
    ChangeRequest.objects.filter(pk=change.pk).update(before=before)


def approve_change(change_id, user, note="", ip=None):
    return fire(ChangeRequest, change_id, "approve", user, reason=note, ip=ip, after=lambda c: _apply(c, user))


def refuse_change(change_id, user, reason, ip=None):
    return fire(ChangeRequest, change_id, "refuse", user, reason=reason, ip=ip)
