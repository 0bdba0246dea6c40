"""A programme's supervision after filing, as data: when reports are due, how evaluations are graded and what
follows from them, which changes must be filed, what revocation records.  Every rule cites its article.

The five seed programmes' profiles are in ``supervision/seed.py`` (``manage.py load_supervision``); a programme
without a profile row gets one from the seed (or the defaults) the first time it is needed."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import Programme

from ..choices import ChangeKind, Grade
from ..seed import defaults_for


class SupervisionProfile(models.Model):
    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="supervision_profile",
                                     verbose_name=_("programme"))
    # 年度报告
    reports_required = models.BooleanField(_("annual reports required"), default=True)
    report_due_month = models.PositiveSmallIntegerField(_("report due: month"), default=5)
    report_due_day = models.PositiveSmallIntegerField(_("report due: day"), default=31)
    reminder_days = models.JSONField(_("reminders (days before the due date)"), default=list, blank=True,
                                     help_text=_("e.g. [30, 7, 1]"))
    report_citation = models.CharField(_("article on annual reports"), max_length=60, blank=True)
    # 绩效评价
    excellent_min = models.PositiveSmallIntegerField(_("score for 优秀 (at least)"), default=80)
    pass_min = models.PositiveSmallIntegerField(_("score for 合格 (at least)"), default=60)
    evaluation_citation = models.CharField(_("article on evaluations"), max_length=60, blank=True)
    missing_report_fails = models.BooleanField(_("a missing annual report counts as 不合格"), default=False)
    fails_to_revoke = models.PositiveSmallIntegerField(
        _("consecutive 不合格 that propose revocation"), default=0, help_text=_("0: no such rule."))
    fails_citation = models.CharField(_("article on consecutive 不合格"), max_length=60, blank=True)
    excellent_support = models.BooleanField(_("优秀 marks the consortium for continued support"), default=False)
    support_citation = models.CharField(_("article on continued support"), max_length=60, blank=True)
    rectification_citation = models.CharField(_("article on rectification"), max_length=60, blank=True)
    # 变更备案
    change_kinds = models.JSONField(_("changes to be filed"), default=list, blank=True,
                                    help_text=_("Kinds of change the guideline asks to be filed, e.g. "
                                                '["name", "charter", "members", "principal"].'))
    change_citation = models.CharField(_("article on changes"), max_length=60, blank=True)
    lead_change_forbidden = models.BooleanField(_("the lead unit may never change"), default=False)
    lead_citation = models.CharField(_("article on the lead unit"), max_length=60, blank=True)
    # 资金
    funds_by_result = models.BooleanField(_("yearly funds paid by the previous year's evaluation"), default=False)
    funds_cap = models.DecimalField(_("yearly funds cap (10k yuan)"), max_digits=12, decimal_places=2, null=True,
                                    blank=True)
    funds_share_max = models.PositiveSmallIntegerField(
        _("funds at most this share of total investment (per cent)"), null=True, blank=True)
    funds_citation = models.CharField(_("article on funds"), max_length=60, blank=True)
    # 摘牌 / 取消资格 and credit
    revocation_word = models.CharField(_("the guideline's word for revocation"), max_length=20, default="摘牌")
    revocation_citation = models.CharField(_("article on revocation"), max_length=60, blank=True)
    fraud_citation = models.CharField(_("article on fraud"), max_length=60, blank=True)
    fraud_recovers_funds = models.BooleanField(_("fraud recovers the funds paid"), default=False)
    lead_bar_years = models.PositiveSmallIntegerField(
        _("years a disqualified lead is barred"), default=0, help_text=_("0: no such rule."))
    lead_bar_citation = models.CharField(_("article on disqualifying the lead"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("supervision profile")
        verbose_name_plural = _("supervision profiles")

    def __str__(self):
        return str(self.programme)

    def clean(self):
        if self.pass_min > self.excellent_min or self.excellent_min > 100:
            raise ValidationError(_("The thresholds must satisfy 合格 ≤ 优秀 ≤ 100."))
        try:
            datetime.date(2024, self.report_due_month, self.report_due_day)
        except ValueError:
            raise ValidationError(_("The report due date is not a date.")) from None
        unknown = set(self.change_kinds) - set(ChangeKind.values)
        if unknown:
            raise ValidationError(_("Unknown kinds of change: %(kinds)s") % {"kinds": ", ".join(sorted(unknown))})

    def cite(self, article):
        """The programme's guideline with an article, e.g. 《苏州市创新联合体建设实施方案》六（二）."""
        return f"{self.programme.guideline_title}{article}" if article else self.programme.guideline_title

    def due_date(self, year):
        """When the report on ``year`` is due (in the following year; 29 February falls back to the 28th)."""
        day = self.report_due_day
        while True:
            try:
                return datetime.date(year + 1, self.report_due_month, day)
            except ValueError:
                day -= 1

    def grade_for(self, score):
        if score >= self.excellent_min:
            return Grade.EXCELLENT
        if score >= self.pass_min:
            return Grade.PASS
        return Grade.FAIL

    def reminders(self):
        return sorted({int(d) for d in (self.reminder_days or []) if int(d) > 0}, reverse=True)


def profile_of(programme, create=True):
    """The programme's profile (made from the seed or the defaults the first time it is asked for).  With
    ``create=False`` (what a page reads on a GET, which writes nothing) a programme without a row gets the same
    values unsaved."""
    try:
        return programme.supervision_profile
    except SupervisionProfile.DoesNotExist:
        if not create:
            return SupervisionProfile(programme=programme, **defaults_for(programme.code))
        profile, _created = SupervisionProfile.objects.get_or_create(programme=programme,
                                                                     defaults=defaults_for(programme.code))
        return profile
