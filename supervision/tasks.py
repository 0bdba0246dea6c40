"""The beat's supervision task: the annual reports owed, their reminders (30, 7 and 1 days before the due
date) and the overdue flag, each sent exactly once whatever the number of runs or workers."""

from celery import shared_task

from .services import send_reminders


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_report_reminders():
    return len(send_reminders())
