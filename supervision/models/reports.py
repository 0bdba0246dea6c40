"""年度报告: one report per filed consortium and year, content per 《江苏省创新联合体建设工作指引（试行）》七（一）
plus figures; the consortium drafts and submits it, staff accept it or return it with the reason.  The
reminders sent about it are recorded once each (``Reminder``), so the beat sends each exactly once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from portal.lifecycle import condition

from ..choices import OPEN_REPORT_STATES, ReminderKind, ReportState
from ..permissions import is_consortium_of, is_staff_of
from .log import Lifecycle

#: The report's written sections (七（一）): field name → label.
SECTIONS = ["strategy", "platforms", "team", "transfer", "products", "next_plan"]
FIGURES = ["rd_spending", "patents_filed", "patents_granted", "standards", "product_revenue", "members_joined",
           "members_left"]


@condition(lambda report: _("Fill in every section of the report first: %(missing)s.") % {
    "missing": "、".join(str(report._meta.get_field(f).verbose_name) for f in report.missing_sections())})
def report_complete(report):
    return not report.missing_sections()


class AnnualReport(Lifecycle):
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="annual_reports", verbose_name=_("consortium"))
    year = models.PositiveSmallIntegerField(_("year reported on"))
    due_on = models.DateField(_("due on"))
    state = FSMField(_("state"), default=ReportState.DRAFT, choices=ReportState.choices, protected=True)
    # 七（一）: 战略目标实施和重大项目任务执行情况、高水平研发平台建设情况、人员团队建设情况、科技成果转化情况、
    # 标志性产品应用推广情况及下年度工作计划
    strategy = models.TextField(_("strategic goals and major project execution"), blank=True)
    platforms = models.TextField(_("research platforms built"), blank=True)
    team = models.TextField(_("team and talent"), blank=True)
    transfer = models.TextField(_("transfer of results"), blank=True)
    products = models.TextField(_("flagship products and their use"), blank=True)
    next_plan = models.TextField(_("next year's plan"), blank=True)
    rd_spending = models.DecimalField(_("R&D spending (10k yuan)"), max_digits=14, decimal_places=2, null=True,
                                      blank=True)
    patents_filed = models.PositiveIntegerField(_("patents filed"), null=True, blank=True)
    patents_granted = models.PositiveIntegerField(_("patents granted"), null=True, blank=True)
    standards = models.PositiveIntegerField(_("standards made"), null=True, blank=True)
    product_revenue = models.DecimalField(_("revenue of the consortium's products (10k yuan)"), max_digits=14,
                                          decimal_places=2, null=True, blank=True)
    members_joined = models.PositiveIntegerField(_("member units joined"), null=True, blank=True)
    members_left = models.PositiveIntegerField(_("member units left"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    overdue_on = models.DateField(_("flagged overdue on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        ordering = ["-year", "due_on", "pk"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [models.UniqueConstraint(fields=["application", "year"], name="one_report_per_year")]
        indexes = [models.Index(fields=["state", "due_on"], name="report_state_due")]

    lifecycle_messages = {
        "gone": _("The annual report no longer exists."),
        "wrong_state": _("This cannot be done while the annual report is “%(state)s”."),
        "not_allowed": _("You are not allowed to do this for this annual report."),
        "race": _("Someone else has just acted on this annual report; nothing was changed. Please reload the page."),
    }

    def __str__(self):
        return _("Annual report %(year)s of %(name)s") % {"year": self.year, "name": self.application}

    def missing_sections(self):
        return [name for name in SECTIONS if not getattr(self, name).strip()]

    @property
    def is_open(self):
        return self.state in OPEN_REPORT_STATES

    def is_overdue(self, today=None):
        return self.is_open and (today or timezone.localdate()) > self.due_on

    @transition(field=state, source=[ReportState.DRAFT, ReportState.RETURNED], target=ReportState.SUBMITTED,
                conditions=[report_complete], permission=is_consortium_of, custom={"label": _("submit")})
    def submit(self, **kwargs):
        self.submitted_at = timezone.now()

    @transition(field=state, source=ReportState.SUBMITTED, target=ReportState.ACCEPTED, permission=is_staff_of,
                custom={"label": _("accept")})
    def accept(self, **kwargs):
        pass

    @transition(field=state, source=ReportState.SUBMITTED, target=ReportState.RETURNED, permission=is_staff_of,
                custom={"label": _("return for revision"),
                        "reason_required": _("Please give the reason for the return.")})
    def return_report(self, reason="", **kwargs):
        self.return_reason = reason


class Reminder(models.Model):
    """A reminder about a report, recorded once: the unique constraint makes the beat's job idempotent (a task
    run twice, or by a restarted worker, finds the row and sends nothing)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    sent_on = models.DateField(_("sent on"))
    notified = models.BooleanField(_("notice sent"), default=True,
                                   help_text=_("False when a later reminder was already due (none sent for this one)."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "created_at"]
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [models.UniqueConstraint(fields=["report", "kind"], name="one_reminder_per_kind")]


def supervision_file_path(instance, filename):
    # File names are never trusted: the stored name is the checksum.
    return f"supervision/{instance.application_id}/{instance.sha256[:2]}/{instance.sha256}.bin"


class SupervisionFile(models.Model):
    """An uploaded PDF of a supervision record (an evaluation report, a charter, a rectification report, a funds
    document), stored under its checksum."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=supervision_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("supervision file")
        verbose_name_plural = _("supervision files")

    def __str__(self):
        return self.original_name
