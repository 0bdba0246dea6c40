"""Celery tasks of the review: the staff list's exports (each takes a primary key and is safe to run twice), and
the notice that a publicity period has closed (beat; each batch's applicants are told once)."""

from celery import shared_task

from .services import exports, publicity


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_export(job_id):
    try:
        return exports.run_export(job_id)
    except Exception as error:
        exports.record_failure(job_id, error)
        raise


@shared_task(ignore_result=True)
def sweep_exports(older_than_seconds=60):
    return exports.sweep(older_than_seconds)


@shared_task(ignore_result=True)
def notify_closed_publicity():
    return publicity.notify_closed_publicities()
