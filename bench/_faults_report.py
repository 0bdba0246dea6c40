"""bench/faults' figures: read from its own database, its Redis and the probe's log (no Django needed).

* errors per phase: requests that failed, by the time they started, between the fault and the service's
  return (``during``) and after it until the next fault or the end (``after``: the target is 0);
* documents: every document job (not e-mails) must have exactly one document; ``lost`` = jobs without one
  (or failed); ``duplicated`` = documents beyond the jobs of a kind and subject, certificate editions beyond
  one for an application filed once, certificate numbers given twice, and PDF files no document names;
* sends: from the probe, each time a job's message reached the broker.  A send after the first is
  ``re-sent while queued`` when an earlier message of the job was still there (it ran later, or the broker
  still holds it at the end), else ``re-sent after loss`` (the earlier message was lost with Redis, or
  consumed by a run that failed).
"""

import json
import os
from collections import defaultdict

import psycopg
import redis


def _db(server, scale):
    return psycopg.connect(f"{server}/portal_load_{scale}", autocommit=True)


def _one(server, scale, sql, params=()):
    try:
        with _db(server, scale) as conn:
            return conn.execute(sql, params).fetchone()[0]
    except psycopg.OperationalError:
        return None


def pending(server, scale):
    return _one(server, scale, "SELECT count(*) FROM review_job WHERE status = 'pending'")


def certificates_done(server, scale, application_ids):
    return _one(server, scale, """SELECT count(*) FROM review_job j JOIN django_content_type t ON t.id = j.subject_type_id
        WHERE j.kind = 'certificate' AND j.status = 'done' AND t.app_label = 'applications' AND t.model = 'application'
        AND j.subject_id = ANY(%s)""", (list(application_ids),)) or 0


def held(redis_url, queue):
    """Task ids the broker holds: waiting in the queue, or delivered and not acknowledged."""
    client = redis.Redis.from_url(redis_url)
    ids = {json.loads(raw)["headers"]["id"] for raw in client.lrange(queue, 0, -1)}
    ids |= {json.loads(raw)[0]["headers"]["id"] for raw in client.hvals("unacked")}
    return ids


def quiet(server, scale, redis_url, queue):
    try:
        return pending(server, scale) == 0 and not held(redis_url, queue)
    except redis.RedisError:
        return False


def _documents(server, scale, media):
    with _db(server, scale) as conn:
        row = conn.execute("""SELECT
            (SELECT count(*) FROM review_job WHERE kind <> 'email'),
            (SELECT count(*) FROM review_document),
            (SELECT count(*) FROM review_job j WHERE (j.kind <> 'email' AND NOT EXISTS
                (SELECT 1 FROM review_document d WHERE d.job_id = j.id)) OR j.status <> 'done'),
            (SELECT coalesce(sum(greatest(d.n - j.n, 0)), 0) FROM
                (SELECT kind, subject_type_id, subject_id, count(*) n FROM review_document GROUP BY 1, 2, 3) d
                JOIN (SELECT kind, subject_type_id, subject_id, count(*) n FROM review_job GROUP BY 1, 2, 3) j
                USING (kind, subject_type_id, subject_id)),
            (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM applications_certificate
                GROUP BY application_id) e),
            (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM applications_application
                WHERE certificate_number IS NOT NULL GROUP BY certificate_number) x)""").fetchone()
        names = {name for (name,) in conn.execute("SELECT file FROM review_document")}
    files = {os.path.relpath(os.path.join(path, name), media)
             for path, _dirs, found in os.walk(os.path.join(media, "documents")) for name in found
             if name.endswith(".pdf")}
    expected, produced, lost, extra_documents, editions, numbers = row
    return {"expected": expected, "produced": produced, "lost": lost, "extra documents": int(extra_documents),
            "extra editions": int(editions), "numbers twice": int(numbers), "stray files": len(files - names)}


def _sends(probe, still_held):
    events = []
    if os.path.exists(probe):
        with open(probe, encoding="utf-8") as handle:
            events = [json.loads(line) for line in handle if line.strip()]
    sends, runs = defaultdict(list), defaultdict(list)
    for event in events:
        if event["event"] == "send":
            sends[event["job"]].append((event["at"], event["task"]))
        elif event["event"] == "run":
            runs[event["task"]].append(event["at"])
    queued = lost = 0
    for messages in sends.values():
        messages.sort()
        for index, (at, _task) in enumerate(messages[1:], start=1):
            earlier = [task for _at, task in messages[:index]]
            if any(task in still_held or any(run > at for run in runs[task]) for task in earlier):
                queued += 1
            else:
                lost += 1
    skipped = sum(1 for event in events if event["event"] == "end" and event.get("result") == "skipped")
    return {"jobs sent": len(sends), "sends": sum(map(len, sends.values())), "re-sent while queued": queued,
            "re-sent after loss": lost, "runs of a job already done": skipped}


def collect(bench):
    scale = bench.args.scale
    ends = [phase["fault"] for phase in bench.phases[1:]] + [float("inf")]
    phases = []
    for phase, end in zip(bench.phases, ends, strict=True):
        during = sum(1 for at in bench.errors if phase["fault"] <= at < phase["back"])
        after = sum(1 for at in bench.errors if phase["back"] <= at < end)
        phases.append({**phase, "during": during, "after": after})
    try:
        still = held(bench.redis.url, "faults")
    except redis.RedisError:
        still = set()
    return {"requests": bench.requests, "errors": len(bench.errors), "phases": phases,
            "before": sum(1 for at in bench.errors if bench.phases and at < bench.phases[0]["fault"]),
            "documents": _documents(bench.pg.url, scale, os.path.join(bench.folder, "media")),
            "sends": _sends(bench.probe, still), "still held": len(still)}


def lines(figures):
    out = [f"requests {figures['requests']:,}, errors {figures['errors']} (before the first fault "
           f"{figures['before']})"]
    for phase in figures["phases"]:
        out.append(f"phase {phase['name']:<8} errors during the fault {phase['during']}, after recovery "
                   f"{phase['after']} (down {phase['back'] - phase['fault']:.1f} s)")
    docs, sends = figures["documents"], figures["sends"]
    duplicated = docs["extra documents"] + docs["extra editions"] + docs["numbers twice"] + docs["stray files"]
    out.append(f"documents expected {docs['expected']}, produced {docs['produced']}, lost {docs['lost']}, "
               f"duplicated {duplicated} (documents {docs['extra documents']}, certificate editions "
               f"{docs['extra editions']}, numbers {docs['numbers twice']}, files {docs['stray files']})")
    out.append(f"jobs sent {sends['jobs sent']}, sends {sends['sends']}: re-sent after loss {sends['re-sent after loss']}, "
               f"re-sent while queued {sends['re-sent while queued']}; runs of a job already done "
               f"{sends['runs of a job already done']}; messages still held {figures['still held']}")
    after = sum(phase["after"] for phase in figures["phases"])
    out.append(f"errors after recovery {after}, lost {docs['lost']}, duplicated {duplicated}, "
               f"re-sent while queued {sends['re-sent while queued']}")
    return out
