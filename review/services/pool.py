"""Proposals to the shared expert pool and holiday calendar: staff propose, the central registry keeper
accepts (the change is applied in the same transaction) or declines with a reason.  Each act sends
its event to the notices app (``review.events``: the keepers hear of a proposal, its proposer of the
decision)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.events import Event, emit
from portal import creditcode
from portal.lifecycle import ActionRefused
from portal.models import Role

from ..models import Expert, ExpertRelation, HolidayDay, PoolProposal
from ..models.proposals import EXPERT_FIELDS

SUBJECT = "review.poolproposal"
Kind = PoolProposal.Kind


def may_propose(user):
    return user.is_authenticated and user.role == Role.STAFF and bool(user.authority_id)


def may_decide(user):
    return user.is_authenticated and user.is_active and user.keeps_registry


def expert_values(expert):
    """An expert's current values as a proposal stores them (its fields as sorted ids)."""
    values = {key: getattr(expert, key) for key in EXPERT_FIELDS if key != "fields"}
    values["fields"] = sorted(expert.fields.values_list("pk", flat=True))
    return values


def _emit(name, proposal, actor, reason=""):
    emit(Event(subject=SUBJECT, name=name, instance=proposal, actor=actor, reason=reason))


@transaction.atomic
def propose(user, kind, values, reason, expert=None):
    """A proposal of ``kind`` by programme staff (``values``: what the form cleaned, JSON-ready).  A change
    to an expert keeps only the values that differ from the pool's; nothing changed is refused."""
    if not may_propose(user):
        raise ActionRefused(_("Only programme staff can propose changes to the pool."))
    if not (reason or "").strip():
        raise ActionRefused(_("Give the reason for the proposal."))
    if kind in (Kind.CHANGE_EXPERT, Kind.RELATION) and expert is None:
        raise ActionRefused(_("Choose the expert."))
    if kind == Kind.CHANGE_EXPERT:
        current = expert_values(Expert.objects.get(pk=expert.pk))  # not the form's instance, changed in memory
        values = {key: value for key, value in values.items() if current.get(key) != value}
        if not values:
            raise ActionRefused(_("The proposal changes nothing."))
    proposal = PoolProposal.objects.create(
        kind=kind, expert=expert if kind != Kind.NEW_EXPERT else None, values=values, reason=reason.strip(),
        proposed_by=user, authority_id=user.authority_id)
    _emit("propose", proposal, user)
    return proposal


def _locked(proposal_id, user):
    if not may_decide(user):
        raise ActionRefused(_("Only the central registry keeper can decide on proposals."))
    proposal = PoolProposal.objects.select_for_update().filter(pk=proposal_id).first()
    if proposal is None:
        raise ActionRefused(_("The proposal no longer exists."))
    if not proposal.is_pending:
        raise ActionRefused(_("The proposal has already been decided."))
    return proposal


def _decided(proposal, user, status, note):
    proposal.status, proposal.decided_by, proposal.decided_at, proposal.note = status, user, timezone.now(), note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "note", "expert"])


@transaction.atomic
def accept(proposal_id, user, note=""):
    """Accept a pending proposal: its change is made to the pool or the calendar, with the decision."""
    proposal = _locked(proposal_id, user)
    try:
        apply(proposal)
    except ValidationError as error:
        raise ActionRefused(" ".join(error.messages)) from None
    _decided(proposal, user, PoolProposal.Status.ACCEPTED, (note or "").strip())
    _emit("accept", proposal, user, proposal.note)
    return proposal


@transaction.atomic
def decline(proposal_id, user, note):
    """Decline a pending proposal, with the reason its proposer is told."""
    if not (note or "").strip():
        raise ActionRefused(_("Give the reason for declining."))
    proposal = _locked(proposal_id, user)
    _decided(proposal, user, PoolProposal.Status.DECLINED, note.strip())
    _emit("decline", proposal, user, proposal.note)
    return proposal


def apply(proposal):
    """Make the proposed change (inside the caller's transaction)."""
    values = dict(proposal.values)
    if proposal.kind == Kind.HOLIDAY:
        day = HolidayDay.objects.filter(date=values["date"]).first() or HolidayDay(date=values["date"])
        day.is_workday, day.name = values["is_workday"], values["name"]
        day.full_clean(validate_unique=False)
        day.save()
        return
    if proposal.kind != Kind.NEW_EXPERT and proposal.expert_id is None:
        raise ActionRefused(_("The expert is no longer in the pool."))
    if proposal.kind == Kind.RELATION:
        code = creditcode.normalise(values["credit_code"])
        if not proposal.expert.relations.filter(credit_code=code).exists():
            relation = ExpertRelation(expert=proposal.expert, credit_code=code, note=values.get("note", ""))
            relation.full_clean()
            relation.save()
        return
    expert = (Expert() if proposal.kind == Kind.NEW_EXPERT
              else Expert.objects.select_for_update().get(pk=proposal.expert_id))
    fields = values.pop("fields", None)
    for key, value in values.items():
        setattr(expert, key, value)
    expert.full_clean(exclude=["fields"])
    expert.save()
    if fields is not None:
        expert.fields.set(fields)
    proposal.expert = expert
