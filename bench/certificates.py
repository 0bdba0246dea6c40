"""Render N certificates through Celery with 1 and with 2 worker processes (real Redis, real
PostgreSQL) and print certificates per second for each and the scaling ratio (target ≥ 1.7 on
2 cores).

    .venv/bin/python bench/certificates.py [--count 1000]

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/portal_bench)
and its own Redis queue; the machine should be otherwise idle while it runs.
"""

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
QUEUE = f"bench-{uuid.uuid4().hex[:6]}"
MEDIA = Path(os.environ.get("BENCH_MEDIA_ROOT", "/tmp/portal-bench-media"))

os.environ.update({"DATABASE_URL": DB_URL, "CELERY_BROKER_URL": BROKER, "CELERY_QUEUE": QUEUE,
                   "PRIVATE_MEDIA_ROOT": str(MEDIA), "OUTBOX_DISPATCH": "false"})


def ensure_database():
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'create database "{name}"')


ensure_database()
import _setup  # noqa: E402,F401
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from applications.models import Application, Member, Programme  # noqa: E402
from notices.models import Document, Job  # noqa: E402
from notices.tasks import run_job  # noqa: E402
from portal.celery import app as celery_app  # noqa: E402
from portal.models import Unit, User  # noqa: E402


def prepare(count):
    call_command("migrate", verbosity=0)
    call_command("load_programmes", "--demo-window", verbosity=0)
    programme = Programme.objects.get(code="suzhou-2026")
    existing = Job.objects.filter(kind=Job.Kind.CERTIFICATE, key__startswith="bench:").count()
    if existing < count:
        from tests.factories import make_credit_code

        unit = Unit.objects.filter(name="基准测试牵头单位").first() or Unit.objects.create(
            name="基准测试牵头单位", credit_code=make_credit_code("320506"), unit_type="enterprise",
            legal_representative="张三", address="苏州", division=programme.authority.region,
            contact_name="李四", contact_phone="0512-1", contact_email="b@example.cn")
        user = User.objects.filter(username="bench").first() or User.objects.create_user(
            "bench", role="applicant", unit=unit)
        for i in range(existing, count):
            app = Application.objects.create(programme=programme, unit=unit, created_by=user,
                                             name=f"苏州市第{i + 1}号智能装备创新联合体", field="装备制造")
            Member.objects.bulk_create([Member(application=app, name=f"苏州第{j + 1}精密装备科技有限公司",
                                               unit_type="enterprise", region="江苏省苏州市", order=j)
                                        for j in range(20)])
            Application.objects.filter(pk=app.pk).update(state="filed", certificate_number=f"BENCH2026{i + 1:05d}",
                                                         filed_on=timezone.localdate())
            Job.objects.create(kind=Job.Kind.CERTIFICATE, key=f"bench:{app.pk}", subject=app)
    jobs = list(Job.objects.filter(kind=Job.Kind.CERTIFICATE, key__startswith="bench:").order_by("pk")[:count])
    return jobs, Document, Job


def run(workers, jobs, Document, Job):
    ids = [j.pk for j in jobs]
    Document.objects.filter(job_id__in=ids).delete()
    Job.objects.filter(pk__in=ids).update(status="pending", attempts=0, done_at=None)
    celery_app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=QUEUE)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=prefork",
                             f"--concurrency={workers}", "-Q", QUEUE, "-l", "warning", "--prefetch-multiplier=1",
                             "--without-gossip", "--without-mingle", "--without-heartbeat"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Warm up every process (imports, fonts) before timing.
        warm = ids[:workers * 2]
        for pk in warm:
            run_job.apply_async(args=[pk])
        while Job.objects.filter(pk__in=warm, status="done").count() < len(warm):
            time.sleep(0.2)
        rest = ids[len(warm):]
        started = time.perf_counter()
        for pk in rest:
            run_job.apply_async(args=[pk])
        while Job.objects.filter(pk__in=rest, status="done").count() < len(rest):
            time.sleep(0.25)
        elapsed = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(30)
    assert Document.objects.filter(job_id__in=ids).count() == len(ids)
    return len(rest) / elapsed, elapsed, len(rest)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    jobs, Document, Job = prepare(args.count)
    results = {}
    for workers in (1, 2):
        rate, elapsed, n = run(workers, jobs, Document, Job)
        results[workers] = rate
        print(f"{workers} worker process(es): {n} certificates in {elapsed:.1f} s = {rate:.2f} certificates/s")
    print(f"scaling ratio {results[2] / results[1]:.2f}")


if __name__ == "__main__":
    main()
