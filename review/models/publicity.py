"""Publicity batches, their entries and the objections raised during them."""


from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.choices import ObjectionFinding


class PublicityBatch(models.Model):
    programme = models.ForeignKey("applications.Programme", on_delete=models.PROTECT, related_name="publicity")
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    calendar_fallback = models.BooleanField(default=False)
    filed_at = models.DateTimeField(null=True, blank=True)
    # When the applicants were told that the period closed (once, by the beat task; see
    # review.services.publicity.notify_closed_publicities).
    closed_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]

    # The publicity list documents and their jobs (notices.Document/Job name the batch as their subject).
    documents = GenericRelation("notices.Document", content_type_field="subject_type", object_id_field="subject_id",
                                related_query_name="batch")
    jobs = GenericRelation("notices.Job", content_type_field="subject_type", object_id_field="subject_id",
                           related_query_name="batch")

    def __str__(self):
        return self.title

    def is_closed(self, today=None):
        """The period is over once its last working day has passed."""
        return self.ends_on < (today or timezone.localdate())

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
    # Where it came from, for the rate limits (review.services.objections): the client's address
    # (portal.clientip) and the phone's digits, so that "139-1234-5678" and "13912345678" count as one.
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    phone_digits = models.CharField(max_length=30, blank=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["ip", "submitted_at"], name="objection_ip_recent"),
                   models.Index(fields=["phone_digits", "submitted_at"], name="objection_phone_recent")]

    @property
    def is_pending(self):
        return self.finding == ObjectionFinding.PENDING

    @property
    def is_spam(self):
        return self.finding == ObjectionFinding.SPAM


class ObjectionMark(models.Model):
    """Who marked an objection as spam, or restored it, and when: the objection is never deleted."""

    class Action(models.TextChoices):
        SPAM = "spam", _("marked as spam")
        RESTORE = "restore", _("restored")

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="marks")
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
