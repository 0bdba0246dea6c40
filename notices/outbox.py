"""The outbox: documents and notices that must not be lost.

A state change writes ``Job`` rows (and ``Notification`` rows) in its own transaction;
``transaction.on_commit`` then hands each job to Celery.  If the broker is unreachable the
job simply stays pending and the periodic sweep (Celery beat) sends it later.  A task takes
the job's primary key, locks the row, skips work already done, renders to a temporary file
and renames it into place, and marks the job done in the same transaction as the Document
row — so a task delivered twice, or retried after its worker was killed, yields exactly one
document.
"""

import hashlib
import logging
import time

from celery import current_app
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.baseurl import base_url
from portal.models import User

from . import broker, documents, numbers
from .models import Document, Job, Notification

log = logging.getLogger(__name__)

# --- writing jobs (inside the caller's transaction) -------------------------------------------------

def add_job(kind, key, subject=None, notification=None, payload=None):
    """The job ``key`` (idempotent: a second call with the same key finds the first) about ``subject``."""
    job, created = Job.objects.get_or_create(
        key=key, defaults={"kind": kind, "subject": subject, "notification": notification, "payload": payload or {}})
    if created and settings.OUTBOX_DISPATCH:
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def add_document(kind, key, issuer, pattern="", subject=None, payload=None):
    """The job of a document issued by ``issuer`` (its full name) today, as part of the act that calls for it.

    The payload records what the paper must say whenever it is rendered: the date of the act and, when
    the issuer numbers its papers (``pattern`` such as 威科字〔{year}〕{n}号), its 发文字号 — drawn here,
    inside the act's transaction, so the numbers of an issuer's year are gap-free.  A second call with
    the same key finds the first job and draws nothing."""
    existing = Job.objects.filter(key=key).first()
    if existing is not None:
        return existing
    day = timezone.localdate()
    payload = {"date": day.isoformat(), "issuer": issuer, "base_url": base_url(), **(payload or {})}
    if pattern:
        payload["number"] = numbers.document_number(pattern, f"issuer:{issuer}", day.year)
    return add_job(kind, key, subject=subject, payload=payload)


def render_notice(kind, context):
    """(subject, body) of a notice of ``kind``: ``templates/notices/<kind>.txt`` is the subject line, a blank
    line, then the body, rendered in the active language (the caller's portal_language())."""
    subject, _blank, body = render_to_string(f"notices/{str(kind)}.txt", context).strip().partition("\n\n")
    return subject.strip(), body.strip()


def notify(users, kind, context, url=""):
    """An inbox notice of ``kind`` for each user, and its e-mail through the outbox."""
    subject, body = render_notice(kind, context)
    made = []
    for user in users:
        if not user.is_active:
            continue
        note = Notification.objects.create(recipient=user, kind=kind, subject=subject, body=body, url=url)
        if user.email:
            add_job(Job.Kind.EMAIL, f"email:n{note.pk}", notification=note, payload={"base_url": base_url()})
        made.append(note)
    return made


def users_with_role(role, **scope):
    """The active users of ``role`` in a scope, e.g. ``users_with_role(Role.STAFF, authority_id=3)``."""
    return list(User.objects.filter(role=role, is_active=True, **scope))


# --- handing jobs to Celery -------------------------------------------------------------------------

def enqueue(job_id):
    """Send a job to the broker; on any broker error the job stays pending for the sweep."""
    try:
        # Looked up by name: the task module imports this one (notices.apps registers it at start).
        result = current_app.tasks["notices.tasks.run_job"].apply_async(args=[job_id], retry=False)
    except Exception as error:  # the broker is down: the sweep will send it later
        log.warning("outbox: job %s stays pending (%s)", job_id, error)
        return False
    Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(task_id=result.id or "", enqueued_at=timezone.now())
    return True


def sweep(older_than_seconds=60):
    """Re-send jobs left pending whose message is lost (a broker restarted without its data, a run that
    failed), and put back the message of a worker that died (still unacknowledged, no live worker holds
    it).  A job whose message still waits in the queue, or that a live worker holds, is left alone: sending
    it again would only queue a copy.  Returns how many were sent or put back."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    pending = list(Job.objects.filter(status=Job.Status.PENDING, created_at__lte=cutoff).exclude(
        enqueued_at__gt=cutoff).values_list("pk", "task_id")[:500])
    if not pending:
        return 0
    app = current_app
    held = broker.held(app)
    if held is None:  # not Redis, or unreachable: by age only (an unreachable broker refuses the sends)
        return sum(1 for pk, _task in pending if enqueue(pk))
    lost = [pk for pk, task in pending if not task or task not in held]
    oldest = cutoff.timestamp()
    taken = {task: tag for _pk, task in pending if task in held.unacked
             for tag, since in [held.unacked[task]] if since <= oldest}
    live = broker.live_task_ids(app) if taken else set()
    if lost:  # read again after a moment: a message a worker was taking (off the list, not yet unacked)
        time.sleep(0 if taken else 0.2)
        again = broker.held(app) or held
        lost = [pk for pk in lost if pk not in _still_held(lost, again)]
    sent = sum(1 for pk in lost if enqueue(pk))
    for task, tag in taken.items():
        if task not in live:
            log.warning("outbox: task %s of a dead worker put back in the queue", task)
            broker.restore(app, tag)
            sent += 1
    return sent


def _still_held(pks, held):
    """Of the jobs ``pks``, those whose current message the broker holds (or that are no longer pending)."""
    rows = Job.objects.filter(pk__in=pks).values_list("pk", "task_id", "status")
    return {pk for pk, task, status in rows if status != Job.Status.PENDING or (task and task in held)}


# --- doing a job (inside the Celery task) -------------------------------------------------------------

def run(job_id, task_id=""):
    """Do one job exactly once.  Safe to call any number of times, concurrently."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == Job.Status.DONE:
            return "skipped"
        job.attempts += 1
        if job.kind == Job.Kind.EMAIL:
            _send_email(job)
        else:
            _render_document(job, task_id)
        job.status = Job.Status.DONE
        job.done_at = timezone.now()
        job.task_id = task_id or job.task_id
        job.save(update_fields=["status", "done_at", "attempts", "task_id"])
        return "done"


def record_failure(job_id, error, max_attempts=5):
    """After a failed run (its transaction rolled back): count it; the sweep retries until the limit."""
    log.error("outbox: job %s failed: %s", job_id, error)
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return
    job.attempts += 1
    job.last_error = str(error)[:2000]
    if job.attempts >= max_attempts:
        job.status = Job.Status.FAILED
    job.save(update_fields=["attempts", "last_error", "status"])


def _send_email(job):
    note = job.notification
    recipient = note.recipient
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("documents/email.txt", {
            "note": note, "user": recipient, "link": (job.payload.get("base_url") or base_url()) + (note.url or "/"),
        })
    send_mail(note.subject, body, None, [recipient.email])
    note.emailed_at = timezone.now()
    note.save(update_fields=["emailed_at"])


def _render_document(job, task_id):
    data, missing = documents.issue(job)
    digest = hashlib.sha256(data).hexdigest()
    version = Document.objects.filter(kind=job.kind, subject_type_id=job.subject_type_id,
                                      subject_id=job.subject_id).count() + 1
    document = Document(kind=job.kind, subject_type_id=job.subject_type_id, subject_id=job.subject_id, version=version,
                        job=job, sha256=digest, size=len(data), task_id=task_id, missing_characters=missing[:200])
    name = f"documents/{job.kind}/{digest[:2]}/{digest}.pdf"
    documents.write_atomically(default_storage, name, data)
    document.file.name = name
    document.save()
    return document
