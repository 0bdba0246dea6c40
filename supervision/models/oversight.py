"""What follows an evaluation: rectification (整改) with a deadline and a follow-up check, revocation (摘牌 /
取消资格) proposed and confirmed, and the funds ledger (拨付 / 追回) per consortium and year."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from portal.lifecycle import condition

from ..choices import FundKind, RectificationState, RevocationGround, RevocationState
from ..permissions import is_consortium_of, is_staff_of
from .log import Lifecycle
from .reports import SupervisionFile


@condition(_("Describe what was rectified first."))
def responded(rectification):
    return bool(rectification.response.strip())


class Rectification(Lifecycle):
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="rectifications", verbose_name=_("consortium"))
    evaluation = models.ForeignKey("supervision.Evaluation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="rectifications", verbose_name=_("evaluation"))
    state = FSMField(_("state"), default=RectificationState.OPEN, choices=RectificationState.choices,
                     protected=True)
    requirement = models.TextField(_("what must be rectified"))
    citation = models.CharField(_("article"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"))
    response = models.TextField(_("rectification report"), blank=True)
    response_file = models.ForeignKey(SupervisionFile, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("rectification report (PDF)"))
    responded_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    check_note = models.TextField(_("follow-up check"), blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("opened by"))
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    lifecycle_messages = {
        "gone": _("The rectification no longer exists."),
        "wrong_state": _("This cannot be done while the rectification is “%(state)s”."),
        "not_allowed": _("You are not allowed to do this for this rectification."),
        "race": _("Someone else has just acted on this rectification; nothing was changed. Please reload the page."),
    }

    def __str__(self):
        return _("Rectification of %(name)s by %(date)s") % {"name": self.application, "date": self.deadline}

    @property
    def is_open(self):
        return self.state == RectificationState.OPEN

    def is_overdue(self, today=None):
        return self.is_open and (today or timezone.localdate()) > self.deadline

    @transition(field=state, source=RectificationState.OPEN, target=RectificationState.RESPONDED,
                conditions=[responded], permission=is_consortium_of, custom={"label": _("report the rectification")})
    def respond(self, **kwargs):
        self.responded_at = timezone.now()

    @transition(field=state, source=RectificationState.RESPONDED, target=RectificationState.CLOSED,
                permission=is_staff_of, custom={"label": _("rectified"),
                                                "reason_required": _("Please record the follow-up check.")})
    def pass_check(self, reason="", **kwargs):
        self.check_note, self.checked_on = reason, timezone.localdate()

    @transition(field=state, source=[RectificationState.OPEN, RectificationState.RESPONDED],
                target=RectificationState.FAILED, permission=is_staff_of,
                custom={"label": _("not rectified"), "reason_required": _("Please record the follow-up check.")})
    def fail_check(self, reason="", **kwargs):
        self.check_note, self.checked_on = reason, timezone.localdate()


@condition(_("The consortium is already revoked."))
def not_yet_revoked(revocation):
    return revocation.application.revoked_on is None


class Revocation(Lifecycle):
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="revocations", verbose_name=_("consortium"))
    ground = models.CharField(_("ground"), max_length=20, choices=RevocationGround.choices)
    state = FSMField(_("state"), default=RevocationState.PROPOSED, choices=RevocationState.choices,
                     protected=True)
    reason = models.TextField(_("reason"))
    citation = models.CharField(_("article"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("proposed by"),
                                    help_text=_("Empty when a rule of the programme proposed it."))
    proposed_on = models.DateField(_("proposed on"), default=timezone.localdate)
    evaluation = models.ForeignKey("supervision.Evaluation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("evaluation that proposed it"))
    effective_on = models.DateField(_("revoked on"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    credit_record = models.ForeignKey("portal.CreditRecord", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("credit record"))

    class Meta:
        ordering = ["-proposed_on", "-pk"]
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")
        constraints = [models.UniqueConstraint(fields=["application"], condition=models.Q(state=RevocationState.PROPOSED),
                                               name="one_open_revocation")]

    lifecycle_messages = {
        "gone": _("The revocation no longer exists."),
        "wrong_state": _("This cannot be done while the revocation is “%(state)s”."),
        "not_allowed": _("You are not allowed to do this for this revocation."),
        "race": _("Someone else has just acted on this revocation; nothing was changed. Please reload the page."),
    }

    def __str__(self):
        return _("Revocation of %(name)s") % {"name": self.application}

    @property
    def is_proposed(self):
        return self.state == RevocationState.PROPOSED

    @transition(field=state, source=RevocationState.PROPOSED, target=RevocationState.CONFIRMED,
                conditions=[not_yet_revoked], permission=is_staff_of,
                custom={"label": _("confirm the revocation"), "reason_required": _("Please record the decision.")})
    def confirm(self, reason="", **kwargs):
        self.decision_note = reason

    @transition(field=state, source=RevocationState.PROPOSED, target=RevocationState.DISMISSED, permission=is_staff_of,
                custom={"label": _("dismiss"), "reason_required": _("Please give the reason for dismissing it.")})
    def dismiss(self, reason="", **kwargs):
        self.decision_note = reason


class FundEntry(models.Model):
    """One line of a consortium's funds ledger: an amount granted (拨付) or recovered (追回) for a year, with the
    date and the document (文号, and the PDF where there is one).  Entries are never changed: a correction is
    a new entry."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="fund_entries", verbose_name=_("consortium"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=FundKind.choices)
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=12, decimal_places=2)
    on = models.DateField(_("date"))
    document_number = models.CharField(_("document number"), max_length=60)
    document = models.ForeignKey(SupervisionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("document (PDF)"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    evaluation = models.ForeignKey("supervision.Evaluation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("evaluation it follows"))
    revocation = models.ForeignKey(Revocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("revocation it follows"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["year", "on", "pk"]
        verbose_name = _("funds entry")
        verbose_name_plural = _("funds ledger")
        indexes = [models.Index(fields=["application", "year"], name="fundentry_application_year")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.year})"

    @property
    def signed_amount(self):
        return self.amount if self.kind == FundKind.GRANT else -self.amount
