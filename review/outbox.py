"""The outbox: documents and notices that must not be lost.

A state change writes ``Job`` rows (and ``Notification`` rows) in its own transaction;
``transaction.on_commit`` then hands each job to Celery.  If the broker is unreachable the
job simply stays pending and the periodic sweep (Celery beat) sends it later.  A task takes
the job's primary key, locks the row, skips work already done, renders to a temporary file
and renames it into place, and marks the job done in the same transaction as the Document
row — so a task delivered twice, or retried after its worker was killed, yields exactly one
document.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import Notification, Role, User

from .models import Document, Job

log = logging.getLogger(__name__)

DOCUMENT_TEMPLATES = {
    Job.Kind.CERTIFICATE: "documents/certificate.html",
    Job.Kind.NOTICE_RECEIVED: "documents/notice_received.html",
    Job.Kind.NOTICE_RETURNED: "documents/notice_returned.html",
    Job.Kind.NOTICE_REFUSED: "documents/notice_refused.html",
    Job.Kind.RECOMMENDATION: "documents/recommendation.html",
    Job.Kind.PUBLICITY_LIST: "documents/publicity_list.html",
    Job.Kind.FILING_ANNOUNCEMENT: "documents/filing_announcement.html",
    Job.Kind.APPLICATION_FORM: "documents/application_form.html",
}


# --- writing jobs (inside the caller's transaction) -------------------------------------------------

def add_job(kind, key, application=None, batch=None, notification=None, payload=None):
    job, created = Job.objects.get_or_create(
        key=key, defaults={"kind": kind, "application": application, "batch": batch, "notification": notification,
                           "payload": payload or {}})
    if created and settings.OUTBOX_DISPATCH:
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def document_job(kind, application=None, batch=None, payload=None):
    if application is not None:
        version = application.versions.count()
        key = f"{kind}:app{application.pk}:v{version}:{application.log.count()}"
    else:
        key = f"{kind}:batch{batch.pk}"
    return add_job(kind, key, application=application, batch=batch, payload=payload)


def notify(users, kind, subject, body, url=""):
    """An inbox notice for each user, and its e-mail through the outbox."""
    made = []
    for user in users:
        if not user.is_active:
            continue
        note = Notification.objects.create(recipient=user, kind=kind, subject=subject, body=body, url=url)
        if user.email:
            add_job(Job.Kind.EMAIL, f"email:n{note.pk}", notification=note)
        made.append(note)
    return made


def applicant_users(application):
    return list(User.objects.filter(unit_id=application.unit_id, role=Role.APPLICANT, is_active=True))


def staff_users(programme):
    return list(User.objects.filter(authority_id=programme.authority_id, role=Role.STAFF, is_active=True))


def district_users(application):
    if application.district_id is None:
        return []
    return list(User.objects.filter(district_id=application.district_id, role=Role.DISTRICT, is_active=True))


def portal_language():
    """Write notices in the portal's language (settings.LANGUAGE_CODE), not in the language of
    whoever happens to act: a reviewer browsing in English must not send English notices.
    ``with outbox.portal_language(): notify(...)`` or as a decorator."""
    return translation.override(settings.LANGUAGE_CODE)


def on_transition(application, name, source, target, reason=""):
    """Jobs and notices a transition calls for (called by review.services.fire)."""
    with portal_language():
        _on_transition(application, name, source, target, reason)


def _on_transition(application, name, source, target, reason):
    url = reverse("application_detail", args=[application.pk])
    title = str(application)
    applicants = applicant_users(application)
    if name in ("submit", "resubmit"):
        document_job(Job.Kind.NOTICE_RECEIVED, application)
        notify(applicants, "received", _("Submission received: %(name)s") % {"name": title},
               _("Your application “%(name)s” was received and now awaits: %(state)s.") % {
                   "name": title, "state": application.get_state_display()}, url)
        reviewers = district_users(application) if target == "district_review" else staff_users(application.programme)
        notify(reviewers, "new_item", _("New application to review: %(name)s") % {"name": title},
               _("“%(name)s” of %(unit)s waits for your review.") % {"name": title, "unit": application.unit.name},
               url)
    elif name == "return_for_revision":
        document_job(Job.Kind.NOTICE_RETURNED, application, payload={"reason": reason})
        notify(applicants, "returned", _("Returned for revision: %(name)s") % {"name": title},
               _("Your application “%(name)s” was returned for revision. Reason: %(reason)s") % {
                   "name": title, "reason": reason}, url)
    elif name == "recommend":
        document_job(Job.Kind.RECOMMENDATION, application, payload={"opinion": reason})
        notify(applicants, "recommended", _("Recommended: %(name)s") % {"name": title},
               _("Your application “%(name)s” was recommended by the district office.") % {"name": title}, url)
    elif name in ("not_recommend", "refuse"):
        document_job(Job.Kind.NOTICE_REFUSED, application, payload={"reason": reason, "stage": name})
        subject = (_("Not recommended: %(name)s") if name == "not_recommend" else _("Refused: %(name)s")) % {
            "name": title}
        notify(applicants, name, subject, _("Your application “%(name)s” was not accepted. Reason: %(reason)s") % {
            "name": title, "reason": reason}, url)
    elif name == "publicize":
        notify(applicants, "publicity", _("In publicity: %(name)s") % {"name": title},
               _("Your application “%(name)s” is now in publicity.") % {"name": title}, url)
    elif name == "file":
        document_job(Job.Kind.CERTIFICATE, application)
        notify(applicants, "filed", _("Filed: %(name)s") % {"name": title},
               _("“%(name)s” is filed with certificate number %(number)s. The certificate can be downloaded from "
                 "the application page.") % {"name": title, "number": application.certificate_number}, url)


# --- handing jobs to Celery -------------------------------------------------------------------------

def enqueue(job_id):
    """Send a job to the broker; on any broker error the job stays pending for the sweep."""
    from .tasks import run_job

    try:
        result = run_job.apply_async(args=[job_id], retry=False)
    except Exception as error:  # the broker is down: the sweep will send it later
        log.warning("outbox: job %s stays pending (%s)", job_id, error)
        return False
    Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(task_id=result.id or "", enqueued_at=timezone.now())
    return True


def sweep(older_than_seconds=60):
    """Re-send jobs left pending (broker outage, killed worker).  Returns how many were sent."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    pending = Job.objects.filter(status=Job.Status.PENDING, created_at__lte=cutoff).exclude(
        enqueued_at__gt=cutoff).values_list("pk", flat=True)
    return sum(1 for pk in list(pending[:500]) if enqueue(pk))


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
            "note": note, "user": recipient, "link": settings.PORTAL_BASE_URL.rstrip("/") + (note.url or "/"),
        })
    send_mail(note.subject, body, None, [recipient.email])
    note.emailed_at = timezone.now()
    note.save(update_fields=["emailed_at"])


def document_context(job):
    from .documents import qr_data_uri, verification_url

    context = {"job": job, "payload": job.payload, "today": timezone.localdate()}
    if job.application_id:
        from applications.models import Application
        from applications.selectors import latest_files

        app = Application.objects.for_detail().get(pk=job.application_id)
        context.update({"application": app, "programme": app.programme, "authority": app.programme.authority,
                        "members": list(app.members.all()), "people": list(app.people.all()),
                        "tasks": list(app.tasks.all()), "budget_lines": list(app.budget_lines.all()),
                        "targets": list(app.targets.all()),
                        "attachments": latest_files(app)})
        if job.kind == Job.Kind.CERTIFICATE and app.certificate_number:
            url = verification_url(app.certificate_number)
            # 备案证书 by default; a programme whose guideline 立项 says so (苏州: 立项证书).
            title = (app.programme.stage("filing") or {}).get("certificate_title", "")
            context.update({"verify_url": url, "qr": qr_data_uri(url), "certificate_title": title})
    if job.payload.get("applications"):
        from applications.models import Application, Programme

        programme = Programme.objects.select_related("authority").get(pk=job.payload["programme"])
        context.update({"programme": programme, "authority": programme.authority,
                        "entries": list(Application.objects.filter(pk__in=job.payload["applications"]).select_related(
                            "unit").order_by("certificate_number"))})
    if job.batch_id:
        batch = job.batch
        context.update({"batch": batch, "programme": batch.programme, "authority": batch.programme.authority,
                        "entries": [e.application for e in batch.entries.select_related("application__unit")]})
    return context


def _render_document(job, task_id):
    from django.core.files.storage import default_storage

    from .documents import render_pdf, write_atomically
    from .models import sha256_of

    data = render_pdf(DOCUMENT_TEMPLATES[job.kind], document_context(job))
    digest = sha256_of(data)
    version = Document.objects.filter(kind=job.kind, application_id=job.application_id,
                                      batch_id=job.batch_id).count() + 1
    document = Document(kind=job.kind, application_id=job.application_id, batch_id=job.batch_id, version=version,
                        job=job, sha256=digest, size=len(data), task_id=task_id)
    name = f"documents/{job.kind}/{digest[:2]}/{digest}.pdf"
    write_atomically(default_storage, name, data)
    document.file.name = name
    document.save()
    return document
