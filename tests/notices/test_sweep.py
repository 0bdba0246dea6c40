"""The beat sweep re-sends a pending job only when its message is lost, never while the broker still holds it
(waiting in the queue, or taken by a live worker), and puts a dead worker's message back with its own id.

Against the real Redis (a queue of its own on a database of its own, SWEEP_TEST_REDIS_URL, db 15 by default,
no worker: the sweep reads the broker's unacknowledged messages of the whole database, so the tests of
tests/notices/test_documents.py, which may run at the same time in another test process, must not be there): the queue is read as
the workers read it, so a copy sent while the first still waits shows as a second message."""

import json
import os
import uuid
from datetime import timedelta

import pytest
import redis
from django.utils import timezone
from kombu import pools

from notices import broker as broker_state
from notices import outbox
from notices.models import Job
from portal.celery import app as celery_app

REDIS = os.environ.get("SWEEP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reset():
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def queue():
    client = redis.Redis.from_url(REDIS)
    client.ping()
    name = f"sweep-{uuid.uuid4().hex[:8]}"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    old = {k: celery_app.conf[k] for k in keys}
    celery_app.conf.update(broker_url=REDIS, task_always_eager=False, task_default_queue=name)
    _reset()
    yield name
    with celery_app.connection_for_write() as connection:  # ours only: the tags of this queue's messages
        channel = connection.default_channel
        for tag, raw in channel.client.hgetall(channel.unacked_key).items():
            if json.loads(raw)[2] == name:
                channel.client.hdel(channel.unacked_key, tag)
                channel.client.zrem(channel.unacked_index_key, tag)
    client.delete(name)
    celery_app.conf.update(old)
    _reset()


def _waiting(queue):
    return [json.loads(raw)["headers"]["id"] for raw in redis.Redis.from_url(REDIS).lrange(queue, 0, -1)]


def _sent_job():
    """A pending job handed to the broker two minutes ago (its message is still in the queue)."""
    job = Job.objects.create(kind=Job.Kind.CERTIFICATE, key=f"sweep:{uuid.uuid4().hex}")
    assert outbox.enqueue(job.pk)
    old = timezone.now() - timedelta(minutes=2)
    Job.objects.filter(pk=job.pk).update(created_at=old, enqueued_at=old)
    job.refresh_from_db()
    return job


def _take_and_die(queue):
    """A worker takes the first message (acks_late: it stays unacknowledged) and is killed: nothing restores it."""
    with celery_app.connection_for_read() as connection:
        channel = connection.default_channel
        message = channel.basic_get(queue, no_ack=False)
        channel.qos._delivered.clear()  # a killed process restores nothing at its shutdown
        channel.qos._dirty.clear()
    return message.headers["id"]


@pytest.mark.django_db
def test_a_job_still_waiting_in_the_queue_is_not_sent_again(queue):
    job = _sent_job()
    assert outbox.sweep(older_than_seconds=60) == 0
    assert outbox.sweep(older_than_seconds=0) == 0
    assert _waiting(queue) == [job.task_id], "one message per job, the first one"


@pytest.mark.django_db
def test_a_job_whose_message_was_lost_is_sent_again(queue):
    job = _sent_job()
    redis.Redis.from_url(REDIS).delete(queue)  # Redis restarted without its data
    assert outbox.sweep(older_than_seconds=60) == 1
    job.refresh_from_db()
    assert _waiting(queue) == [job.task_id] and job.task_id
    assert outbox.sweep(older_than_seconds=0) == 0, "and not once more while the new message waits"
    assert len(_waiting(queue)) == 1


@pytest.mark.django_db
def test_the_message_of_a_dead_worker_is_put_back_with_its_own_id(queue):
    job = _sent_job()
    assert _take_and_die(queue) == job.task_id
    assert _waiting(queue) == [] and job.task_id in broker_state.held(celery_app).unacked
    assert outbox.sweep(older_than_seconds=0) == 1
    assert _waiting(queue) == [job.task_id], "the same message again, not a copy"
    assert job.task_id not in broker_state.held(celery_app).unacked


@pytest.mark.django_db
def test_a_message_a_live_worker_holds_is_left_to_it(queue, monkeypatch):
    job = _sent_job()
    _take_and_die(queue)
    monkeypatch.setattr(broker_state, "live_task_ids", lambda app: {job.task_id})
    assert outbox.sweep(older_than_seconds=0) == 0
    assert _waiting(queue) == [] and job.task_id in broker_state.held(celery_app).unacked
