"""The district office: peer opinions and its recommendation."""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import lifecycle
from applications.services import fire
from applications.states import State
from applications.uploads import UploadRejected
from portal.lifecycle import ActionRefused

from ..models import (
    DistrictOpinion,
    PeerOpinion,
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


def district_decide(application_id, user, decision, opinion, letter=None, ip=None):
    if not opinion.strip():
        raise ActionRefused(_("Please write the opinion (for a return: the reason)."))
    checked = None
    if letter is not None:
        try:
            checked = _check_pdf(letter)
        except UploadRejected as error:
            raise ActionRefused(str(error)) from None

    def record(application):
        row = DistrictOpinion(application=application, decision=decision, opinion=opinion, author=user)
        if checked is not None:
            row.sha256 = sha256_of(checked.data)
            row.letter_name = checked.original_name
            row.letter.save("letter.bin", _stored(checked.data, "letter.bin"), save=False)
        row.save()

    name = {"recommend": "recommend", "return": "return_for_revision", "not_recommend": "not_recommend"}[decision]
    return fire(application_id, name, user, reason=opinion, ip=ip, before=record)
