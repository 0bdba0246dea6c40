"""The application's lifecycle: its transitions, who may fire each, and their conditions.

This module reads like the guidelines.  A programme lists the stages its guideline has
(``Programme.stages``); the transitions consult that list (:mod:`applications.stages`), so one
state machine serves every route.  Views never assign ``state``: they call
:func:`applications.services.fire`, which runs :func:`portal.lifecycle.perform`.

The routes of the five seed programmes (see ``docs/workflow.md`` for the diagram):

* 威海: district_review (≥3 peer opinions of 副高+; skipped for 新型研发机构) → formal_review
  → expert_review → publicity → filing.
* 江苏: district_review (设区市科技局 verifies and recommends) → expert_review → decision → filing.
* 苏州: district_review (county-selected leads only; 推荐函) → decision → filing.
* 北京: formal_review (competent department) → expert_review → decision → filing.
* 中关村: district_review (分园) → expert_review → decision (主任办公会) → publicity (≥5 working
  days) → filing (agreement with targets).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, FSMField, transition

from portal.models import Role

from .stages import (
    StageKey,
    _is_open,
    _no_hard_failures,
    agreement_signed,
    experts_done,
    first_review_state,
    has_assignments,
    next_state_after,
    peer_opinions_sufficient,
    publicity_over_without_pending_objection,
    recommendation_letter_present,
    resubmission_state,
    route_has_publicity,
    route_skips_publicity,
    stage_of,
    visits_recorded,
)
from .states import AFTER_DISTRICT, AFTER_EXPERTS, AFTER_FORMAL, AFTER_SUBMISSION, REVIEW_STATES, State

# --- permissions: who may fire what -------------------------------------------------------------


def is_applicant_of(application, user) -> bool:
    return bool(user.is_authenticated and user.role == Role.APPLICANT and user.unit_id == application.unit_id)


def is_district_reviewer_of(application, user) -> bool:
    return bool(user.is_authenticated and user.role == Role.DISTRICT and user.district_id is not None
                and user.district_id == application.district_id)


def is_staff_of(application, user) -> bool:
    return bool(user.is_authenticated and user.role == Role.STAFF
                and user.authority_id == application.programme.authority_id)


def may_return(application, user) -> bool:
    if application.state == State.DISTRICT_REVIEW:
        return is_district_reviewer_of(application, user)
    return is_staff_of(application, user)


#: Whether a user of the role that acts at a stage acts for this application.
ACTS_FOR = {Role.DISTRICT: is_district_reviewer_of, Role.STAFF: is_staff_of}


def acts_on(application, user) -> bool:
    """Whether ``user`` is the one to act on the stage ``application`` waits at."""
    stage = stage_of(application)
    return bool(stage and stage.actor in ACTS_FOR and ACTS_FOR[stage.actor](application, user))


class ApplicationWorkflow(models.Model):
    """Abstract model holding the state field and the transitions."""

    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)

    class Meta:
        abstract = True

    #: What portal.lifecycle.perform() says when it refuses a transition of an application.
    lifecycle_messages = {
        "gone": _("The application no longer exists."),
        "wrong_state": _("This cannot be done while the application is “%(state)s”."),
        "not_allowed": _("You are not allowed to do this for this application."),
        "race": _("Someone else has just acted on this application; nothing was changed. "
                  "Please reload the page to see its present state."),
    }

    def log_transition(self, name, source, target, actor, reason="", ip=None):
        """The append-only log (``review.TransitionLog``, reached through its related name); writing the entry
        moves the row's ``waiting_since`` to its time, and this instance's with it."""
        entry = self.log.create(transition=name, actor=actor, actor_role=actor.role, source=source, target=target,
                                reason=reason, ip=ip)
        self.waiting_since = entry.at

    # 单位申报 — only the applicant unit submits, while the call is open, with no hard failure.
    @transition(field=state, source=State.DRAFT, target=GET_STATE(first_review_state, states=AFTER_SUBMISSION),
                conditions=[_is_open, _no_hard_failures], permission=is_applicant_of,
                custom={"label": _("submit"), "role": Role.APPLICANT})
    def submit(self, **kwargs):
        pass

    # 退回修改后重新提交 — back to the stage that returned it.
    @transition(field=state, source=State.RETURNED, target=GET_STATE(resubmission_state, states=REVIEW_STATES),
                conditions=[_no_hard_failures], permission=is_applicant_of,
                custom={"label": _("resubmit"), "role": Role.APPLICANT})
    def resubmit(self, **kwargs):
        pass

    # 撤回 — the applicant may withdraw before a decision.
    @transition(field=state, source=REVIEW_STATES + [State.RETURNED], target=State.WITHDRAWN,
                permission=is_applicant_of, custom={"label": _("withdraw"), "role": Role.APPLICANT})
    def withdraw(self, **kwargs):
        pass

    # 退回修改 — any review stage, with a reason; from publicity when an objection is upheld.
    @transition(field=state, source=REVIEW_STATES + [State.PUBLICITY], target=State.RETURNED,
                permission=may_return, custom={"label": _("return for revision"), "role": "reviewer",
                                               "reason_required": _("Please give the reason for the return.")})
    def return_for_revision(self, reason="", **kwargs):
        self.returned_from = self.state if self.state != State.PUBLICITY else first_review_state(self)
        self.return_reason = reason

    # 初审推荐 — district office of the application's district (威海: ≥3 peer opinions; 苏州: 推荐函).
    @transition(field=state, source=State.DISTRICT_REVIEW, target=GET_STATE(next_state_after(StageKey.DISTRICT_REVIEW),
                states=AFTER_DISTRICT), conditions=[peer_opinions_sufficient, recommendation_letter_present],
                permission=is_district_reviewer_of, custom={"label": _("recommend"), "role": Role.DISTRICT})
    def recommend(self, **kwargs):
        pass

    @transition(field=state, source=State.DISTRICT_REVIEW, target=State.NOT_RECOMMENDED,
                permission=is_district_reviewer_of, custom={"label": _("not recommend"), "role": Role.DISTRICT})
    def not_recommend(self, **kwargs):
        pass

    # 形式审查 — programme staff.
    @transition(field=state, source=State.FORMAL_REVIEW, target=GET_STATE(next_state_after(StageKey.FORMAL_REVIEW),
                states=AFTER_FORMAL), permission=is_staff_of,
                custom={"label": _("pass formal review"), "role": Role.STAFF})
    def pass_formal_review(self, **kwargs):
        pass

    # 专家评审 — staff draw experts; the draw starts the evaluation; staff conclude it.
    @transition(field=state, source=State.EXPERT_PENDING, target=State.EXPERT_REVIEW, conditions=[has_assignments],
                permission=is_staff_of, custom={"label": _("start expert evaluation"), "role": Role.STAFF})
    def start_expert_review(self, **kwargs):
        pass

    @transition(field=state, source=State.EXPERT_REVIEW, target=GET_STATE(next_state_after(StageKey.EXPERT_REVIEW),
                states=AFTER_EXPERTS), conditions=[experts_done, visits_recorded], permission=is_staff_of,
                custom={"label": _("conclude expert evaluation"), "role": Role.STAFF})
    def conclude_expert_review(self, **kwargs):
        pass

    # 审定 — staff, one at a time or in a batch, with a meeting record where the programme has one.
    @transition(field=state, source=State.DECISION, target=State.APPROVED, permission=is_staff_of,
                custom={"label": _("approve"), "role": Role.STAFF})
    def approve(self, **kwargs):
        pass

    @transition(field=state, source=[State.FORMAL_REVIEW, State.EXPERT_REVIEW, State.DECISION, State.PUBLICITY],
                target=State.REFUSED, permission=is_staff_of, custom={"label": _("refuse"), "role": Role.STAFF})
    def refuse(self, **kwargs):
        pass

    # 公示 — staff open a publicity batch.
    @transition(field=state, source=State.APPROVED, target=State.PUBLICITY, conditions=[route_has_publicity],
                permission=is_staff_of, custom={"label": _("open publicity"), "role": Role.STAFF})
    def publicize(self, **kwargs):
        pass

    # 备案 — after the period with no pending objection, or directly where there is no publicity.
    @transition(field=state, source=State.PUBLICITY, target=State.FILED,
                conditions=[publicity_over_without_pending_objection, agreement_signed], permission=is_staff_of,
                custom={"label": _("file"), "role": Role.STAFF})
    @transition(field=state, source=State.APPROVED, target=State.FILED, conditions=[route_skips_publicity, agreement_signed],
                permission=is_staff_of, custom={"label": _("file"), "role": Role.STAFF})
    def file(self, **kwargs):
        pass


TRANSITIONS = ["submit", "resubmit", "withdraw", "return_for_revision", "recommend", "not_recommend",
               "pass_formal_review", "start_expert_review", "conclude_expert_review", "approve", "refuse",
               "publicize", "file"]
