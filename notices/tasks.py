"""Celery tasks: each takes a primary key and is safe to run twice (acks_late)."""

from celery import shared_task

from . import outbox


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_job(job_id):
    from celery import current_task

    task_id = getattr(current_task.request, "id", "") or ""
    try:
        return outbox.run(job_id, task_id=task_id)
    except Exception as error:
        outbox.record_failure(job_id, error)
        raise


@shared_task(ignore_result=True)
def sweep_outbox(older_than_seconds=60):
    return outbox.sweep(older_than_seconds)
