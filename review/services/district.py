"""The district office: peer opinions and its recommendation, one at a time or in a ranked batch."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import lifecycle
from applications.models import Application, Programme
from applications.services import fire
from applications.states import State
from applications.uploads import UploadRejected
from notices.models import Job
from notices.outbox import add_document
from portal.lifecycle import ActionRefused
from portal.models import Role

from ..models import (
    DistrictOpinion,
    PeerOpinion,
    RecommendationBatch,
    RecommendationEntry,
    sha256_of,
)
from ._common import _check_pdf, _stored


def add_peer_opinion(application, user, **data):
    if not (lifecycle.is_district_reviewer_of(application, user) and application.state == State.DISTRICT_REVIEW):
        raise ActionRefused(_("Only the district office can add peer opinions during its review."))
    return PeerOpinion.objects.create(application=application, added_by=user, **data)


def withdraw_peer_opinion(application, user, opinion_id, reason):
    """Withdraw a mistaken peer opinion during the district review; it stays on record and stops counting."""
    if not (lifecycle.is_district_reviewer_of(application, user) and application.state == State.DISTRICT_REVIEW):
        raise ActionRefused(_("Only the district office can withdraw peer opinions during its review."))
    if not reason.strip():
        raise ActionRefused(_("Please give the reason for withdrawing the peer opinion."))
    with transaction.atomic():
        opinion = PeerOpinion.objects.select_for_update().filter(application=application, pk=opinion_id).first()
        if opinion is None:
            raise ActionRefused(_("This peer opinion does not exist."))
        if opinion.withdrawn_at is not None:
            raise ActionRefused(_("This peer opinion has already been withdrawn."))
        opinion.withdrawn_at, opinion.withdrawn_by, opinion.withdrawn_reason = timezone.now(), user, reason.strip()[:200]
        opinion.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    return opinion


def _checked_letter(letter):
    if letter is None:
        return None
    try:
        return _check_pdf(letter)
    except UploadRejected as error:
        raise ActionRefused(str(error)) from None


def _record_opinion(application, user, decision, opinion, checked=None):
    row = DistrictOpinion(application=application, decision=decision, opinion=opinion, author=user)
    if checked is not None:
        row.sha256 = sha256_of(checked.data)
        row.letter_name = checked.original_name
        row.letter.save("letter.bin", _stored(checked.data, "letter.bin"), save=False)
    row.save()
    return row


def district_decide(application_id, user, decision, opinion, letter=None, ip=None):
    if not opinion.strip():
        raise ActionRefused(_("Please write the opinion (for a return: the reason)."))
    checked = _checked_letter(letter)

    def record(application):
        _record_opinion(application, user, decision, opinion, checked)

    name = {"recommend": "recommend", "return": "return_for_revision", "not_recommend": "not_recommend"}[decision]
    return fire(application_id, name, user, reason=opinion, ip=ip, before=record)


# --- the batch recommendation (推荐汇总表) ------------------------------------------------------------

@dataclass(frozen=True)
class Ranked:
    """A chosen application, the rank the reviewer gave it, and its own opinion (blank: the common one)."""

    application_id: int
    rank: int
    opinion: str = ""


class BatchRefused(ActionRefused):
    """Nothing was recommended; ``problems`` lists ``(application's name, why)`` for each that could not be."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


def recommend_batch(user, programme_id, ranked, opinion, letter=None, ip=None):
    """Recommend the ``ranked`` applications of ``programme_id`` in one act, all or nothing.

    Each goes through the same transition as a single recommendation (``recommend``: the district's
    permission, the route's conditions such as 威海 四、2's peer opinions or 苏州 四（四）'s 推荐函, the log, the
    event with the applicant's notice and 推荐意见).  The act is one paper — the 推荐函 numbered with the
    office's 文号 and the ranked table — so it stands or falls whole: if any chosen application cannot be
    recommended, none is (the transaction is rolled back, the 文号 given back) and every one that failed
    is reported by name with its reason, for the reviewer to untick or complete it and act again.  The
    ranks are renumbered 1, 2, 3 … in the order given.  ``letter`` (where the route asks for a 推荐函 of the
    local government) is recorded with each application's opinion."""
    opinion = opinion.strip()
    if not (user.is_authenticated and user.role == Role.DISTRICT and user.district_id):
        raise ActionRefused(_("Only a district office can recommend applications."))
    if not ranked:
        raise ActionRefused(_("Choose at least one application to recommend."))
    if not opinion:
        raise ActionRefused(_("Please write the common opinion."))
    ids = [item.application_id for item in ranked]
    ranks = [item.rank for item in ranked]
    if len(set(ids)) != len(ids) or len(set(ranks)) != len(ranks) or min(ranks) < 1:
        raise ActionRefused(_("Give each chosen application its own rank (1, 2, 3 …): two have the same rank."))
    checked = _checked_letter(letter)
    programme = Programme.objects.select_related("authority").filter(pk=programme_id).first()
    with transaction.atomic():
        found = {a.pk: a for a in Application.objects.filter(
            pk__in=ids, district_id=user.district_id, programme=programme).annotate(members_n=Count("members"))}
        if programme is None or len(found) != len(ids):
            # Never named: an application outside the office's scope is not the reviewer's to see.
            raise ActionRefused(_("Some of the chosen applications are not your office's applications of this "
                                  "programme; nothing was recommended."))
        batch = RecommendationBatch.objects.create(district_id=user.district_id, programme=programme,
                                                   opinion=opinion, by=user)
        entries, problems = [], []
        for rank, item in enumerate(sorted(ranked, key=lambda r: r.rank), start=1):
            text = item.opinion.strip() or opinion
            try:
                done = fire(item.application_id, "recommend", user, reason=text, ip=ip,
                            before=lambda app, text=text: _record_opinion(
                                app, user, DistrictOpinion.Decision.RECOMMEND, text, checked))
            except ActionRefused as error:
                problems.append((str(found[item.application_id]), str(error)))
                continue
            entries.append(RecommendationEntry(
                batch=batch, application=done, rank=rank, opinion=text, reference=done.reference or "",
                name=done.name, lead_name=done.unit.name, member_count=found[done.pk].members_n, field=done.field))
        if problems:
            raise BatchRefused(_("Nothing was recommended: %(n)d of the chosen applications cannot be recommended "
                                 "now.") % {"n": len(problems)}, problems)
        RecommendationEntry.objects.bulk_create(entries)
        district = batch.district
        add_document(Job.Kind.RECOMMENDATION_BATCH, f"{Job.Kind.RECOMMENDATION_BATCH}:batch{batch.pk}",
                     district.name, district.number_pattern, subject=batch)
    return batch
