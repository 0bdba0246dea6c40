"""Exports of the staff list made in the background (the large ones; a small one is sent at once).

A job is written when the user asks, handed to Celery after the commit, and claimed by one worker at a
time (a conditional UPDATE from *pending* to *running*), so a task delivered twice writes one file.  The
worker records its progress as it writes rows; a job whose worker died is put back by the beat sweep.
The job keeps the user and the list's filters: the rows are the user's scope when the file is made.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def export_path(instance, filename):
    return f"exports/{instance.user_id}/{instance.pk}-{filename}"


class ExportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("in progress")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(_("filters"), default=dict, blank=True)
    query = models.CharField(max_length=1000, blank=True, help_text="The filters as a query string.")
    language = models.CharField(max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=120)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["user", "-created_at"], name="exportjob_user"),
                   models.Index(fields=["status", "created_at"], name="exportjob_status")]

    def __str__(self):
        return self.filename

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return min(int(self.done * 100 / self.total), 99) if self.total else 0

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
