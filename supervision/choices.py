"""The supervision app's enumerations: the states of its lifecycles and the kinds of its records (apart from
the models, so that the conditions and permissions can use them without importing the models)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted, awaiting acceptance")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned for revision")


#: A report still owed by the consortium (counts as missing after its due date).
OPEN_REPORT_STATES = [ReportState.DRAFT, ReportState.RETURNED]
#: A report the consortium has handed in.
HANDED_IN_STATES = [ReportState.SUBMITTED, ReportState.ACCEPTED]


class EvaluationState(models.TextChoices):
    DRAFT = "draft", _("draft")
    CONFIRMED = "confirmed", _("confirmed")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("excellent (优秀)")
    PASS = "pass", _("pass (合格)")
    FAIL = "fail", _("fail (不合格)")


PASSING_GRADES = [Grade.EXCELLENT, Grade.PASS]


class ChangeKind(models.TextChoices):
    NAME = "name", _("name")
    CHARTER = "charter", _("charter or agreement")
    MEMBERS = "members", _("member units")
    PRINCIPAL = "principal", _("principal (主要负责人)")
    CHIEF_EXPERT = "chief_expert", _("chief expert (首席专家)")
    LEAD = "lead", _("lead unit")


class ChangeState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted, awaiting decision")
    APPROVED = "approved", _("approved and filed")
    REFUSED = "refused", _("refused")


class RectificationState(models.TextChoices):
    OPEN = "open", _("open, awaiting the consortium's report")
    RESPONDED = "responded", _("reported, awaiting the follow-up check")
    CLOSED = "closed", _("rectified")
    FAILED = "failed", _("not rectified")


class RevocationGround(models.TextChoices):
    CONSECUTIVE_FAILS = "consecutive_fails", _("consecutive failed evaluations")
    POOR_RESULT = "poor_result", _("poor evaluation result")
    NOT_RECTIFIED = "not_rectified", _("not rectified")
    FRAUD = "fraud", _("fraud or serious dishonesty")
    LEAD_FAILED = "lead_failed", _("lead unit failed its duties")
    OTHER = "other", _("other")


class RevocationState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    CONFIRMED = "confirmed", _("confirmed")
    DISMISSED = "dismissed", _("dismissed")


class FundKind(models.TextChoices):
    GRANT = "grant", _("granted (拨付)")
    RECOVERY = "recovery", _("recovered (追回)")


class ReminderKind(models.TextChoices):
    DAYS_30 = "d30", _("30 days before the due date")
    DAYS_7 = "d7", _("7 days before the due date")
    DAYS_1 = "d1", _("1 day before the due date")
    OVERDUE = "overdue", _("overdue")


#: Days before the due date → the reminder sent then.
REMINDER_DAYS = {30: ReminderKind.DAYS_30, 7: ReminderKind.DAYS_7, 1: ReminderKind.DAYS_1}


class Notice(models.TextChoices):
    """The inbox notices of supervision (each has its text in templates/notices/<kind>.txt)."""

    REPORT_DUE = "report_due"
    REPORT_OVERDUE = "report_overdue"
    REPORT_SUBMITTED = "report_submitted"
    REPORT_ACCEPTED = "report_accepted"
    REPORT_RETURNED = "report_returned"
    EVALUATION_CONFIRMED = "evaluation_confirmed"
    CHANGE_SUBMITTED = "change_submitted"
    CHANGE_APPROVED = "change_approved"
    CHANGE_REFUSED = "change_refused"
    RECTIFICATION_OPENED = "rectification_opened"
    RECTIFICATION_RESPONDED = "rectification_responded"
    RECTIFICATION_CHECKED = "rectification_checked"
    REVOCATION_PROPOSED = "revocation_proposed"
    REVOKED = "revoked"
