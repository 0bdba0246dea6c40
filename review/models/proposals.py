"""Changes to the shared expert pool and holiday calendar proposed by programme staff.

The expert pool (with the declared relations that exclude an expert from every authority's draws) and
the holiday calendar are kept by the central registry keeper (``Role.REGISTRAR``).  Programme staff
propose: a new expert, a change to an expert (its fields, deactivation …), a declared relation or a
holiday day; the keeper accepts it (the change is applied in the same transaction) or declines it
with a reason (``review.services.pool``).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Field

from .experts import Expert, ExpertRelation
from .records import HolidayDay

#: The expert's fields a proposal may set, in the order they are shown.
EXPERT_FIELDS = ("name", "title", "affiliation", "affiliation_credit_code", "phone", "email", "active", "fields")


class ProposalNotice(models.TextChoices):
    """The inbox notices of pool proposals (their text: templates/notices/<kind>.txt)."""

    PROPOSED = "pool_proposed"
    ACCEPTED = "pool_accepted"
    DECLINED = "pool_declined"


class PoolProposal(models.Model):
    class Kind(models.TextChoices):
        NEW_EXPERT = "new_expert", _("new expert")
        CHANGE_EXPERT = "change_expert", _("change to an expert")
        RELATION = "relation", _("declared relation")
        HOLIDAY = "holiday", _("holiday or make-up workday")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    expert = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals",
                               verbose_name=_("expert"))
    values = models.JSONField(_("proposed values"), default=dict)
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    authority = models.ForeignKey("portal.Authority", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("authority"))
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("keeper's note"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("pool proposal")
        verbose_name_plural = _("pool proposals")
        indexes = [models.Index(fields=["status", "proposed_at"], name="poolproposal_queue")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_accepted(self):
        return self.status == self.Status.ACCEPTED

    @property
    def is_expert_kind(self):
        return self.kind in (self.Kind.NEW_EXPERT, self.Kind.CHANGE_EXPERT)

    @property
    def badge_class(self):
        return {self.Status.PENDING: "text-bg-warning", self.Status.ACCEPTED: "text-bg-success"}.get(
            self.status, "text-bg-secondary")

    @property
    def holiday_date(self):
        return datetime.date.fromisoformat(self.values["date"]) if self.kind == self.Kind.HOLIDAY else None

    def rows(self):
        """``[(label, current value, proposed value)]`` for the page (current: what the pool says now)."""
        if self.kind == self.Kind.HOLIDAY:
            keys, model = ("date", "is_workday", "name"), HolidayDay
            current = model.objects.filter(date=self.values["date"]).first()
        elif self.kind == self.Kind.RELATION:
            keys, model, current = ("credit_code", "note"), ExpertRelation, None
        else:
            keys, model = [k for k in EXPERT_FIELDS if k in self.values], Expert
            current = self.expert if self.kind == self.Kind.CHANGE_EXPERT else None
        return [(model._meta.get_field(key).verbose_name, _shown(key, getattr(current, key, None), current),
                 _shown(key, self.values[key], True)) for key in keys if key in self.values]


def _shown(key, value, present):
    """A value as the page shows it: field names for the expert's fields, yes/no for flags."""
    if present is None:
        return ""
    if key == "fields":
        ids = value if isinstance(value, list) else list(value.values_list("pk", flat=True))
        return "、".join(Field.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)
