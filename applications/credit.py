"""Credit records in the eligibility rules: which records in force hit which unit of an application.

The lead unit and the member units are found by their credit codes, in one query
(:func:`records_for`); the rules ``no_credit_record`` and ``disqualification_bar``
(:mod:`applications.rules`) ask :func:`hits` which of those records count and say so with
:func:`observation`.  A member given without a credit code cannot be checked: the observation says
how many.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal import creditcode
from portal.models import CreditRecord

from .choices import MemberRole


def records_for(lead_code, members):
    """The credit records of the lead unit and of the member units (their ``credit_code``), one query."""
    codes = {creditcode.normalise(lead_code)} | {creditcode.normalise(m.credit_code) for m in members
                                                  if getattr(m, "credit_code", "")}
    codes.discard("")
    return list(CreditRecord.objects.filter(credit_code__in=codes).order_by("valid_from", "id"))


@dataclass
class Hit:
    record: CreditRecord
    who: str  # "lead unit" / "member unit" / "core member unit", translated
    name: str  # the unit's name as the application gives it
    years: int | None


def hits(f, kinds, day, years=None, members=True, core_only=False):
    """(hits, unchecked): records of ``kinds`` in force on ``day`` against the lead unit and — when
    ``members`` — the member units (``core_only``: the core layer only); ``years``: how long a record
    that names no end is in force.  ``unchecked``: the members in scope without a credit code."""
    units = [(creditcode.normalise(f.lead_credit_code), _("lead unit"), f.lead_name)]
    unchecked = 0
    if members:
        for member in f.members:
            if core_only and member.role != MemberRole.CORE:
                continue
            if not member.credit_code:
                unchecked += 1
                continue
            who = _("core member unit") if member.role == MemberRole.CORE else _("member unit")
            units.append((creditcode.normalise(member.credit_code), who, member.name))
    found = []
    for code, who, name in units:
        for record in f.credit_records:
            if record.credit_code == code and record.kind in kinds and record.in_force_on(day, years):
                found.append(Hit(record, who, name, years))
    return found, unchecked


def kinds_label(kinds):
    """The kinds of record, named (e.g. 严重失信、取消牵头资格)."""
    labels = dict(CreditRecord.Kind.choices)
    return "、".join(str(labels.get(k, k)) for k in kinds)


def observation(found, unchecked):
    """What the rule found, hit by hit, in the message's words."""
    if found:
        text = "；".join(
            _("%(who)s %(name)s: %(kind)s, %(period)s (source: %(source)s): %(reason)s") % {
                "who": hit.who, "name": hit.name, "kind": kinds_label([hit.record.kind]),
                "period": hit.record.period_label(hit.years), "source": hit.record.source or _("source not given"),
                "reason": hit.record.reason}
            for hit in found)
    else:
        text = _("none found")
    if unchecked:
        text += _(" (%(n)d member units without a credit code could not be checked)") % {"n": unchecked}
    return text


def records_by_unit(application, day, records=None):
    """Every credit record of the lead unit and of the member units of a saved application, in force or
    not, as (who, the unit's name, record, in force on ``day``): what staff see on its page.  ``records``: those
    records when already read (the facts of the same application's eligibility check), else read here."""
    members = list(application.members.all())
    units = {creditcode.normalise(application.unit.credit_code): (_("lead unit"), application.unit.name)}
    for member in members:
        if member.credit_code:
            who = _("core member unit") if member.role == MemberRole.CORE else _("member unit")
            units.setdefault(creditcode.normalise(member.credit_code), (who, member.name))
    return [(*units[record.credit_code], record, record.in_force_on(day))
            for record in (records if records is not None else records_for(application.unit.credit_code, members))
            if record.credit_code in units]
