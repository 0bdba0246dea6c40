"""Programmes (held as data): a call under one guideline, its attachment requirements and its rules."""



from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Authority

from ..choices import Severity
from ..rules import REGISTRY, validate_params
from ..stages import validate_stages
from .vocabulary import LeadCategory, MemberKind


class Programme(models.Model):
    """One call for applications (申报批次) under one guideline (指南), as data."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="programmes",
                                  verbose_name=_("authority"))
    code = models.SlugField(_("code"), max_length=40, unique=True)
    certificate_prefix = models.CharField(_("certificate number prefix"), max_length=12)
    title = models.CharField(_("title"), max_length=200)
    guideline_title = models.CharField(_("guideline"), max_length=200,
                                       help_text=_("Cited in every rule message, e.g. 《苏州市创新联合体建设实施方案》."))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    summary = models.TextField(_("summary of conditions"), blank=True)
    guideline_text = models.TextField(_("guideline text"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    fields = models.ManyToManyField(
        "applications.Field", blank=True, related_name="programmes", verbose_name=_("fields"),
        help_text=_("The fields (领域) an application may choose; none: any field of the taxonomy."))
    lead_categories = models.ManyToManyField(
        "applications.LeadCategory", blank=True, related_name="programmes", verbose_name=_("lead unit categories"),
        help_text=_("The shared categories offered; none: every shared one. The programme's own are always offered."))
    member_kinds = models.ManyToManyField(
        "applications.MemberKind", blank=True, related_name="programmes", verbose_name=_("member kinds"),
        help_text=_("The shared kinds offered; none: every shared one. The programme's own are always offered."))
    formation_modes = models.JSONField(_("formation modes"), default=list, blank=True)
    stages = models.JSONField(
        _("review stages"), default=list, blank=True,
        help_text=_('Ordered list of stages, e.g. [{"key": "district_review", "peer_opinions_min": 3}, '
                    '{"key": "formal_review"}, {"key": "expert_review"}, {"key": "decision"}, '
                    '{"key": "publicity"}, {"key": "filing"}].'),
    )
    publicity_working_days = models.PositiveSmallIntegerField(_("publicity working days"), default=5)
    max_members = models.PositiveSmallIntegerField(_("maximum member rows"), default=200)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["-opens_on", "title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("applications:call_detail", args=[self.code])

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The closing date is before the opening date.")})
        validate_stages(self.stages)

    def is_open(self, on=None):
        today = on or timezone.localdate()
        return self.published and self.opens_on <= today <= self.closes_on

    def status_message(self, on=None):
        today = on or timezone.localdate()
        if today < self.opens_on:
            return _("Applications open on %(open)s (until %(close)s).") % {
                "open": self.opens_on.isoformat(), "close": self.closes_on.isoformat()}
        if today > self.closes_on:
            return _("Applications closed on %(close)s (they opened on %(open)s).") % {
                "open": self.opens_on.isoformat(), "close": self.closes_on.isoformat()}
        return _("Open from %(open)s to %(close)s.") % {
            "open": self.opens_on.isoformat(), "close": self.closes_on.isoformat()}

    def field_names(self):
        """The names of the programme's fields (empty: any field of the taxonomy), read once per instance
        (a page evaluates the rules more than once); a prefetch of ``fields`` is used when there is one."""
        if not hasattr(self, "_field_names"):
            self._field_names = [field.name for field in self.fields.all()]
        return self._field_names

    def lead_category_entries(self):
        return LeadCategory.offered_by(self, list(self.lead_categories.all()) if self.pk else [])

    def configures_lead_categories(self):
        """Whether the programme names lead-unit categories (a selection of the shared ones, or its own)."""
        return self.pk is not None and (self.lead_categories.exists()
                                        or LeadCategory.objects.filter(programme=self).exists())

    def member_kind_entries(self):
        return MemberKind.offered_by(self, list(self.member_kinds.all()) if self.pk else [])

    def stage(self, key):
        for stage in self.stages:
            if stage.get("key") == key:
                return stage
        return None


class AttachmentRequirement(models.Model):
    """An attachment kind a programme asks for (组建协议, 诚信承诺书, 推荐函 …)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="attachment_requirements",
                                  verbose_name=_("programme"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    required = models.BooleanField(_("required at submission"), default=True)
    required_when = models.JSONField(
        _("required only when"), default=dict, blank=True,
        help_text=_('Empty: always (if required). Or e.g. {"lead_selected_by": ["county"]}.'))
    citation = models.CharField(_("citation"), max_length=200, blank=True)
    allow_images = models.BooleanField(_("images allowed"), default=False)
    max_mb = models.PositiveSmallIntegerField(_("size limit (MB)"), default=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = _("attachment requirement")
        verbose_name_plural = _("attachment requirements")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="attachment_req_unique_code")]

    def __str__(self):
        return self.name

    def applies_to(self, lead_selected_by="", lead_unit_type=""):
        """Whether this requirement is required for an application with these answers."""
        if not self.required:
            return False
        when = self.required_when or {}
        if "lead_selected_by" in when and lead_selected_by not in when["lead_selected_by"]:
            return False
        if "lead_unit_types" in when and lead_unit_type not in when["lead_unit_types"]:
            return False
        return True




class ProgrammeRule(models.Model):
    """One condition of a programme: a rule kind from rules.py with its parameters."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rules",
                                  verbose_name=_("programme"))
    rule_key = models.CharField(_("rule"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    severity = models.CharField(_("severity"), max_length=4, choices=Severity.choices, default=Severity.HARD)
    citation = models.CharField(_("citation"), max_length=200,
                                help_text=_("Article cited in the message, e.g. 三（一）2."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = _("programme rule")
        verbose_name_plural = _("programme rules")

    def __str__(self):
        return f"{self.rule_key} {self.citation}"

    def clean(self):
        if self.rule_key not in REGISTRY:
            raise ValidationError({"rule_key": _("Unknown rule kind.")})
        validate_params(self.rule_key, self.params)
