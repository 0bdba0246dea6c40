"""The portal under faults: PostgreSQL restarted, Redis stopped and restarted, the Celery worker killed
(SIGKILL) in the middle of a batch of certificates — during a light load, with beat running.

    bench/faults                                  # 2,000 applications, a batch of 200 certificates, 4 clients
    bench/faults --scale 2000 --batch 100 --clients 2 --time-limit 600

Everything runs on the bench's own throwaway services (bench/_faults_services.py): a PostgreSQL cluster
made by ``initdb`` and a Redis server without persistence, on free ports of 127.0.0.1; the machine's
PostgreSQL and Redis are never touched.  The data set is bench/load's (its generator, at a small scale),
with applications of 江苏 made ready for filing; gunicorn (2 workers), a Celery worker (prefork, 2
processes) and beat (the real schedule, the sweeps every ``--sweep`` seconds) serve it; bench/load's
clients visit the busy pages for the whole run, each error kept with its time.  Then, in turn:

1. ``postgres``: the cluster is restarted (fast shutdown, start);
2. ``redis``: 20 applications filed, Redis stopped (its queue lost), 20 filed while it is down, Redis
   started again ~10 s later; the jobs must all be delivered (the outbox's sweep);
3. ``worker``: a batch of ``--batch`` applications filed in one act (review.services.file_applications:
   a certificate each and the filing announcement); the worker's process group is killed with SIGKILL once
   half the certificates are done, and a new worker started.

It waits (bounded) until no job is pending and the broker holds no message, then prints per phase the errors
during the fault and after recovery, the documents expected/produced, lost and duplicated (a second
document, certificate edition or file for one job, kind and subject; a certificate number given twice),
and how often jobs were sent to the broker (bench/_faults_probe.py records each send and run): a job
re-sent while its earlier message was still queued (that message later ran or is still held) counts
against the portal, one re-sent after its message was lost does not.  Last line: ``errors after recovery N,
lost N, duplicated N, re-sent while queued N``.  A hard time limit (``--time-limit``) stops it; every
process and the temporary folder are removed at the end, also on Ctrl-C or an error.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
sys.path.insert(0, str(BENCH))

import _faults_report as report  # noqa: E402
from _faults_services import Postgres, Redis, free_port  # noqa: E402

QUEUE = "faults"
PAGES = ["alive", "list", "detail", "workspace", "directory"]
REQUEST_TIMEOUT = 10


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=2000, help="applications in the data set (default 2,000)")
    parser.add_argument("--batch", type=int, default=200, help="certificates filed in one act (default 200)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients of the light load (default 4)")
    parser.add_argument("--sweep", type=float, default=10, help="seconds between the beat's sweeps (default 10)")
    parser.add_argument("--time-limit", type=int, default=900, help="hard bound on the whole run, s (default 900)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, probe, data)")
    parser.add_argument("--act", nargs="+", help=argparse.SUPPRESS)  # internal: a Django act on the bench's database
    return parser.parse_args(argv)


# --- acts in a child process (Django set up on the bench's database) ------------------------------------

def act(command, *params):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import _faults_probe  # noqa: F401  (records the sends of this process)

    from applications.models import Application, Programme
    from applications.states import State
    from portal.models import User

    if command == "approve":  # applications of 江苏 (no publicity, no agreement) made ready for filing
        programme = Programme.objects.get(code="jiangsu-2026")
        ids = list(Application.objects.filter(programme=programme).exclude(state=State.FILED)
                   .order_by("pk").values_list("pk", flat=True)[:int(params[0])])
        Application.objects.filter(pk__in=ids).update(state=State.APPROVED, certificate_number=None, filed_on=None)
        print(json.dumps(ids))
    elif command == "file":  # one act of programme staff, as the filing page does it
        from review.services import file_applications

        ids = [int(pk) for pk in params[1].split(",")]
        done = file_applications(ids, User.objects.get(username=params[0]))
        print(json.dumps([app.pk for app in done]))


class Bench:
    def __init__(self, args, folder):
        self.args, self.folder = args, folder
        self.pg, self.redis = Postgres(folder), Redis(folder)
        self.processes, self.worker, self.errors, self.requests = [], None, [], 0
        self.phases, self.probe = [], os.path.join(folder, "probe.jsonl")

    def env(self):
        return {**os.environ, "PORTAL_ENV": "development", "DEBUG": "false",
                "DATABASE_URL": f"{self.pg.url}/portal_load_{self.args.scale}", "BENCH_POSTGRES": self.pg.url,
                "DB_CONN_MAX_AGE": "60", "CELERY_BROKER_URL": self.redis.url, "CELERY_RESULT_BACKEND": "",
                "CELERY_QUEUE": QUEUE, "AXES_ENABLED": "false", "LOG_LEVEL": "WARNING",
                "OUTBOX_SWEEP_SECONDS": str(self.args.sweep), "VAR_DIR": os.path.join(self.folder, "var"),
                "PRIVATE_MEDIA_ROOT": os.path.join(self.folder, "media"), "FAULTS_PROBE_LOG": self.probe,
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "PYTHONPATH": f"{ROOT}{os.pathsep}{BENCH}"}

    def run_act(self, *params, timeout=300):
        done = subprocess.run([PYTHON, __file__, "--act", *params], cwd=ROOT, env=self.env(), capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"act {params[0]} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def spawn(self, name, command):
        log = open(os.path.join(self.folder, f"{name}.log"), "a")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes.append((process, log))
        return process

    def start_worker(self):
        self.worker = self.spawn("worker", [PYTHON, "-m", "celery", "-A", "_faults_probe", "worker", "--pool=prefork",
                                            "--concurrency=2", "-Q", QUEUE, "-l", "info", "--without-gossip",
                                            "--without-mingle"])

    def prepare(self):
        print(f"own PostgreSQL on 127.0.0.1:{self.pg.port}, own Redis on 127.0.0.1:{self.redis.port}", flush=True)
        self.pg.start()
        self.redis.start()
        started = time.monotonic()
        prepared = subprocess.run([PYTHON, str(BENCH / "load.py"), "--prepare", str(self.args.scale)], cwd=ROOT,
                                  env=self.env(), capture_output=True, text=True, timeout=900)
        if prepared.returncode:
            raise RuntimeError(f"preparing the data set failed:\n{prepared.stderr[-3000:]}")
        self.data = json.loads(prepared.stdout.strip().splitlines()[-1])
        self.ready = self.run_act("approve", str(self.args.batch + 40))
        if len(self.ready) < self.args.batch + 40:
            raise RuntimeError(f"only {len(self.ready)} applications to file: raise --scale")
        print(f"  {self.data['counts']['applications']:,} applications, {len(self.ready)} ready for filing, in "
              f"{time.monotonic() - started:.0f} s", flush=True)
        self.port = free_port()
        self.spawn("gunicorn", [str(ROOT / ".venv" / "bin" / "gunicorn"), "portal.wsgi:application", "--workers", "2",
                                "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--log-level", "warning"])
        self.start_worker()
        self.spawn("beat", [PYTHON, "-m", "celery", "-A", "portal", "beat", "-l", "warning",
                            "--schedule", os.path.join(self.folder, "beat-schedule")])

    def stop(self):
        for process, _log in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, log in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
        self.redis.stop()
        self.pg.stop()

    # --- the light load -------------------------------------------------------------------------------

    async def load(self, stop):
        import aiohttp
        from load import Visits, sign_in, wait_until_up

        base = f"http://127.0.0.1:{self.port}"
        await wait_until_up(base)
        cookies = {None: {}}
        for role in ("staff", "applicant"):
            cookies[role] = await sign_in(base, self.data["users"][role], self.data["password"])
        visits, timeout = Visits(self.data, 10), aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
        sessions = {role: aiohttp.ClientSession(cookies=jar, timeout=timeout) for role, jar in cookies.items()}

        async def client():
            while not stop.is_set():
                role, path, params = visits.url(random.choice(PAGES))
                started = time.time()
                try:
                    async with sessions[role].get(f"{base}{path}", params=params, allow_redirects=False) as answer:
                        await answer.read()
                        ok = answer.status < 400
                except (TimeoutError, aiohttp.ClientError):
                    ok = False
                self.requests += 1
                if not ok:
                    self.errors.append(started)
                await asyncio.sleep(0.05)

        try:
            await asyncio.gather(*(client() for _ in range(self.args.clients)))
        finally:
            for session in sessions.values():
                await session.close()

    # --- the faults ------------------------------------------------------------------------------------

    def phase(self, name, started, back):
        self.phases.append({"name": name, "fault": started, "back": back})
        print(f"  {name}: fault at +{started - self.t0:.0f} s, back at +{back - self.t0:.0f} s", flush=True)

    def file(self, ids):
        return self.run_act("file", self.data["users"]["staff"], ",".join(map(str, ids)))

    async def faults(self):
        ready, batch = self.ready, self.args.batch
        await asyncio.sleep(8)
        started = time.time()
        await asyncio.to_thread(self.pg.restart)
        self.phase("postgres", started, time.time())
        await asyncio.sleep(15)

        await asyncio.to_thread(self.file, ready[:20])
        started = time.time()
        await asyncio.to_thread(self.redis.stop)
        await asyncio.to_thread(self.file, ready[20:40])
        await asyncio.sleep(max(0.0, 10 - (time.time() - started)))
        await asyncio.to_thread(self.redis.start)
        self.phase("redis", started, time.time())
        await self.wait(lambda: report.pending(self.pg.url, self.args.scale) == 0, 150, "the jobs of the outage")

        filing = asyncio.create_task(asyncio.to_thread(self.file, ready[40:40 + batch]))
        await self.wait(lambda: report.certificates_done(self.pg.url, self.args.scale, ready[40:40 + batch])
                        >= batch // 2, 600, "half the batch")
        started = time.time()
        os.killpg(self.worker.pid, signal.SIGKILL)
        done = report.certificates_done(self.pg.url, self.args.scale, ready[40:40 + batch])
        print(f"  worker killed (SIGKILL, its process group) with {done} of {batch} certificates done", flush=True)
        await asyncio.sleep(1)
        self.start_worker()
        self.phase("worker", started, time.time())
        await filing
        await self.wait(lambda: report.quiet(self.pg.url, self.args.scale, self.redis.url, QUEUE), 420, "quiescence")
        await asyncio.sleep(5)  # pages after the last recovery

    async def wait(self, predicate, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if await asyncio.to_thread(predicate):
                return
            await asyncio.sleep(1)
        print(f"  (gave up waiting for {what} after {seconds} s)", flush=True)

    async def run(self):
        stop = asyncio.Event()
        self.t0 = time.time()
        load = asyncio.create_task(self.load(stop))
        try:
            await self.faults()
        finally:
            stop.set()
            await load


def main(argv=None):
    args = parse_args(argv)
    if args.act:
        act(*args.act)
        return

    def out_of_time(_signum, _frame):
        raise TimeoutError(f"the time limit of {args.time_limit} s was reached")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.alarm(args.time_limit)
    folder = tempfile.mkdtemp(prefix="portal-faults-")
    os.chmod(folder, 0o755)
    bench = Bench(args, folder)
    try:
        bench.prepare()
        asyncio.run(bench.run())
        signal.alarm(0)
        figures = report.collect(bench)
    finally:
        signal.alarm(0)
        bench.stop()
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    for line in report.lines(figures):
        print(line)


if __name__ == "__main__":
    main()
