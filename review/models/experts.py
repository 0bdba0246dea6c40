"""The expert pool, the draws, the assignments with their scores, the site visits."""


from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.choices import AssignmentStatus
from portal.models import Role

from .files import review_file_path


def combine_totals(totals, method="mean"):
    """The experts' submitted totals combined as the programme says (its expert stage's ``aggregate``): the mean,
    or the trimmed mean (highest and lowest left out) when five or more scored; None when none did."""
    totals = sorted(totals)
    if not totals:
        return None
    if method == "trimmed_mean" and len(totals) >= 5:
        totals = totals[1:-1]
    return (sum(totals) / len(totals)).quantize(Decimal("0.01"))


class Expert(models.Model):
    name = models.CharField(_("name"), max_length=40)
    title = models.CharField(_("professional title"), max_length=60)
    fields = models.ManyToManyField("applications.Field", blank=True, related_name="experts", verbose_name=_("fields"),
                                    help_text=_("Fields (领域) the expert can evaluate, from the shared taxonomy."))
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
