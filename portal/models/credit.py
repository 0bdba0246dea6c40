"""Credit records against units (失信记录, 取消牵头资格), their changes, and corrections of a unit's credit code."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import creditcode
from .accounts import AppendOnlyModel, Authority, Unit, User


class CreditRecord(models.Model):
    """A credit or disqualification record against a unit (失信记录 / 取消牵头资格), found by its credit code.

    Recorded by programme staff (or by the portal when it revokes a consortium: ``services.record_credit``)
    with where it comes from (信用中国, 本局认定 …) and the period it is in force: from ``valid_from``
    until ``valid_until`` inclusive, or without end.  A change is made with a reason, kept in
    ``CreditRecordChange``.
    """

    class Kind(models.TextChoices):
        LEAD_DISQUALIFIED = "lead_disqualified", _("disqualified as lead unit")
        FRAUD = "fraud", _("fraud or serious dishonesty")
        BLACKLIST = "blacklist", _("integrity blacklist")

    credit_code = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    unit_name = models.CharField(_("unit name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    recorded_on = models.DateField(_("recorded on"), default=timezone.localdate)
    reason = models.TextField(_("reason"))
    source = models.CharField(_("source"), max_length=80,
                              help_text=_("Where the record comes from, e.g. 信用中国 or 本局认定 with its document number."))
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True,
                                   help_text=_("The last day it is in force; empty: without end."))
    authority = models.ForeignKey(Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("recorded by authority"))
    recorded_by = models.ForeignKey("User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")

    def __str__(self):
        return f"{self.unit_name} {self.get_kind_display()} {self.valid_from}"

    def save(self, *args, **kwargs):
        self.credit_code = creditcode.normalise(self.credit_code)
        super().save(*args, **kwargs)

    def in_force_on(self, day, years=None):
        """Whether the record is in force on ``day``; ``years``: the period when it names no end."""
        until = self.valid_until
        if until is None and years is not None:
            until = add_years(self.valid_from, years) - datetime.timedelta(days=1)
        return self.valid_from <= day and (until is None or day <= until)

    def period_label(self, years=None):
        until = self.valid_until or (add_years(self.valid_from, years) - datetime.timedelta(days=1) if years else None)
        if until is None:
            return _("from %(start)s, without end") % {"start": self.valid_from.isoformat()}
        return _("%(start)s to %(end)s") % {"start": self.valid_from.isoformat(), "end": until.isoformat()}


def add_years(day, years):
    """The same day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class CreditRecordChange(AppendOnlyModel):
    """A change to a credit record: who, when, why, and each changed field's value before and after."""

    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="changes",
                               verbose_name=_("credit record"))
    by = models.ForeignKey("User", on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=dict)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-at", "-id"]
        verbose_name = _("credit record change")
        verbose_name_plural = _("credit record changes")

    def __str__(self):
        return f"{self.record} {self.at:%Y-%m-%d}"


class CreditCodeCorrection(models.Model):
    """A unit's 统一社会信用代码 corrected by staff, with the reason: the code is fixed at registration
    (the unit's own profile cannot change it, nor escape a credit record with it).  Append-only."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="code_corrections", verbose_name=_("unit"))
    old_code = models.CharField(_("code before"), max_length=18)
    new_code = models.CharField(_("corrected code"), max_length=18)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("corrected by"))
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("credit code correction")
        verbose_name_plural = _("credit code corrections")

    def __str__(self):
        return f"{self.unit.name}: {self.old_code} → {self.new_code}"
