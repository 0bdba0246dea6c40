"""Everything reviewers, experts and staff record about an application.

The states and transitions themselves live in :mod:`applications.lifecycle`.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.choices import AssignmentStatus, ObjectionFinding
from portal.models import Role


class TransitionLog(models.Model):
    """Append-only record of every state change (who, as what, from, to, why, when, where from)."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="log")
    transition = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("actor"))
    actor_role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    source = models.CharField(_("from"), max_length=30)
    target = models.CharField(_("to"), max_length=30)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("The transition log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The transition log is append-only.")


def review_file_path(instance, filename):
    digest = instance.sha256[:16] if getattr(instance, "sha256", "") else "file"
    return f"review/{instance._meta.model_name}/{instance.application_id}/{digest}.bin"


class DistrictOpinion(models.Model):
    class Decision(models.TextChoices):
        RECOMMEND = "recommend", _("recommend")
        RETURN = "return", _("return for revision")
        NOT_RECOMMEND = "not_recommend", _("not recommend")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="district_opinions")
    decision = models.CharField(_("decision"), max_length=15, choices=Decision.choices)
    opinion = models.TextField(_("opinion"))
    letter = models.FileField(_("recommendation letter"), upload_to=review_file_path, blank=True)
    letter_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]


class FilingAgreement(models.Model):
    """The agreement with targets signed after admission (中关村: 签订协议，明确绩效目标).

    Where the programme's filing stage has ``agreement``, staff upload the signed agreement before
    filing.  A replaced agreement is kept: the newest row is the one in force.
    """

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="filing_agreements")
    file = models.FileField(upload_to=review_file_path)
    name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    signed_on = models.DateField(_("signed on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("agreement with targets")
        verbose_name_plural = _("agreements with targets")


class PeerOpinion(models.Model):
    """同行评议意见 (Weihai): by an expert of 副高 or above in the same or a near discipline."""

    class TitleLevel(models.TextChoices):
        SENIOR = "senior", _("full senior (正高)")
        ASSOCIATE = "associate", _("associate senior (副高)")
        INTERMEDIATE = "intermediate", _("intermediate (中级)")
        OTHER = "other", _("other")

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE,
                                    related_name="peer_opinions")
    expert_name = models.CharField(_("expert name"), max_length=40)
    title = models.CharField(_("professional title"), max_length=60)
    title_level = models.CharField(_("title level"), max_length=15, choices=TitleLevel.choices)
    discipline = models.CharField(_("discipline"), max_length=60)
    opinion = models.TextField(_("opinion"))
    date = models.DateField(_("date"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A mistaken entry is withdrawn, not deleted: it stays on record with who, when and why.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "id"]

    @property
    def qualifies(self):
        return self.withdrawn_at is None and self.title_level in (self.TitleLevel.SENIOR, self.TitleLevel.ASSOCIATE)


class FormalReview(models.Model):
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="formal_reviews")
    checklist = models.JSONField(default=list)
    passed = models.BooleanField()
    note = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)


class Expert(models.Model):
    name = models.CharField(_("name"), max_length=40)
    title = models.CharField(_("professional title"), max_length=60)
    fields = models.JSONField(_("fields"), default=list, help_text=_("Fields (领域) the expert can evaluate."))
    affiliation = models.CharField(_("affiliation"), max_length=120)
    affiliation_credit_code = models.CharField(_("affiliation credit code"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="expert_profile", limit_choices_to={"role": Role.EXPERT})

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("expert")
        verbose_name_plural = _("expert pool")

    def __str__(self):
        return f"{self.name}（{self.affiliation}）"


class ExpertRelation(models.Model):
    """A declared relation (former employer, co-investment …) that excludes an expert."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="relations")
    credit_code = models.CharField(_("credit code of the related unit"), max_length=18)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("declared relation")
        verbose_name_plural = _("declared relations")


class ExpertDraw(models.Model):
    """A recorded random draw: with the seed and the candidate list it can be reproduced."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="draws")
    seed = models.CharField(max_length=64)
    requested = models.PositiveSmallIntegerField()
    field = models.CharField(max_length=60, blank=True)
    candidates = models.JSONField(default=list)
    excluded = models.JSONField(default=list)
    drawn = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]


class Assignment(models.Model):
    Status = AssignmentStatus

    class Recommendation(models.TextChoices):
        SUPPORT = "support", _("support")
        SUPPORT_WITH_CHANGES = "support_changes", _("support after changes")
        NOT_SUPPORT = "not_support", _("do not support")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    draw = models.ForeignKey(ExpertDraw, null=True, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    deadline = models.DateField(_("deadline"))
    no_conflict_declared_at = models.DateTimeField(null=True, blank=True)
    declined_reason = models.CharField(max_length=300, blank=True)
    recommendation = models.CharField(_("overall recommendation"), max_length=20, blank=True,
                                      choices=Recommendation.choices)
    overall_comment = models.TextField(_("overall opinion"), blank=True)
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="one_assignment_per_expert")]

    BADGES = {AssignmentStatus.SUBMITTED: "text-bg-success", AssignmentStatus.ACCEPTED: "text-bg-info",
              AssignmentStatus.DECLINED: "text-bg-light border", AssignmentStatus.INVITED: "text-bg-warning"}

    @property
    def badge_class(self):
        return self.BADGES.get(self.status, "text-bg-secondary")

    @property
    def is_invited(self):
        return self.status == AssignmentStatus.INVITED

    @property
    def is_accepted(self):
        return self.status == AssignmentStatus.ACCEPTED

    @property
    def is_declined(self):
        return self.status == AssignmentStatus.DECLINED

    @property
    def is_submitted(self):
        return self.status == AssignmentStatus.SUBMITTED

    @property
    def is_open(self):
        """Invited or accepted: the expert still has something to do."""
        return self.status in (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)


class Criterion(models.Model):
    """One weighted criterion of a programme's scoring sheet (scores 0–100 each)."""

    programme = models.ForeignKey("applications.Programme", on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=60)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=2)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion")]


class SiteVisit(models.Model):
    class Kind(models.TextChoices):
        SITE_VISIT = "site_visit", _("site visit")
        DEFENCE = "defence", _("defence")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="site_visits")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    participants = models.TextField(_("participants"))
    notes = models.TextField(_("notes"))
    attachment = models.FileField(upload_to=review_file_path, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class Meeting(models.Model):
    """A decision meeting (主任办公会, 局务会 …)."""

    programme = models.ForeignKey("applications.Programme", on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("meeting date"))
    body = models.CharField(_("decision body"), max_length=100)
    minutes = models.TextField(_("minutes"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.body} {self.date}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVE = "approve", _("approve")
        REFUSE = "refuse", _("refuse")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)


class HolidayDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday, or a make-up workday (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("make-up workday"), default=False,
                                     help_text=_("Ticked: a weekend day that is worked (调休). Unticked: a holiday."))
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up workday")
        verbose_name_plural = _("holiday calendar")

    def __str__(self):
        return f"{self.date} {self.name}"


class PublicityBatch(models.Model):
    programme = models.ForeignKey("applications.Programme", on_delete=models.PROTECT, related_name="publicity")
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    calendar_fallback = models.BooleanField(default=False)
    filed_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title

    def is_running(self, today=None):
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class PublicityEntry(models.Model):
    batch = models.ForeignKey(PublicityBatch, on_delete=models.PROTECT, related_name="entries")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="publicity_entries")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "application"], name="one_entry_per_batch")]


class Objection(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("an individual")
        UNIT = "unit", _("a unit")

    Finding = ObjectionFinding

    entry = models.ForeignKey(PublicityEntry, on_delete=models.PROTECT, related_name="objections")
    kind = models.CharField(_("objector"), max_length=6, choices=Kind.choices)
    person_name = models.CharField(_("real name"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    unit_name = models.CharField(_("unit name"), max_length=120, blank=True)
    unit_credit_code = models.CharField(_("unit credit code"), max_length=18, blank=True)
    letter = models.FileField(upload_to="objections/%Y/", blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    content = models.TextField(_("objection"))
    submitted_at = models.DateTimeField(default=timezone.now)
    finding = models.CharField(_("finding"), max_length=10, choices=Finding.choices, default=Finding.PENDING)
    finding_text = models.TextField(_("finding"), blank=True)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    found_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_pending(self):
        return self.finding == ObjectionFinding.PENDING


class CertificateCounter(models.Model):
    """The last certificate number issued per prefix and year; locked row → gap-free numbers."""

    prefix = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="one_counter_per_prefix_year")]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
