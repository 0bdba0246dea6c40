"""The stage registry: every review stage declared once.

A programme lists the stages its guideline has (``Programme.stages``, data); each entry names a
stage of :data:`STAGES` and sets some of that stage's parameters.  A :class:`Stage` says what
the stage is called, which role acts, the state an application waits in when it reaches it,
the parameters a programme may set, the page where it is acted on (per state), and the
conditions that must hold to leave it forwards, each with its message and the article it cites.
Dashboards, "what waits for me", the next actions of an application page, the call page and
``docs/workflow.md`` are all derived from here; the transitions of
:mod:`applications.lifecycle` use the conditions declared here.

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
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.lifecycle import condition, explains
from portal.models import Role

from .choices import AssignmentStatus, ObjectionFinding
from .rules import evaluate
from .states import State

# --- the route of one application ----------------------------------------------------------------

SKIP_KEYS = {"lead_unit_types", "lead_selected_by"}


class StageKey(models.TextChoices):
    """The stages a route may have, in their order (``Programme.stages`` names them by these keys)."""

    DISTRICT_REVIEW = "district_review", gettext_lazy("initial review and recommendation")
    FORMAL_REVIEW = "formal_review", gettext_lazy("formal review")
    EXPERT_REVIEW = "expert_review", gettext_lazy("expert evaluation")
    DECISION = "decision", gettext_lazy("decision")
    PUBLICITY = "publicity", gettext_lazy("publicity")
    FILING = "filing", gettext_lazy("filing")


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
    return STAGES[later[0]].waits_in if later else State.APPROVED


def first_review_state(application, *args, **kwargs):
    keys = route(application)
    return STAGES[keys[0]].waits_in if keys else State.DECISION


def next_state_after(key):
    def target(application, *args, **kwargs):
        return state_after(application, key)
    return target


def resubmission_state(application, *args, **kwargs):
    return application.returned_from or first_review_state(application)


# --- conditions, each with its message and the article it comes from ------------------------------

@condition(lambda app: _("The call is not open: %(dates)s") % {"dates": app.programme.status_message()})
def _is_open(application) -> bool:
    return application.programme.is_open()


@condition(gettext_lazy("The application still fails a hard condition; see the eligibility check."))
def _no_hard_failures(application) -> bool:
    return not any(r.blocks for r in evaluate(application))


@condition(lambda app: _("At least %(n)d peer opinions by experts of associate senior title (副高) or above are "
                         "needed.") % {"n": stage_params(app, StageKey.DISTRICT_REVIEW).get("peer_opinions_min", 0)},
           cite="威海 四、2")
def peer_opinions_sufficient(application) -> bool:
    """威海 四2: ≥ N peer opinions by experts of 副高 or above (when the stage asks for them)."""
    needed = stage_params(application, StageKey.DISTRICT_REVIEW).get("peer_opinions_min", 0)
    return sum(1 for p in application.peer_opinions.all() if p.qualifies) >= needed


@condition(gettext_lazy("The recommendation letter (推荐函) must be uploaded."), cite="苏州 四（四）")
def recommendation_letter_present(application) -> bool:
    """苏州 四（四）: the local government's 推荐函 accompanies a county recommendation."""
    if not stage_params(application, StageKey.DISTRICT_REVIEW).get("recommendation_letter"):
        return True
    return application.district_opinions.exclude(letter="").exists()


@condition(gettext_lazy("Every expert who accepted must submit scores first (and at least one must)."))
def experts_done(application) -> bool:
    """Every expert who accepted has submitted, and at least one has."""
    statuses = [a.status for a in application.assignments.all()]
    return AssignmentStatus.SUBMITTED in statuses and not any(
        s in (AssignmentStatus.ACCEPTED, AssignmentStatus.INVITED) for s in statuses)


@condition(gettext_lazy("Record the site visit or defence first: this programme's expert assessment includes one."),
           cite="威海 四、4；北京 六、4")
def visits_recorded(application) -> bool:
    """威海 四、4 and 北京 六、4: the experts' assessment includes a site visit or a defence
    (现场考察（答辩评审）); where the stage has ``visit_required`` one must be on record."""
    params = stage_params(application, StageKey.EXPERT_REVIEW)
    if not params.get("visit_required"):
        return True
    kinds = [mode for mode in params.get("modes", ["site_visit", "defence"]) if mode != "material"]
    return application.site_visits.filter(kind__in=kinds).exists()


@condition(gettext_lazy("Draw experts first."))
def has_assignments(application) -> bool:
    return application.assignments.exclude(status=AssignmentStatus.DECLINED).exists()


@condition(gettext_lazy("This programme's route has no publicity."))
def route_has_publicity(application) -> bool:
    return StageKey.PUBLICITY in route(application)


@condition(gettext_lazy("This application must go through publicity first."))
def route_skips_publicity(application) -> bool:
    return StageKey.PUBLICITY not in route(application)


@condition(gettext_lazy("The publicity period has not ended, or an objection is still pending."))
def publicity_over_without_pending_objection(application) -> bool:
    entry = application.publicity_entries.select_related("batch").order_by("-batch__starts_on").first()
    if entry is None or entry.batch.ends_on >= timezone.localdate():
        return False
    return not entry.objections.filter(finding=ObjectionFinding.PENDING).exists()


@condition(gettext_lazy("The signed agreement with targets must be uploaded before filing."),
           cite="中关村 管理办法")
def agreement_signed(application) -> bool:
    """中关村 管理办法: an admitted platform signs an agreement with its targets before it is filed."""
    if not stage_params(application, StageKey.FILING).get("agreement"):
        return True
    return application.filing_agreements.exists()


# --- why an application cannot be filed yet, for the filing list ------------------------------------
# They read what the filing list loads for every row: ``has_agreement`` and ``publicity_entries``
# (newest first, each with its ``batch`` and the count of ``pending`` objections).

@explains(route_skips_publicity)
def _publicity_not_opened(application, today):
    return [_("Publicity has not been opened for it yet.")] if route_has_publicity(application) else []


@explains(agreement_signed)
def _agreement_missing(application, today):
    if stage_params(application, StageKey.FILING).get("agreement") and not application.has_agreement:
        return [_("The signed agreement with targets has not been uploaded.")]
    return []


@explains(publicity_over_without_pending_objection)
def _publicity_not_over(application, today):
    entries = list(application.publicity_entries.all())
    if not entries:
        return [_("It is in no publicity batch.")]
    entry, reasons = entries[0], []
    if entry.batch.starts_on > today:
        reasons.append(_("The publicity period starts on %(start)s and ends on %(end)s.") % {
            "start": entry.batch.starts_on.isoformat(), "end": entry.batch.ends_on.isoformat()})
    elif entry.batch.ends_on >= today:
        reasons.append(_("The publicity period ends on %(end)s.") % {"end": entry.batch.ends_on.isoformat()})
    if entry.pending:
        reasons.append(_("%(n)d objection(s) still wait for a finding.") % {"n": entry.pending})
    return reasons


# --- the registry ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    """Where an application waiting in one state is acted on."""

    url_name: str
    args: str  # "pk": the application's; "batch": its publicity batch's (the list when none); "": none
    queue_label: str  # on a dashboard's "waiting for me" list
    action_label: str  # among the application page's next actions
    fallback: str = ""  # URL name (no arguments) when the "batch" is not known


@dataclass(frozen=True)
class Param:
    """A parameter a programme may set on a stage: what it means and the kind of value it takes.

    ``kind`` is one of ``int``, ``bool``, ``text``, ``longtext``, ``choice`` (one of ``choices``),
    ``choices`` (a list from ``choices``) or ``skip`` (the ``skip_when`` mapping); the programme
    editor (``applications.stage_forms``) gives each kind its form field.
    """

    label: object
    kind: str = "text"
    choices: tuple = ()
    min_value: int | None = None

    def __str__(self):
        return str(self.label)


ASSESSMENT_MODES = (("material", gettext_lazy("material review")), ("site_visit", gettext_lazy("site visit")),
                    ("defence", gettext_lazy("defence")))
AGGREGATES = (("mean", gettext_lazy("mean of the experts' totals")),
              ("trimmed_mean", gettext_lazy("mean without the highest and the lowest (with five experts or more)")))


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    actor: str  # Role
    actor_text: str  # who acts, in the words of docs/workflow.md
    waits_in: str  # State
    states: tuple  # the states in which an application is at this stage
    params: dict = field(default_factory=dict)  # parameter → Param
    conditions: tuple = ()  # to leave the stage forwards
    pages: dict = field(default_factory=dict)  # state → Page


COMMON_PARAMS = {"label": Param(gettext_lazy("the stage's name in this programme")),
                 "skip_when": Param(gettext_lazy("skip the stage for some leads"), "skip")}

STAGES = {stage.key: stage for stage in (
    Stage(StageKey.DISTRICT_REVIEW, StageKey.DISTRICT_REVIEW.label, Role.DISTRICT, "district office",
          State.DISTRICT_REVIEW, (State.DISTRICT_REVIEW,),
          params={"peer_opinions_min": Param(gettext_lazy("peer opinions needed"), "int", min_value=0),
                  "peer_title_min": Param(gettext_lazy("lowest title of a peer")),
                  "recommendation_letter": Param(gettext_lazy("a recommendation letter is required"), "bool")},
          conditions=(peer_opinions_sufficient, recommendation_letter_present),
          pages={State.DISTRICT_REVIEW: Page("review:district_review", "pk", gettext_lazy("Initial review"),
                                             gettext_lazy("Initial review"))}),
    Stage(StageKey.FORMAL_REVIEW, StageKey.FORMAL_REVIEW.label, Role.STAFF, "programme staff",
          State.FORMAL_REVIEW, (State.FORMAL_REVIEW,),
          pages={State.FORMAL_REVIEW: Page("review:formal_review", "pk", gettext_lazy("Formal review"),
                                           gettext_lazy("Formal review"))}),
    Stage(StageKey.EXPERT_REVIEW, StageKey.EXPERT_REVIEW.label, Role.STAFF, "programme staff + drawn experts",
          State.EXPERT_PENDING, (State.EXPERT_PENDING, State.EXPERT_REVIEW),
          params={"modes": Param(gettext_lazy("forms of assessment"), "choices", ASSESSMENT_MODES),
                  "experts": Param(gettext_lazy("number of experts"), "int", min_value=1),
                  "aggregate": Param(gettext_lazy("how the experts' totals are combined"), "choice", AGGREGATES),
                  "visit_required": Param(gettext_lazy("a site visit or defence is required"), "bool")},
          conditions=(has_assignments, experts_done, visits_recorded),
          pages={State.EXPERT_PENDING: Page("review:expert_organise", "pk", gettext_lazy("Draw experts"),
                                            gettext_lazy("Organise the expert evaluation")),
                 State.EXPERT_REVIEW: Page("review:expert_organise", "pk", gettext_lazy("Expert evaluation"),
                                           gettext_lazy("Expert evaluation"))}),
    Stage(StageKey.DECISION, StageKey.DECISION.label, Role.STAFF, "programme staff", State.DECISION, (State.DECISION,),
          params={"meeting": Param(gettext_lazy("the body that decides at a meeting"))},
          pages={State.DECISION: Page("review:decision", "pk", gettext_lazy("Decide"), gettext_lazy("Decision"))}),
    Stage(StageKey.PUBLICITY, StageKey.PUBLICITY.label, Role.STAFF, "programme staff; the public may object",
          State.APPROVED, (State.APPROVED, State.PUBLICITY),
          conditions=(route_has_publicity,),
          pages={State.APPROVED: Page("review:publicity_manage", "", gettext_lazy("Open publicity"),
                                      gettext_lazy("Open publicity")),
                 State.PUBLICITY: Page("review:publicity_batch", "batch", gettext_lazy("Publicity and objections"),
                                       gettext_lazy("Publicity"), fallback="review:publicity_manage")}),
    Stage(StageKey.FILING, StageKey.FILING.label, Role.STAFF, "programme staff", State.APPROVED, (State.APPROVED,),
          params={"agreement": Param(gettext_lazy("a signed agreement with targets is required"), "bool"),
                  "act": Param(gettext_lazy("what filing is called in the guideline (备案, 立项, 纳入, 认定)")),
                  "certificate_title": Param(gettext_lazy("the certificate's title")),
                  "certificate_text": Param(gettext_lazy("the certificate's statement, with {name} for the "
                                                         "consortium"), "longtext")},
          conditions=(publicity_over_without_pending_objection, agreement_signed),
          pages={State.APPROVED: Page("review:filing", "", gettext_lazy("File"), gettext_lazy("File"))}),
)}

STAGE_KEYS = tuple(STAGES)


def params_of(key):
    return {**COMMON_PARAMS, **STAGES[key].params}


def stage_of(application):
    """The stage an application in a review state is at (None outside the review)."""
    if application.state == State.APPROVED:
        return STAGES[StageKey.PUBLICITY if route_has_publicity(application) else StageKey.FILING]
    for stage in STAGES.values():
        if application.state in stage.states:
            return stage
    return None


def page_of(application):
    """The :class:`Page` where the action this application waits for is taken (None if it waits for none)."""
    stage = stage_of(application)
    return stage.pages.get(application.state) if stage else None


def acting_states(role):
    """The states in which ``role`` is the one to act."""
    return tuple(dict.fromkeys(state for stage in STAGES.values() if stage.actor == role for state in stage.states))


def _param_ok(param, value):
    """Whether ``value`` is of the kind ``param`` declares."""
    if param.kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and value >= (param.min_value or 0)
    if param.kind == "bool":
        return isinstance(value, bool)
    if param.kind == "choice":
        return value in dict(param.choices)
    if param.kind == "choices":
        return isinstance(value, list) and set(value) <= set(dict(param.choices))
    if param.kind == "skip":
        return isinstance(value, dict)
    return isinstance(value, str)


def validate_stages(stages):
    """Raise ValidationError (in the user's language) for a malformed stage list."""
    if not isinstance(stages, list):
        raise ValidationError({"stages": _("Stages must be a list.")})
    seen = []
    for stage in stages:
        if not isinstance(stage, dict) or stage.get("key") not in STAGES:
            raise ValidationError({"stages": _("Unknown stage: %(stage)s") % {"stage": stage}})
        unknown = set(stage) - {"key"} - set(params_of(stage["key"]))
        if unknown:
            raise ValidationError(
                {"stages": _("Unknown parameters for stage %(key)s: %(params)s")
                 % {"key": stage["key"], "params": ", ".join(sorted(unknown))}}
            )
        wrong = sorted(name for name, value in stage.items() if name != "key"
                       and not _param_ok(params_of(stage["key"])[name], value))
        if wrong:
            raise ValidationError({"stages": _("Wrong value for stage %(key)s: %(params)s")
                                   % {"key": stage["key"], "params": ", ".join(wrong)}})
        skip = stage.get("skip_when", {})
        if not isinstance(skip, dict) or set(skip) - SKIP_KEYS:
            raise ValidationError({"stages": _("skip_when may only use: %(keys)s") % {"keys": ", ".join(SKIP_KEYS)}})
        seen.append(stage["key"])
    if seen != sorted(seen, key=STAGE_KEYS.index) or len(set(seen)) != len(seen):
        raise ValidationError({"stages": _("Stages must follow the order: %(order)s") % {"order": " → ".join(STAGE_KEYS)}})
    if StageKey.FILING not in seen:
        raise ValidationError({"stages": _("Every route ends with filing.")})
