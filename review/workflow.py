"""The application workflow: states, transitions, who may fire each, and their conditions.

This module reads like the guidelines.  A programme lists the stages its guideline has
(``Programme.stages``); the transitions consult that list, so one state machine serves every
route.  Views never assign ``state``: they call :func:`review.services.fire` (through the
stage services), which checks the permission, runs the transition in one transaction,
writes the log and turns a lost race into a message.

Stage keys, who acts, and the state an application waits in when it reaches the stage::

    district_review  待初审      区县/区市科技局, 设区市科技局 (江苏), 分园管委会 (中关村)
    formal_review    待形式审查  programme staff
    expert_review    待专家评审  programme staff draw experts → 专家评审中 while they score
    decision         待审定      programme staff / 主任办公会
    publicity        待公示      programme staff open a publicity batch → 公示中
    filing           待备案      programme staff file → 已备案

A stage may carry ``skip_when`` so that part of the route does not apply to an application,
e.g. Weihai's 新型研发机构 leads go straight to the city: ``{"lead_unit_types": ["new_rd"]}``;
Suzhou's city-selected leads skip the county: ``{"lead_selected_by": ["city"]}``.

The routes of the five seed programmes (see ``docs/workflow.md`` for the diagram):

* 威海: district_review (≥3 peer opinions of 副高+; skipped for 新型研发机构) → formal_review
  → expert_review → publicity → filing.
* 江苏: district_review (设区市科技局 verifies and recommends) → expert_review → decision → filing.
* 苏州: district_review (county-selected leads only; 推荐函) → decision → filing.
* 北京: formal_review (competent department) → expert_review → decision → filing.
* 中关村: district_review (分园) → expert_review → decision (主任办公会) → publicity (≥5 working
  days) → filing (agreement with targets).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, FSMField, transition


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


STAGE_KEYS = ("district_review", "formal_review", "expert_review", "decision", "publicity", "filing")

#: The state an application waits in when it reaches a stage.
STAGE_STATE = {
    "district_review": State.DISTRICT_REVIEW,
    "formal_review": State.FORMAL_REVIEW,
    "expert_review": State.EXPERT_PENDING,
    "decision": State.DECISION,
    "publicity": State.APPROVED,
    "filing": State.APPROVED,
}

#: The stage an application in a review state is at.
STATE_STAGE = {
    State.DISTRICT_REVIEW: "district_review",
    State.FORMAL_REVIEW: "formal_review",
    State.EXPERT_PENDING: "expert_review",
    State.EXPERT_REVIEW: "expert_review",
    State.DECISION: "decision",
    State.APPROVED: "publicity",
    State.PUBLICITY: "publicity",
}

#: Stage parameters that may appear in Programme.stages, by stage key.
STAGE_PARAMS = {
    "district_review": {"skip_when", "peer_opinions_min", "peer_title_min", "recommendation_letter", "label"},
    "formal_review": {"skip_when", "label"},
    "expert_review": {"skip_when", "modes", "experts", "aggregate", "visit_required", "label"},
    "decision": {"skip_when", "meeting", "label"},
    "publicity": {"skip_when", "label"},  # length: Programme.publicity_working_days
    "filing": {"skip_when", "agreement", "certificate_title", "label"},
}

SKIP_KEYS = {"lead_unit_types", "lead_selected_by"}
REVIEW_STATES = [State.DISTRICT_REVIEW, State.FORMAL_REVIEW, State.EXPERT_PENDING, State.EXPERT_REVIEW,
                 State.DECISION]
ACTIVE_STATES = REVIEW_STATES + [State.APPROVED, State.PUBLICITY]
AFTER_SUBMISSION = [State.DISTRICT_REVIEW, State.FORMAL_REVIEW, State.EXPERT_PENDING, State.DECISION, State.APPROVED]
AFTER_DISTRICT = [State.FORMAL_REVIEW, State.EXPERT_PENDING, State.DECISION, State.APPROVED]
AFTER_FORMAL = [State.EXPERT_PENDING, State.DECISION, State.APPROVED]
AFTER_EXPERTS = [State.DECISION, State.APPROVED]


def validate_stages(stages):
    """Raise ValidationError (in the user's language) for a malformed stage list."""
    if not isinstance(stages, list):
        raise ValidationError({"stages": _("Stages must be a list.")})
    seen = []
    for stage in stages:
        if not isinstance(stage, dict) or stage.get("key") not in STAGE_KEYS:
            raise ValidationError({"stages": _("Unknown stage: %(stage)s") % {"stage": stage}})
        unknown = set(stage) - {"key"} - STAGE_PARAMS[stage["key"]]
        if unknown:
            raise ValidationError(
                {"stages": _("Unknown parameters for stage %(key)s: %(params)s")
                 % {"key": stage["key"], "params": ", ".join(sorted(unknown))}}
            )
        skip = stage.get("skip_when", {})
        if not isinstance(skip, dict) or set(skip) - SKIP_KEYS:
            raise ValidationError({"stages": _("skip_when may only use: %(keys)s") % {"keys": ", ".join(SKIP_KEYS)}})
        seen.append(stage["key"])
    if seen != sorted(seen, key=STAGE_KEYS.index) or len(set(seen)) != len(seen):
        raise ValidationError({"stages": _("Stages must follow the order: %(order)s") % {"order": " → ".join(STAGE_KEYS)}})
    if "filing" not in seen:
        raise ValidationError({"stages": _("Every route ends with filing.")})


def stage_applies(application, stage) -> bool:
    skip = stage.get("skip_when") or {}
    if application.unit.unit_type in skip.get("lead_unit_types", []):
        return False
    if application.lead_selected_by and application.lead_selected_by in skip.get("lead_selected_by", []):
        return False
    return True


def route(application):
    """The stage keys this application will pass through, in order."""
    return [s["key"] for s in application.programme.stages if stage_applies(application, s)]


def stage_params(application, key):
    return application.programme.stage(key) or {}


def state_after(application, key):
    """The state an application enters when it leaves stage ``key`` forwards."""
    keys = route(application)
    later = keys[keys.index(key) + 1:] if key in keys else keys
    return STAGE_STATE[later[0]] if later else State.APPROVED


def first_review_state(application, *args, **kwargs):
    keys = route(application)
    return STAGE_STATE[keys[0]] if keys else State.DECISION


def _next(key):
    def target(application, *args, **kwargs):
        return state_after(application, key)
    return target


def resubmission_state(application, *args, **kwargs):
    return application.returned_from or first_review_state(application)


# --- permissions: who may fire what -------------------------------------------------------------

def is_applicant_of(application, user) -> bool:
    return bool(user.is_authenticated and user.role == "applicant" and user.unit_id == application.unit_id)


def is_district_reviewer_of(application, user) -> bool:
    return bool(user.is_authenticated and user.role == "district" and user.district_id is not None
                and user.district_id == application.district_id)


def is_staff_of(application, user) -> bool:
    return bool(user.is_authenticated and user.role == "staff"
                and user.authority_id == application.programme.authority_id)


def may_return(application, user) -> bool:
    if application.state == State.DISTRICT_REVIEW:
        return is_district_reviewer_of(application, user)
    return is_staff_of(application, user)


def permitted(bound_transition, user) -> bool:
    """Whether ``user`` may fire this transition from the current state, conditions aside.

    (django-fsm's ``has_transition_perm`` also requires the conditions; the services check
    those separately so that each refusal gets its own message.)
    """
    meta = bound_transition._django_fsm
    instance = bound_transition.__self__
    state = meta.field.get_state(instance)
    return bool(meta.has_transition(state) and meta.has_transition_perm(instance, state, user))


# --- conditions -----------------------------------------------------------------------------------

def _is_open(application) -> bool:
    return application.programme.is_open()


def _no_hard_failures(application) -> bool:
    from applications.rules import evaluate

    return not any(r.blocks for r in evaluate(application))


def peer_opinions_sufficient(application) -> bool:
    """威海 四2: ≥ N peer opinions by experts of 副高 or above (when the stage asks for them)."""
    needed = stage_params(application, "district_review").get("peer_opinions_min", 0)
    return sum(1 for p in application.peer_opinions.all() if p.qualifies) >= needed


def recommendation_letter_present(application) -> bool:
    """苏州 四（四）: the local government's 推荐函 accompanies a county recommendation."""
    if not stage_params(application, "district_review").get("recommendation_letter"):
        return True
    return application.district_opinions.exclude(letter="").exists()


def experts_done(application) -> bool:
    """Every expert who accepted has submitted, and at least one has."""
    assignments = list(application.assignments.all())
    submitted = [a for a in assignments if a.status == "submitted"]
    return bool(submitted) and not any(a.status in ("accepted", "invited") for a in assignments)


def visits_recorded(application) -> bool:
    """威海 四、4 and 北京 六、4: the experts' assessment includes a site visit or a defence
    (现场考察（答辩评审）); where the stage has ``visit_required`` one must be on record."""
    params = stage_params(application, "expert_review")
    if not params.get("visit_required"):
        return True
    kinds = [mode for mode in params.get("modes", ["site_visit", "defence"]) if mode != "material"]
    return application.site_visits.filter(kind__in=kinds).exists()


def has_assignments(application) -> bool:
    return application.assignments.exclude(status="declined").exists()


def route_has_publicity(application) -> bool:
    return "publicity" in route(application)


def route_skips_publicity(application) -> bool:
    return "publicity" not in route(application)


def publicity_over_without_pending_objection(application) -> bool:
    entry = application.publicity_entries.select_related("batch").order_by("-batch__starts_on").first()
    if entry is None or entry.batch.ends_on >= timezone.localdate():
        return False
    return not entry.objections.filter(finding="pending").exists()


def agreement_signed(application) -> bool:
    """中关村 管理办法: an admitted platform signs an agreement with its targets before it is filed."""
    if not stage_params(application, "filing").get("agreement"):
        return True
    return application.filing_agreements.exists()


class ApplicationWorkflow(models.Model):
    """Abstract model holding the state field and the transitions."""

    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)

    class Meta:
        abstract = True

    # 单位申报 — only the applicant unit submits, while the call is open, with no hard failure.
    @transition(field=state, source=State.DRAFT, target=GET_STATE(first_review_state, states=AFTER_SUBMISSION),
                conditions=[_is_open, _no_hard_failures], permission=is_applicant_of,
                custom={"label": _("submit"), "role": "applicant"})
    def submit(self, **kwargs):
        pass

    # 退回修改后重新提交 — back to the stage that returned it.
    @transition(field=state, source=State.RETURNED, target=GET_STATE(resubmission_state, states=REVIEW_STATES),
                conditions=[_no_hard_failures], permission=is_applicant_of,
                custom={"label": _("resubmit"), "role": "applicant"})
    def resubmit(self, **kwargs):
        pass

    # 撤回 — the applicant may withdraw before a decision.
    @transition(field=state, source=REVIEW_STATES + [State.RETURNED], target=State.WITHDRAWN,
                permission=is_applicant_of, custom={"label": _("withdraw"), "role": "applicant"})
    def withdraw(self, **kwargs):
        pass

    # 退回修改 — any review stage, with a reason; from publicity when an objection is upheld.
    @transition(field=state, source=REVIEW_STATES + [State.PUBLICITY], target=State.RETURNED,
                permission=may_return, custom={"label": _("return for revision"), "role": "reviewer"})
    def return_for_revision(self, **kwargs):
        self.returned_from = self.state if self.state != State.PUBLICITY else first_review_state(self)

    # 初审推荐 — district office of the application's district (威海: ≥3 peer opinions; 苏州: 推荐函).
    @transition(field=state, source=State.DISTRICT_REVIEW, target=GET_STATE(_next("district_review"),
                states=AFTER_DISTRICT), conditions=[peer_opinions_sufficient, recommendation_letter_present],
                permission=is_district_reviewer_of, custom={"label": _("recommend"), "role": "district"})
    def recommend(self, **kwargs):
        pass

    @transition(field=state, source=State.DISTRICT_REVIEW, target=State.NOT_RECOMMENDED,
                permission=is_district_reviewer_of, custom={"label": _("not recommend"), "role": "district"})
    def not_recommend(self, **kwargs):
        pass

    # 形式审查 — programme staff.
    @transition(field=state, source=State.FORMAL_REVIEW, target=GET_STATE(_next("formal_review"), states=AFTER_FORMAL),
                permission=is_staff_of, custom={"label": _("pass formal review"), "role": "staff"})
    def pass_formal_review(self, **kwargs):
        pass

    # 专家评审 — staff draw experts; the draw starts the evaluation; staff conclude it.
    @transition(field=state, source=State.EXPERT_PENDING, target=State.EXPERT_REVIEW, conditions=[has_assignments],
                permission=is_staff_of, custom={"label": _("start expert evaluation"), "role": "staff"})
    def start_expert_review(self, **kwargs):
        pass

    @transition(field=state, source=State.EXPERT_REVIEW, target=GET_STATE(_next("expert_review"), states=AFTER_EXPERTS),
                conditions=[experts_done, visits_recorded], permission=is_staff_of,
                custom={"label": _("conclude expert evaluation"), "role": "staff"})
    def conclude_expert_review(self, **kwargs):
        pass

    # 审定 — staff, one at a time or in a batch, with a meeting record where the programme has one.
    @transition(field=state, source=State.DECISION, target=State.APPROVED, permission=is_staff_of,
                custom={"label": _("approve"), "role": "staff"})
    def approve(self, **kwargs):
        pass

    @transition(field=state, source=[State.FORMAL_REVIEW, State.EXPERT_REVIEW, State.DECISION, State.PUBLICITY],
                target=State.REFUSED, permission=is_staff_of, custom={"label": _("refuse"), "role": "staff"})
    def refuse(self, **kwargs):
        pass

    # 公示 — staff open a publicity batch.
    @transition(field=state, source=State.APPROVED, target=State.PUBLICITY, conditions=[route_has_publicity],
                permission=is_staff_of, custom={"label": _("open publicity"), "role": "staff"})
    def publicize(self, **kwargs):
        pass

    # 备案 — after the period with no pending objection, or directly where there is no publicity.
    @transition(field=state, source=State.PUBLICITY, target=State.FILED,
                conditions=[publicity_over_without_pending_objection, agreement_signed], permission=is_staff_of,
                custom={"label": _("file"), "role": "staff"})
    @transition(field=state, source=State.APPROVED, target=State.FILED, conditions=[route_skips_publicity, agreement_signed],
                permission=is_staff_of, custom={"label": _("file"), "role": "staff"})
    def file(self, **kwargs):
        pass


TRANSITIONS = ["submit", "resubmit", "withdraw", "return_for_revision", "recommend", "not_recommend",
               "pass_formal_review", "start_expert_review", "conclude_expert_review", "approve", "refuse",
               "publicize", "file"]
