"""Exports of the staff list in the background: asked for, done once by a Celery worker, then downloaded.

The same machinery as the outbox (:mod:`notices.outbox`): the job row is written in the request's
transaction and handed to Celery after the commit; if the broker is down it stays pending and the beat
sweep sends it later.  A worker claims a pending job with one conditional UPDATE, so a task delivered
twice (or a sweep racing a slow broker) makes one file; it writes the rows outside any long transaction,
recording its progress every :data:`review.workbook.EXPORT_CHUNK` rows, and stores the file under a new
name before marking the job done.  A job left *running* by a worker that died is put back to *pending*
by the sweep after ``EXPORT_STALE_SECONDS``.  When the file is ready the user finds it on the export's
page and gets an inbox notice.
"""

import logging
from types import SimpleNamespace

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from applications.choices import Notice
from notices.events import portal_language
from notices.outbox import notify

from ..filters import LIST_ROLES, ApplicationFilter, staff_queryset
from ..models import ExportJob
from ..workbook import export_workbook

log = logging.getLogger(__name__)

#: Query parameters of the list that are not filters.
NOT_FILTERS = ("page",)


def export_filters(query):
    """The filters of a list's query (a QueryDict) as ``{name: [values]}``, without the page."""
    return {key: query.getlist(key) for key in sorted(query) if key not in NOT_FILTERS and query.getlist(key)}


def export_filename(now=None):
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return "{}-{}.xlsx".format(_("applications"), stamp)


def request_export(user, params, total):
    """The job that exports the rows ``params`` selects for ``user`` (``total`` of them now): an export of the
    same filters that is still waiting or running is that job; otherwise a new one, sent after the commit.
    Returns ``(job, created)``."""
    query = urlencode(params, doseq=True)
    with transaction.atomic():
        busy = (ExportJob.objects.select_for_update().filter(
            user=user, query=query, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING])
            .order_by("-created_at").first())
        if busy is not None:
            return busy, False
        job = ExportJob.objects.create(user=user, params=params, query=query, total=total,
                                       language=translation.get_language() or settings.LANGUAGE_CODE,
                                       filename=export_filename())
        if settings.OUTBOX_DISPATCH:
            transaction.on_commit(lambda: enqueue(job.pk))
    return job, True


def enqueue(job_id):
    """Send an export to the broker; on any broker error it stays pending for the sweep."""
    try:
        # Looked up by name: review.tasks imports this module (review.apps imports the tasks at start).
        current_app.tasks["review.tasks.run_export"].apply_async(args=[job_id], retry=False)
    except Exception as error:  # the broker is down: the sweep sends it later
        log.warning("exports: job %s stays pending (%s)", job_id, error)
        return False
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(enqueued_at=timezone.now())
    return True


def _claim(job_id):
    """Take the job if it is pending (one worker wins); returns it, or None when there is nothing to do."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, done=0)
    return ExportJob.objects.select_related("user").get(pk=job_id) if claimed else None


def _rows(job):
    """The filtered list of the job's user, as their list shows it now (their scope, their filters)."""
    user = job.user
    if not user.is_active or user.role not in LIST_ROLES:
        raise PermissionError("the user may no longer see the list")
    filterset = ApplicationFilter(QueryDict(job.query) if job.query else None, queryset=staff_queryset(user),
                                  request=SimpleNamespace(user=user))
    if filterset.is_bound and not filterset.is_valid():
        raise ValueError(f"filters no longer valid: {filterset.errors.as_json()}")
    return filterset.qs


def run_export(job_id):
    """Make the file of one export.  Safe to call any number of times, concurrently."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    running = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING, attempts=job.attempts)
    with translation.override(job.language):
        queryset = _rows(job)
        total = queryset.count()
        running.update(total=total)
        data = export_workbook(queryset, progress=lambda n: running.update(done=n))
    name = job.file.storage.save(job.file.field.generate_filename(job, job.filename), ContentFile(data))
    if not running.update(status=ExportJob.Status.DONE, done=total, file=name, finished_at=timezone.now()):
        job.file.storage.delete(name)  # the sweep gave the job to another worker meanwhile: its file counts
        return "superseded"
    _notify(job, total)
    return "done"


def _notify(job, total):
    url = reverse("review:export_detail", args=[job.pk])
    with portal_language():
        notify([job.user], Notice.EXPORT_READY, {"total": total, "filename": job.filename}, url=url)


def record_failure(job_id, error, max_attempts=3):
    """After a failed run: back to pending for the sweep, or failed for good after ``max_attempts``."""
    log.error("exports: job %s failed: %s", job_id, error)
    attempts = ExportJob.objects.filter(pk=job_id).values_list("attempts", flat=True).first()
    if attempts is None:
        return
    final = attempts >= max_attempts
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.FAILED if final else ExportJob.Status.PENDING, enqueued_at=None,
        last_error=str(error)[:2000], finished_at=timezone.now() if final else None)


def sweep(older_than_seconds=60):
    """Send exports left pending, put back those whose worker died, delete files past their keeping time.
    Returns how many were sent."""
    now = timezone.now()
    stale = now - timezone.timedelta(seconds=settings.EXPORT_STALE_SECONDS)
    ExportJob.objects.filter(status=ExportJob.Status.RUNNING, started_at__lt=stale).update(
        status=ExportJob.Status.PENDING, enqueued_at=None)
    cutoff = now - timezone.timedelta(seconds=older_than_seconds)
    pending = ExportJob.objects.filter(status=ExportJob.Status.PENDING, created_at__lte=cutoff).exclude(
        enqueued_at__gt=cutoff).values_list("pk", flat=True)
    sent = sum(1 for pk in list(pending[:100]) if enqueue(pk))
    expired = ExportJob.objects.filter(finished_at__lt=now - timezone.timedelta(days=settings.EXPORT_KEEP_DAYS))
    for job in expired.exclude(file=""):
        job.file.delete(save=False)
    expired.delete()
    return sent
