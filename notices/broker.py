"""What the broker still holds of the outbox's messages, so that the sweep re-sends only what is lost.

With the Redis transport (kombu's layout) a task message is either waiting in its queue's list (one per
priority step) or, once a worker has taken it, in the ``unacked`` hash until the worker acknowledges it
(``acks_late``: after the task).  A message of a worker that died stays there until kombu's visibility
timeout puts it back (ten minutes by default).  :func:`held` reads both; :func:`live_task_ids` asks the
live workers which messages they hold; :func:`restore` puts an orphaned message back at the head of its
queue, with its own task id, so it is delivered once more and never twice.

Anything else than Redis (or a broker that does not answer): ``held`` returns ``None`` and the sweep
falls back to the age of a job's last send.
"""

import json
import logging
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class Held:
    """Task ids waiting in the queue, and those taken by a worker and not acknowledged (id → (tag, since))."""

    waiting: set = field(default_factory=set)
    unacked: dict = field(default_factory=dict)

    def __contains__(self, task_id):
        return task_id in self.waiting or task_id in self.unacked


def _task_id(message):
    if isinstance(message, (bytes, str)):
        message = json.loads(message)
    return (message.get("headers") or {}).get("id") or (message.get("properties") or {}).get("correlation_id")


def _channel(connection):
    connection.ensure_connection(max_retries=1)
    if connection.transport.driver_type != "redis":
        return None
    return connection.default_channel


def held(app, queue=None):
    """What the broker holds of ``queue`` (the default queue) and of every worker's unacknowledged
    messages, or ``None`` when the transport cannot tell (not Redis, or unreachable)."""
    queue = queue or app.conf.task_default_queue
    try:
        with app.connection_for_read() as connection:
            channel = _channel(connection)
            if channel is None:
                return None
            client, result = channel.client, Held()
            names = {channel._q_for_pri(queue, step) for step in channel.priority_steps}
            for name in names:
                result.waiting.update(_task_id(raw) for raw in client.lrange(name, 0, -1))
            since = dict(client.zrange(channel.unacked_index_key, 0, -1, withscores=True))
            for tag, raw in client.hgetall(channel.unacked_key).items():
                message, _exchange, _routing_key = json.loads(raw)
                result.unacked[_task_id(message)] = (tag, since.get(tag, time.time()))
            return result
    except Exception as error:  # an unreachable broker: the caller cannot tell what is lost
        log.warning("outbox: cannot read the broker (%s)", error)
        return None


def live_task_ids(app, timeout=1.0):
    """The ids of the tasks the live workers are running or have reserved (they answer within ``timeout``)."""
    inspect = app.control.inspect(timeout=timeout)
    ids = set()
    for replies in (inspect.active() or {}, inspect.reserved() or {}):
        for tasks in replies.values():
            ids.update(task["id"] for task in tasks)
    return ids


def restore(app, tag):
    """Put the unacknowledged message ``tag`` back at the head of its queue (kombu's own restore, in one
    Redis transaction: a message already acknowledged or restored is left alone)."""
    with app.connection_for_write() as connection:
        channel = _channel(connection)
        channel.qos.restore_by_tag(tag, leftmost=True)
