"""绩效评价: staff commission a third-party evaluator for a consortium, staff or that evaluator record the
evaluation of a period, staff confirm it; confirming applies the programme's rules, each citing its article:
a missing annual report counts as 不合格, 优秀 marks the consortium for continued support, and the programme's
number of consecutive 不合格 proposes revocation."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import lifecycle
from portal.lifecycle import ActionRefused
from portal.models import Role, User

from ..choices import HANDED_IN_STATES, EvaluationState, Grade, RevocationGround
from ..models import Evaluation, EvaluatorCommission, profile_of
from ..permissions import is_commissioned_for
from ._common import fire, load_consortium, require_not_revoked, require_staff_of, store_pdf
from .oversight import propose_by_rule


@transaction.atomic
def commission_evaluator(application_id, user, evaluator_id, period):
    application = load_consortium(application_id)
    require_staff_of(application, user)
    evaluator = User.objects.filter(pk=evaluator_id, role=Role.EVALUATOR, is_active=True).first()
    if evaluator is None:
        raise ActionRefused(_("Choose an active third-party evaluator."))
    commission, _created = EvaluatorCommission.objects.get_or_create(
        evaluator=evaluator, application=application, period=period, defaults={"commissioned_by": user})
    return commission


@transaction.atomic
def save_evaluation(application_id, user, period, score, comments, upload=None):
    """Record (or correct) the draft evaluation of ``period``: programme staff, or the commissioned evaluator."""
    application = load_consortium(application_id, for_update=True)
    if not (lifecycle.is_staff_of(application, user) or (
            is_commissioned_for(application, user)
            and application.evaluator_commissions.filter(evaluator=user, period=period).exists())):
        raise ActionRefused(_("You are not allowed to do this for this evaluation."))
    require_not_revoked(application)
    if period > timezone.localdate().year or (application.filed_on and period < application.filed_on.year):
        raise ActionRefused(_("The period must be a year from the filing to this year."))
    if score is not None and not 0 <= score <= 100:
        raise ActionRefused(_("The score is out of 100."))
    evaluation = Evaluation.objects.select_for_update().filter(application=application, period=period).first()
    if evaluation is not None and not evaluation.is_draft:
        raise ActionRefused(_("The evaluation of %(period)s is already confirmed.") % {"period": period})
    if evaluation is None:
        evaluation = Evaluation(application=application, period=period, recorded_by=user)
    evaluation.score, evaluation.comments = score, comments.strip()
    evaluation.grade = profile_of(application.programme).grade_for(score) if score is not None else ""
    if upload is not None:
        evaluation.attachment = store_pdf(application, upload, user, _("evaluation report"))
    evaluation.save()
    return evaluation


def _apply_grade(evaluation):
    """The grade by the programme's thresholds and rules (inside the confirming transaction)."""
    application = evaluation.application
    profile = profile_of(application.programme)
    notes = []
    owed = profile.reports_required and application.filed_on and application.filed_on.year <= evaluation.period
    handed_in = application.annual_reports.filter(year=evaluation.period, state__in=HANDED_IN_STATES).exists()
    if profile.missing_report_fails and owed and not handed_in:
        evaluation.missing_report, evaluation.grade = True, Grade.FAIL
        notes.append(_("No annual report on %(period)s was handed in: the evaluation counts as 不合格 (%(cite)s).")
                     % {"period": evaluation.period, "cite": profile.cite(profile.report_citation)})
    else:
        evaluation.grade = profile.grade_for(evaluation.score)
    if evaluation.grade == Grade.EXCELLENT and profile.excellent_support:
        evaluation.continued_support = True
        notes.append(_("优秀: marked for continued support (%(cite)s).") % {
            "cite": profile.cite(profile.support_citation)})
    evaluation.rule_notes = "\n".join(notes)


def _consecutive_fails(evaluation):
    """After a 不合格 is confirmed: propose revocation where the programme's number of consecutive 不合格 is reached."""
    profile = profile_of(evaluation.application.programme)
    n = profile.fails_to_revoke
    if not n or evaluation.grade != Grade.FAIL:
        return None
    latest = list(Evaluation.objects.filter(application=evaluation.application, state=EvaluationState.CONFIRMED)
                  .order_by("-period").values_list("grade", flat=True)[:n])
    if len(latest) < n or any(grade != Grade.FAIL for grade in latest):
        return None
    reason = _("%(n)d consecutive evaluations graded 不合格 (the latest: %(period)s).") % {
        "n": n, "period": evaluation.period}
    evaluation.rule_notes = "\n".join(filter(None, [evaluation.rule_notes, _(
        "%(n)d consecutive 不合格: revocation proposed (%(cite)s).") % {"n": n, "cite": profile.cite(
            profile.fails_citation)}]))
    Evaluation.objects.filter(pk=evaluation.pk).update(rule_notes=evaluation.rule_notes)
    return propose_by_rule(evaluation.application, RevocationGround.CONSECUTIVE_FAILS, reason, evaluation)


def confirm_evaluation(evaluation_id, user, ip=None):
    """Staff confirm an evaluation: the grade and the rules are applied, and the consortium is told."""
    return fire(Evaluation, evaluation_id, "confirm", user, ip=ip, before=_apply_grade, after=_consecutive_fails)
