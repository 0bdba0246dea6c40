"""Experts: conflicts, the random draw, invitations, scores, the aggregate, site visits."""

import random
import secrets
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import lifecycle
from applications.choices import Notice
from applications.services import fire
from applications.stages import StageKey, stage_params
from applications.states import State
from applications.uploads import UploadRejected
from notices import outbox
from notices.events import portal_language
from portal import creditcode
from portal.lifecycle import ActionRefused

from ..models import (
    Assignment,
    Criterion,
    ExpertDraw,
    Score,
    SiteVisit,
    combine_totals,
    sha256_of,
)
from ..selectors import expert_pool
from ._common import _check_pdf, _load, _stored


def conflicts(application, expert):
    """Why an expert may not evaluate this application (empty when there is no conflict)."""
    reasons = []
    codes = {application.unit.credit_code} | {creditcode.normalise(m.credit_code) for m in application.members.all()
                                               if m.credit_code}
    names = {application.unit.name} | {m.name for m in application.members.all()}
    if expert.affiliation_credit_code and creditcode.normalise(expert.affiliation_credit_code) in codes:
        reasons.append(_("affiliated with the lead or a member unit"))
    elif expert.affiliation in names:
        reasons.append(_("affiliated with the lead or a member unit"))
    related = {creditcode.normalise(r.credit_code) for r in expert.relations.all()}
    if related & codes:
        reasons.append(_("declared relation with the lead or a member unit"))
    return reasons


def draw_experts(application_id, user, count, field=None, seed=None, deadline=None, ip=None):
    """Draw ``count`` experts at random from the active pool matching the field, excluding conflicts.

    The seed and the ordered candidate list are recorded, so ``replay_draw`` gives the same result.
    """
    application = _load(application_id)
    if not lifecycle.is_staff_of(application, user):
        raise ActionRefused(_("You are not allowed to do this for this application."))
    if application.state not in (State.EXPERT_PENDING, State.EXPERT_REVIEW):
        raise ActionRefused(_("Experts are drawn only during the expert evaluation."))
    field = application.field if field is None else field
    taken = set(application.assignments.values_list("expert_id", flat=True))
    candidates, excluded = [], []
    for expert in expert_pool(field).prefetch_related("relations").order_by("id"):
        if expert.pk in taken:
            continue
        reasons = conflicts(application, expert)
        if reasons:
            excluded.append({"id": expert.pk, "name": expert.name, "reasons": reasons})
        else:
            candidates.append(expert.pk)
    if len(candidates) < count:
        raise ActionRefused(_("Only %(n)d experts without conflict match the field %(field)s; %(count)d were asked for.")
                            % {"n": len(candidates), "field": field or "—", "count": count})
    seed = seed or secrets.token_hex(16)
    drawn = random.Random(seed).sample(candidates, count)
    deadline = deadline or (timezone.localdate() + timezone.timedelta(days=14))

    def record(app):
        draw = ExpertDraw.objects.create(application=app, seed=seed, requested=count, field=field or "",
                                         candidates=candidates, excluded=excluded, drawn=drawn, by=user)
        for expert_id in drawn:
            assignment = Assignment.objects.create(application=app, expert_id=expert_id, draw=draw, deadline=deadline)
            if assignment.expert.user_id:
                with portal_language():
                    outbox.notify([assignment.expert.user], Notice.EXPERT_INVITED,
                                  {"name": str(app), "programme": app.programme.title,
                                   "deadline": deadline.isoformat()},
                                  reverse("review:assignment_detail", args=[assignment.pk]))

    if application.state == State.EXPERT_PENDING:
        fire(application_id, "start_expert_review", user, ip=ip, before=record,
             reason=_("%(n)d experts drawn") % {"n": count})
    else:
        with transaction.atomic():
            record(application)
    return ExpertDraw.objects.filter(application=application).latest("at")


def replay_draw(draw):
    return random.Random(draw.seed).sample(draw.candidates, draw.requested)


def expert_of(user):
    return getattr(user, "expert_profile", None)


def respond_to_invitation(assignment, user, accept, no_conflict=False, reason=""):
    if expert_of(user) is None or assignment.expert_id != expert_of(user).pk:
        raise ActionRefused(_("This invitation is not yours."))
    if assignment.status != Assignment.Status.INVITED:
        raise ActionRefused(_("You have already answered this invitation."))
    if accept:
        if not no_conflict:
            raise ActionRefused(_("Please declare that you have no conflict of interest before you accept."))
        assignment.status = Assignment.Status.ACCEPTED
        assignment.no_conflict_declared_at = timezone.now()
    else:
        assignment.status = Assignment.Status.DECLINED
        assignment.declined_reason = reason
    assignment.save()
    return assignment


def weighted_total(scores, criteria):
    weights = {c.pk: c.weight for c in criteria}
    total_weight = sum(weights.values()) or Decimal(1)
    return (sum(s.score * weights[s.criterion_id] for s in scores) / total_weight).quantize(Decimal("0.01"))


@transaction.atomic
def submit_scores(assignment, user, scores, recommendation, comment, final=True):
    """``scores``: {criterion_id: (score, comment)}.  Saves a draft, or submits when ``final``."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if expert_of(user) is None or assignment.expert_id != expert_of(user).pk:
        raise ActionRefused(_("This assignment is not yours."))
    if assignment.status != Assignment.Status.ACCEPTED:
        raise ActionRefused(_("Scores can be given only after accepting, and only once."))
    criteria = list(criteria_for(assignment.application.programme))
    for criterion in criteria:
        value, note = scores.get(criterion.pk, (None, ""))
        if value is None:
            if final:
                raise ActionRefused(_("Please score every criterion."))
            continue
        if not (Decimal(0) <= Decimal(value) <= Decimal(100)):
            raise ActionRefused(_("Scores are between 0 and 100."))
        Score.objects.update_or_create(assignment=assignment, criterion=criterion,
                                       defaults={"score": value, "comment": note})
    assignment.recommendation = recommendation
    assignment.overall_comment = comment
    if final:
        if not recommendation:
            raise ActionRefused(_("Please give an overall recommendation."))
        assignment.total = weighted_total(list(assignment.scores.all()), criteria)
        assignment.status = Assignment.Status.SUBMITTED
        assignment.submitted_at = timezone.now()
    assignment.save()
    return assignment


DEFAULT_CRITERIA = [("建设基础", 30), ("攻关任务与目标", 30), ("组织架构与运行机制", 20), ("经费与保障", 20)]


def criteria_for(programme):
    criteria = list(programme.criteria.all())
    if not criteria:
        with transaction.atomic():
            for order, (name, weight) in enumerate(DEFAULT_CRITERIA):
                Criterion.objects.get_or_create(programme=programme, name=name,
                                                defaults={"weight": weight, "order": order})
        criteria = list(programme.criteria.all())
    return criteria


def aggregate(application, assignments=None):
    """The programme's aggregate of submitted totals: mean, or trimmed mean (≥5 experts)."""
    assignments = assignments if assignments is not None else application.assignments.all()
    totals = [a.total for a in assignments if a.status == Assignment.Status.SUBMITTED and a.total is not None]
    return combine_totals(totals, stage_params(application, StageKey.EXPERT_REVIEW).get("aggregate", "mean"))


def conclude_experts(application_id, user, ip=None):
    return fire(application_id, "conclude_expert_review", user, ip=ip)


def record_site_visit(application, user, kind, date, place, participants, notes, attachment=None):
    if not lifecycle.is_staff_of(application, user):
        raise ActionRefused(_("You are not allowed to do this for this application."))
    visit = SiteVisit(application=application, kind=kind, date=date, place=place, participants=participants,
                      notes=notes, by=user)
    if attachment is not None:
        try:
            checked = _check_pdf(attachment)
        except UploadRejected as error:
            raise ActionRefused(str(error)) from None
        visit.sha256 = sha256_of(checked.data)
        visit.attachment_name = checked.original_name
        visit.attachment.save("visit.bin", _stored(checked.data, "visit.bin"), save=False)
    visit.save()
    return visit
