"""bench/faults' probe: the portal's Celery app (``celery -A _faults_probe``), recording each send and each run
of an outbox job (``notices.tasks.run_job``) as a JSON line in ``$FAULTS_PROBE_LOG``.

A line is written (appended and flushed at once, so a worker killed with SIGKILL loses none) when a message
has reached the broker (``send``: its task id and job, by whichever process sent it: the act's, a worker's
sweep), when a worker starts it (``run``) and when it ends (``end``, with what ``outbox.run`` answered:
``done``, or ``skipped`` for a job already done).  The portal itself is unchanged: the signals are Celery's.
"""

import json
import os
import time

from celery.signals import after_task_publish, task_postrun, task_prerun

from portal.celery import app  # noqa: F401  (what ``celery -A _faults_probe`` runs)

TASK = "notices.tasks.run_job"


def write(**row):
    path = os.environ.get("FAULTS_PROBE_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({**row, "at": time.time(), "pid": os.getpid()}) + "\n")


def _job(args):
    return int(args[0]) if args else None


@after_task_publish.connect
def _sent(sender=None, headers=None, body=None, **kwargs):
    if sender == TASK:
        write(event="send", task=headers["id"], job=_job(body[0]))


@task_prerun.connect
def _started(task_id=None, task=None, args=None, **kwargs):
    if task.name == TASK:
        write(event="run", task=task_id, job=_job(args))


@task_postrun.connect
def _ended(task_id=None, task=None, args=None, retval=None, state=None, **kwargs):
    if task.name == TASK:
        write(event="end", task=task_id, job=_job(args), result=str(retval), state=state)
