"""The decision, one at a time or in a batch, with its meeting record."""


from django.db import transaction
from django.utils.translation import gettext as _

from applications.services import fire
from applications.stages import StageKey, stage_params
from portal.lifecycle import ActionRefused

from ..models import (
    Decision,
    Meeting,
)


def decide(application_ids, user, outcome, reason="", meeting=None, ip=None):
    """Approve or refuse one or many applications; all or nothing."""
    if outcome == "refuse" and not reason.strip():
        raise ActionRefused(_("Please give the reason for the refusal."))
    with transaction.atomic():
        if meeting is not None and meeting.pk is None:
            meeting.save()
        done = []
        for application_id in application_ids:
            def record(app):
                body = stage_params(app, StageKey.DECISION).get("meeting")
                if body and meeting is None:
                    raise ActionRefused(_("This programme decides at a meeting (%(body)s): record the meeting "
                                          "(date, body, minutes).") % {"body": body})
                Decision.objects.create(application=app, outcome=outcome, reason=reason, meeting=meeting, by=user)

            done.append(fire(application_id, "approve" if outcome == "approve" else "refuse", user, reason=reason,
                             ip=ip, before=record))
        return done


def new_meeting(programme, user, date, body, minutes):
    return Meeting(programme=programme, date=date, body=body, minutes=minutes, by=user)
