"""The states an application passes through, and the groups of them the rest of the code asks about."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    DISTRICT_REVIEW = "district_review", _("awaiting district review")
    FORMAL_REVIEW = "formal_review", _("awaiting formal review")
    EXPERT_PENDING = "expert_pending", _("awaiting expert evaluation")
    EXPERT_REVIEW = "expert_review", _("in expert evaluation")
    DECISION = "decision", _("awaiting decision")
    APPROVED = "approved", _("approved, awaiting publicity or filing")
    PUBLICITY = "publicity", _("in publicity")
    FILED = "filed", _("filed")
    RETURNED = "returned", _("returned for revision")
    NOT_RECOMMENDED = "not_recommended", _("not recommended")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")


REVIEW_STATES = [State.DISTRICT_REVIEW, State.FORMAL_REVIEW, State.EXPERT_PENDING, State.EXPERT_REVIEW,
                 State.DECISION]
ACTIVE_STATES = REVIEW_STATES + [State.APPROVED, State.PUBLICITY]
EDITABLE_STATES = (State.DRAFT, State.RETURNED)
#: Ended without a certificate (a unit may apply again under the same name).
CLOSED_WITHOUT_FILING = [State.WITHDRAWN, State.REFUSED, State.NOT_RECOMMENDED]
AFTER_SUBMISSION = [State.DISTRICT_REVIEW, State.FORMAL_REVIEW, State.EXPERT_PENDING, State.DECISION, State.APPROVED]
AFTER_DISTRICT = [State.FORMAL_REVIEW, State.EXPERT_PENDING, State.DECISION, State.APPROVED]
AFTER_FORMAL = [State.EXPERT_PENDING, State.DECISION, State.APPROVED]
AFTER_EXPERTS = [State.DECISION, State.APPROVED]
