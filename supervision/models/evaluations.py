"""绩效评价: an evaluation of a filed consortium for one period (a year), recorded by programme staff or by the
third-party evaluator commissioned for it, and confirmed by staff; the grade follows the programme's
thresholds, and the programme's rules (a missing report counts as 不合格, consecutive 不合格 propose revocation,
优秀 marks continued support) are applied when it is confirmed (``supervision.services.evaluations``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from portal.lifecycle import condition

from ..choices import EvaluationState, Grade
from ..permissions import is_staff_of
from .log import Lifecycle
from .reports import SupervisionFile


@condition(_("Give the score (0–100) before confirming the evaluation."))
def scored(evaluation):
    return evaluation.score is not None or evaluation.missing_report


class EvaluatorCommission(models.Model):
    """A third-party evaluator (a user of that role) commissioned by staff for one consortium: the evaluator
    sees and evaluates only the consortia it is commissioned for."""

    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commissions",
                                  verbose_name=_("evaluator"))
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="evaluator_commissions", verbose_name=_("consortium"))
    period = models.PositiveSmallIntegerField(_("period (year)"))
    commissioned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("commissioned by"))
    commissioned_at = models.DateTimeField(_("commissioned at"), default=timezone.now)

    class Meta:
        ordering = ["-period", "application"]
        verbose_name = _("evaluator commission")
        verbose_name_plural = _("evaluator commissions")
        constraints = [models.UniqueConstraint(fields=["evaluator", "application", "period"],
                                               name="one_commission_per_period")]


class Evaluation(Lifecycle):
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="evaluations", verbose_name=_("consortium"))
    period = models.PositiveSmallIntegerField(_("period (year)"))
    state = FSMField(_("state"), default=EvaluationState.DRAFT, choices=EvaluationState.choices, protected=True)
    score = models.DecimalField(_("score (out of 100)"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    attachment = models.ForeignKey(SupervisionFile, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("evaluation report (PDF)"))
    missing_report = models.BooleanField(_("no annual report for the period (counted 不合格)"), default=False)
    continued_support = models.BooleanField(_("marked for continued support"), default=False)
    rule_notes = models.TextField(_("rules applied"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)

    class Meta:
        ordering = ["-period", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [models.UniqueConstraint(fields=["application", "period"], name="one_evaluation_per_period")]

    lifecycle_messages = {
        "gone": _("The evaluation no longer exists."),
        "wrong_state": _("This cannot be done while the evaluation is “%(state)s”."),
        "not_allowed": _("You are not allowed to do this for this evaluation."),
        "race": _("Someone else has just acted on this evaluation; nothing was changed. Please reload the page."),
    }

    def __str__(self):
        return _("Evaluation %(period)s of %(name)s") % {"period": self.period, "name": self.application}

    @property
    def is_draft(self):
        return self.state == EvaluationState.DRAFT

    @property
    def is_fail(self):
        return self.grade == Grade.FAIL

    @transition(field=state, source=EvaluationState.DRAFT, target=EvaluationState.CONFIRMED, conditions=[scored],
                permission=is_staff_of, custom={"label": _("confirm")})
    def confirm(self, **kwargs):
        self.confirmed_on = timezone.localdate()
