"""Rectification (整改), revocation (摘牌 / 取消资格) with its credit record, and the funds ledger (拨付 / 追回)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from portal.lifecycle import ActionRefused
from portal.models import CreditRecord, add_years
from portal.services import record_credit

from .. import events
from ..choices import PASSING_GRADES, EvaluationState, FundKind, RevocationGround, RevocationState
from ..models import Evaluation, FundEntry, Rectification, Revocation, profile_of
from ._common import fire, load_consortium, require_not_revoked, require_staff_of, store_pdf

# --- rectification --------------------------------------------------------------------------------


@transaction.atomic
def open_rectification(application_id, user, requirement, deadline, evaluation_id=None):
    application = load_consortium(application_id)
    require_staff_of(application, user)
    require_not_revoked(application)
    if not requirement.strip():
        raise ActionRefused(_("Say what must be rectified."))
    if deadline <= timezone.localdate():
        raise ActionRefused(_("The deadline must be after today."))
    evaluation = Evaluation.objects.filter(pk=evaluation_id, application=application).first() if evaluation_id else None
    profile = profile_of(application.programme)
    rectification = Rectification.objects.create(
        application=application, evaluation=evaluation, requirement=requirement.strip(), deadline=deadline,
        citation=profile.cite(profile.rectification_citation), opened_by=user)
    events.rectification_opened(rectification)
    return rectification


def respond_rectification(rectification_id, user, response, upload=None, ip=None):
    def record(rectification):
        rectification.response = response.strip()
        if upload is not None:
            rectification.response_file = store_pdf(rectification.application, upload, user,
                                                    _("rectification report"))

    return fire(Rectification, rectification_id, "respond", user, ip=ip, before=record)


def check_rectification(rectification_id, user, passed, note, ip=None):
    return fire(Rectification, rectification_id, "pass_check" if passed else "fail_check", user, reason=note, ip=ip)


# --- revocation -----------------------------------------------------------------------------------

def citation_for(profile, ground):
    article = {RevocationGround.FRAUD: profile.fraud_citation, RevocationGround.LEAD_FAILED: profile.lead_bar_citation,
               RevocationGround.CONSECUTIVE_FAILS: profile.fails_citation}.get(ground) or profile.revocation_citation
    return profile.cite(article)


def _propose(application, ground, reason, user=None, evaluation=None):
    if application.revoked_on:
        raise ActionRefused(_("The consortium was revoked on %(date)s.") % {"date": application.revoked_on})
    if application.revocations.filter(state=RevocationState.PROPOSED).exists():
        raise ActionRefused(_("A revocation of this consortium is already proposed."))
    revocation = Revocation.objects.create(
        application=application, ground=ground, reason=reason.strip(), proposed_by=user, evaluation=evaluation,
        citation=citation_for(profile_of(application.programme), ground))
    events.revocation_proposed(revocation)
    return revocation


@transaction.atomic
def propose_revocation(application_id, user, ground, reason):
    """Staff propose revoking a consortium (it takes effect when confirmed)."""
    application = load_consortium(application_id, for_update=True)
    require_staff_of(application, user)
    if ground not in RevocationGround.values:
        raise ActionRefused(_("Choose the ground of the revocation."))
    if not reason.strip():
        raise ActionRefused(_("Please give the reason."))
    return _propose(application, ground, reason, user=user)


def propose_by_rule(application, ground, reason, evaluation):
    """A rule of the programme proposes revocation (inside the caller's transaction); None when one is open."""
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if application.revoked_on or application.revocations.filter(state=RevocationState.PROPOSED).exists():
        return None
    return _propose(application, ground, reason, evaluation=evaluation)


def record_credit_for_revocation(revocation, user=None):
    """The credit record a confirmed revocation calls for, or None: 弄虚作假 → 失信记录 (every guideline), a lead
    unit that failed its duties → 取消牵头资格 where the programme bars it for years (苏州 六（三）), in force for
    those years.  Against the lead unit, by its credit code, citing the article, recorded for the programme's
    authority through the one service that writes credit records."""
    profile = profile_of(revocation.application.programme)
    until = None
    if revocation.ground == RevocationGround.FRAUD:
        kind = CreditRecord.Kind.FRAUD
    elif revocation.ground == RevocationGround.LEAD_FAILED and profile.lead_bar_years:
        kind = CreditRecord.Kind.LEAD_DISQUALIFIED
        until = add_years(revocation.effective_on, profile.lead_bar_years) - datetime.timedelta(days=1)
    else:
        return None
    reason = f"{revocation.reason}（{revocation.citation}）"
    if kind == CreditRecord.Kind.LEAD_DISQUALIFIED:
        reason += _("; barred for %(n)d years from leading or joining a core layer") % {"n": profile.lead_bar_years}
    authority = revocation.application.programme.authority
    return record_credit(revocation.application.unit, "", kind, reason,
                         source=f"{authority.name}认定",  # stored data, in Chinese whoever confirms
                         valid_from=revocation.effective_on, valid_until=until, by=user, authority=authority)


def _recover_funds(revocation, user):
    """弄虚作假 where the programme recovers the funds paid (中关村 第十五条): one 追回 entry per year still paid."""
    profile = profile_of(revocation.application.programme)
    if revocation.ground != RevocationGround.FRAUD or not profile.fraud_recovers_funds:
        return []
    made = []
    for year, net in net_by_year(revocation.application).items():
        if net > 0:
            made.append(FundEntry.objects.create(
                application=revocation.application, year=year, kind=FundKind.RECOVERY, amount=net,
                on=revocation.effective_on, document_number=revocation.citation[:60], revocation=revocation,
                note=_("Recovered on revocation for fraud."), recorded_by=user))
    return made


def confirm_revocation(revocation_id, user, note, effective_on=None, ip=None):
    """Staff confirm a proposed revocation: the consortium's certificate is revoked from ``effective_on`` (today),
    the credit record and the recovery of funds the programme calls for are written, the consortium is told."""
    def revoke(revocation):
        revocation.effective_on = effective_on or timezone.localdate()

    def consequences(revocation):
        Application.objects.filter(pk=revocation.application_id).update(revoked_on=revocation.effective_on)
        revocation.application.revoked_on = revocation.effective_on
        revocation.credit_record = record_credit_for_revocation(revocation, user)
        if revocation.credit_record is not None:
            Revocation.objects.filter(pk=revocation.pk).update(credit_record=revocation.credit_record)
        _recover_funds(revocation, user)

    return fire(Revocation, revocation_id, "confirm", user, reason=note, ip=ip, before=revoke, after=consequences)


def dismiss_revocation(revocation_id, user, note, ip=None):
    return fire(Revocation, revocation_id, "dismiss", user, reason=note, ip=ip)


# --- funds ----------------------------------------------------------------------------------------

def net_by_year(application):
    """{year: granted − recovered} of a consortium."""
    rows = (FundEntry.objects.filter(application=application).order_by("year").values("year")
            .annotate(granted=Sum("amount", filter=Q(kind=FundKind.GRANT), default=Decimal(0)),
                      recovered=Sum("amount", filter=Q(kind=FundKind.RECOVERY), default=Decimal(0))))
    return {row["year"]: row["granted"] - row["recovered"] for row in rows}


def _check_grant(application, year, amount):
    profile = profile_of(application.programme)
    cite = profile.cite(profile.funds_citation)
    require_not_revoked(application)
    if profile.funds_by_result and application.filed_on and year > application.filed_on.year:
        passed = Evaluation.objects.filter(application=application, period=year - 1, state=EvaluationState.CONFIRMED,
                                           grade__in=PASSING_GRADES).exists()
        if not passed:
            raise ActionRefused(_("Funds for %(year)s follow a passed evaluation of %(previous)s, and there is none "
                                  "(%(cite)s).") % {"year": year, "previous": year - 1, "cite": cite})
    granted = (FundEntry.objects.filter(application=application, year=year, kind=FundKind.GRANT)
               .aggregate(total=Sum("amount", default=Decimal(0)))["total"]) + amount
    if profile.funds_cap is not None and granted > profile.funds_cap:
        raise ActionRefused(_("Funds for one year are at most %(cap)s (10k yuan) (%(cite)s).") % {
            "cap": profile.funds_cap, "cite": cite})
    if profile.funds_share_max and application.total_investment:
        share = application.total_investment * profile.funds_share_max / 100
        if granted > share:
            raise ActionRefused(_("Funds for one year are at most %(share)d%% of the total investment, %(max)s "
                                  "(10k yuan) (%(cite)s).") % {"share": profile.funds_share_max,
                                                              "max": share.quantize(Decimal("0.01")), "cite": cite})


@transaction.atomic
def record_funds(application_id, user, year, kind, amount, on, document_number, upload=None, note=""):
    """Staff record funds granted (拨付) or recovered (追回) for a year, with the date and the document."""
    application = load_consortium(application_id, for_update=True)
    require_staff_of(application, user)
    if amount is None or amount <= 0:
        raise ActionRefused(_("The amount must be more than zero."))
    if not document_number.strip():
        raise ActionRefused(_("Give the number of the document."))
    if kind == FundKind.GRANT:
        _check_grant(application, year, amount)
    elif amount > net_by_year(application).get(year, Decimal(0)):
        raise ActionRefused(_("More is recovered than was paid for %(year)s.") % {"year": year})
    document = store_pdf(application, upload, user, _("funds document")) if upload is not None else None
    return FundEntry.objects.create(application=application, year=year, kind=kind, amount=amount, on=on,
                                    document_number=document_number.strip(), document=document, note=note.strip(),
                                    recorded_by=user)
