"""The notices app's rows: the inbox notices, the outbox of jobs (documents to render, e-mails to send) and the
rendered documents.  The app knows no domain model: a job and its document name what they are about
through a generic ``subject`` (the domain models declare ``GenericRelation``s back) and a payload;
what a document of each kind says is registered by the domain apps (:mod:`notices.documents`).  The tables keep the names they had
when they lived in the review app.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notice (inbox); the e-mail copy is sent through the outbox."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        db_table = "portal_notification"
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.subject


class Job(models.Model):
    """Outbox: a document to render or a notice to send, written in the same transaction as the
    state change that calls for it, then handed to Celery from ``transaction.on_commit``.  A
    periodic sweep re-sends jobs left pending, so a broker outage delays a job, never loses it.
    """

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", _("filing certificate")
        NOTICE_RECEIVED = "notice_received", _("notice of receipt")
        NOTICE_RETURNED = "notice_returned", _("notice of return for revision")
        NOTICE_REFUSED = "notice_refused", _("notice of refusal")
        RECOMMENDATION = "recommendation", _("recommendation opinion")
        RECOMMENDATION_BATCH = "recommendation_batch", _("recommendation letter with its summary table")
        PUBLICITY_LIST = "publicity_list", _("publicity list")
        FILING_ANNOUNCEMENT = "filing_announcement", _("filing announcement")
        APPLICATION_FORM = "application_form", _("application form")
        REVOCATION_NOTICE = "revocation_notice", _("notice of revocation")
        EMAIL = "email", _("e-mail notification")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    key = models.CharField(max_length=120, unique=True, help_text="Idempotency key: one job per document version.")
    # What the job is about (an application, a publicity batch …), or nothing (an announcement whose
    # payload lists its applications).  Generic, so the notices app names no domain model.
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    notification = models.ForeignKey("notices.Notification", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="jobs")
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "review_job"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="job_subject")]


def document_path(instance, filename):
    return f"documents/{instance.kind}/{instance.sha256[:2]}/{instance.sha256}.pdf"


class Document(models.Model):
    """A rendered PDF, stored privately with its checksum, version, task id and time."""

    kind = models.CharField(max_length=24, choices=Job.Kind.choices)
    # What the job is about (an application, a publicity batch …), or nothing (an announcement whose
    # payload lists its applications).  Generic, so the notices app names no domain model.
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    version = models.PositiveIntegerField(default=1)
    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="document")
    file = models.FileField(upload_to=document_path, max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)  # the verification page looks a file up by it
    size = models.PositiveIntegerField()
    task_id = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=10, default="zh-hans")
    created_at = models.DateTimeField(default=timezone.now)
    # Characters of the text that no document font draws (each shown as a box): reported to staff.
    missing_characters = models.CharField(_("characters no font draws"), max_length=200, blank=True)

    class Meta:
        db_table = "review_document"
        ordering = ["-created_at"]
        # An application's (or a batch's) documents, whatever their kind (the unique constraint leads with the kind).
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="document_subject")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_type", "subject_id", "version"], name="one_document_version",
                                    nulls_distinct=False),
        ]


class Counter(models.Model):
    """The last number issued in a series and year (文号 per issuer, 申报编号 per programme).  The row is
    locked until the issuing transaction commits, so numbers are gap-free and never issued twice."""

    series = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="one_counter_per_series_year")]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last}"
