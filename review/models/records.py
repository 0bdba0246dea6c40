"""What reviewers and staff record about an application: its log, the district's opinions, peer
opinions, the formal review, meetings and decisions, the filing agreement; the holiday calendar and
the certificate counters."""


from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from portal.models import AppendOnlyModel, Role

from .files import review_file_path


class TransitionLog(AppendOnlyModel):
    """Append-only record of every state change (who, as what, from, to, why, when, where from)."""

    append_only_message = "The transition log is append-only."

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

    class Meta(AppendOnlyModel.Meta):
        ordering = ["at", "id"]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        # An application's timeline, in order, from the index alone.
        indexes = [models.Index(fields=["application", "at", "id"], name="transitionlog_timeline")]

    def save(self, *args, **kwargs):
        """Write the entry and move the application's ``waiting_since`` to it (unless a later entry is there)."""
        super().save(*args, **kwargs)
        Application.objects.filter(pk=self.application_id).filter(
            models.Q(waiting_since__isnull=True) | models.Q(waiting_since__lte=self.at)).update(waiting_since=self.at)



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


class CertificateCounter(models.Model):
    """The last certificate number issued per prefix and year; locked row → gap-free numbers."""

    prefix = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="one_counter_per_prefix_year")]
