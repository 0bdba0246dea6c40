"""Load test of the busy pages at a province's scale (issue 10): every page near the cost of a bare page.

    .venv/bin/python bench/load.py                      # 10,000 applications, 50 clients, 20 s per page
    .venv/bin/python bench/load.py --scale 100000
    .venv/bin/python bench/load.py --growth             # both, and the staff list's growth between them
    .venv/bin/python bench/load.py --duration 5 --concurrency 10 --pages alive,list,detail

For each scale it writes the data set by bulk inserts (tests/volume.py: the applications over the five
seed programmes, 7.5 member units and about 2.8 timeline entries each) into a throwaway PostgreSQL
database (``portal_load_<scale>``, dropped at the end unless ``--keep``), starts gunicorn (2 sync
workers, DEBUG off, persistent database connections) and a Celery worker for the background exports,
signs in as programme staff, an administrator and an applicant, then drives ``--concurrency`` clients
for ``--duration`` seconds on each page in turn (each page but the trivial one in two turns, each followed by
a turn of the trivial page as long, so that its ratio compares measurements of the same minutes):

* ``alive``: the trivial signed-in page (portal:alive), the yardstick;
* ``list`` / ``list-admin``: the staff list as programme staff / as the administrator, on random pages
  among the first ``--max-page`` with random filters, orders and searches (人工智能, lead-unit names,
  credit-code fragments);
* ``detail``: random applications of the staff's scope; ``workspace``: the applicant's workspace;
* ``directory`` (random pages and searches) and ``publicity``: the public pages;
* ``export``: the staff list's Excel export with random filters, posted as its button does (queued in the
  background when large).

It prints requests/s, p50/p95/p99 (ms) and errors per page, then ``min ratio X`` (the lowest share of
the trivial page's requests/s measured beside it; target ≥ 0.25), ``growth X`` (the staff list's p50 at 100,000 over its p50
at 10,000, with ``--growth``: both data sets served at once and their lists measured in alternate turns, so
that a slow moment of the shared machine falls on both) and last ``min ratio X, growth Y, errors N``.  Traffic
goes to 127.0.0.1 only; every run is bounded (the pages' durations, a time-out on each request, servers stopped at the
end).  Nothing is cached across users: each client sends its own session cookie.
"""

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")
PAGES = ["alive", "list", "list-admin", "detail", "workspace", "directory", "publicity", "export"]
SEARCHES = ["人工智能", "生物医药", "集成电路", "智能制造创新", "海洋装备", "南京", "苏州量子"]
ORDERS = ["", "", "waiting", "-waiting", "submitted", "-submitted", "name", "-name"]
REQUEST_TIMEOUT = 60


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10_000, help="applications in the data set (default 10,000)")
    parser.add_argument("--growth", action="store_true", help="run at 10,000 and at 100,000 and compare")
    parser.add_argument("--duration", type=float, default=20, help="seconds per page (default 20)")
    parser.add_argument("--concurrency", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--max-page", type=int, default=20, help="random list pages among the first N")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated, among {','.join(PAGES)}")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database(s)")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)  # internal: write a data set, print JSON
    args = parser.parse_args(argv)
    args.pages = [page for page in args.pages.split(",") if page]
    unknown = set(args.pages) - set(PAGES)
    if unknown or "alive" not in args.pages:
        parser.error(f"unknown pages {sorted(unknown)}" if unknown else "the pages must include alive")
    return args


def database_url(scale):
    return f"{SERVER}/portal_load_{scale}"


def server_env(scale, queue):
    """The environment of everything that touches the throwaway database: the development profile with
    DEBUG off (as served), persistent connections, the bench's own Redis database and queue."""
    return {**os.environ, "PORTAL_ENV": "development", "DEBUG": "false", "DATABASE_URL": database_url(scale),
            "DB_CONN_MAX_AGE": "60", "CELERY_BROKER_URL": BROKER, "CELERY_RESULT_BACKEND": "",
            "CELERY_QUEUE": queue, "AXES_ENABLED": "false", "LOG_LEVEL": "ERROR",
            "PRIVATE_MEDIA_ROOT": f"/tmp/portal-load-{scale}-media", "PYTHONPATH": str(ROOT)}


# --- the data set (a child process: Django set up on the throwaway database) --------------------------

def prepare(scale):
    """Create the database, migrate, load the programmes, write the data set and the users; print JSON."""
    import psycopg

    name = database_url(scale).rsplit("/", 1)[1]
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tests.volume import generate

    call_command("migrate", verbosity=0)
    call_command("load_programmes", "--demo-window", verbosity=0)
    started = time.monotonic()
    counts = generate(scale)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    counts["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps({"counts": counts, **_users_and_samples()}, ensure_ascii=False))


def _users_and_samples():
    from django.db.models import Count

    from applications.models import Application, Programme
    from applications.states import State
    from portal.models import District, Role, Unit, User
    from portal.twofactor import enrol

    programme = Programme.objects.get(code="jiangsu-2026")
    password = uuid.uuid4().hex
    unit = Unit.objects.annotate(n=Count("applications")).order_by("-n", "pk").first()
    users = {
        "staff": User.objects.create_user("load_staff", password=password, role=Role.STAFF,
                                          authority=programme.authority, full_name="压测员"),
        "admin": User.objects.create_user("load_admin", password=password, role=Role.ADMIN, full_name="压测管理员"),
        "applicant": User.objects.create_user("load_applicant", password=password, role=Role.APPLICANT, unit=unit,
                                              full_name="压测申报人", is_unit_admin=True),
    }
    # Staff and administrators sign in with a second factor: a confirmed TOTP device whose key the clients
    # use to compute the code, as an authenticator app does.
    devices = {role: enrol(users[role]) for role in ("staff", "admin")}
    scope = Application.objects.filter(programme__authority=programme.authority).exclude(state=State.DRAFT)
    units = list(Unit.objects.filter(applications__programme=programme).values_list("name", "credit_code")[:200])
    return {
        "password": password, "users": {role: user.username for role, user in users.items()},
        "totp": {role: {"key": device.key, "step": device.step, "t0": device.t0, "digits": device.digits}
                 for role, device in devices.items()},
        "programme": programme.pk, "programme_code": programme.code,
        "applications": list(scope.order_by("?").values_list("pk", flat=True)[:1000]),
        "districts": list(District.objects.filter(authority=programme.authority).values_list("pk", flat=True)),
        "fields": programme.field_names(),
        "unit_words": [name[2:6] for name, _code in units[:50]],
        "codes": [code[-8:].lower() for _name, code in units[:50]],
        "states": [s for s in State.values if s != State.DRAFT],
    }


# --- the servers ---------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_servers(args, scale, port, queue):
    env = server_env(scale, queue)
    log = open(f"/tmp/portal-load-{scale}.log", "w")  # noqa: SIM115 (closed with the processes)
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "portal.wsgi:application", "--workers", str(args.workers),
         "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--timeout", "120",
         "--log-level", "warning"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    # The worker runs at a lower priority, as background work should: on one small machine it shares the CPUs
    # with gunicorn (in production it has its own container).
    worker = subprocess.Popen(
        ["nice", "-n", str(WORKER_NICE), PYTHON, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-Q", queue,
         "-l", "warning", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    background_priority(worker.pid)
    return [gunicorn, worker], log


#: The background worker's niceness.
WORKER_NICE = 10


def background_priority(pid, proc=Path("/proc")):
    """Give the session of process ``pid`` the worker's niceness as a whole.  Where the kernel groups processes
    by session when it shares the CPUs (Linux's autogroup, on by default), a process's own niceness counts only
    against the processes of its session: the worker, in a session of its own, had as large a share as gunicorn's
    two workers together.  Returns whether the group's niceness was set (False without autogroup)."""
    try:
        (proc / str(pid) / "autogroup").write_text(str(WORKER_NICE))
    except OSError:
        return False
    return True


def stop_servers(processes, log):
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    log.close()


def purge_queue(queue):
    """Remove the bench's queue from Redis (exports asked for at the end, never run, and kombu's bindings)."""
    import redis

    client = redis.Redis.from_url(BROKER)
    keys = [key for key in client.scan_iter(match=f"*{queue}*")]
    if keys:
        client.delete(*keys)


def drop_database(scale):
    import psycopg

    name = database_url(scale).rsplit("/", 1)[1]
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the clients ---------------------------------------------------------------------------------------

class Visits:
    """Which URL each page's next request asks for (random pages, filters, searches and applications)."""

    def __init__(self, data, max_page):
        self.data = data
        self.max_page = max_page

    def _filters(self):
        data, params = self.data, {}
        for _ in range(random.choice([0, 1, 1, 2])):
            kind = random.choice(["q", "q", "code", "state", "programme", "district", "field", "dates"])
            if kind == "q":
                params["q"] = random.choice(SEARCHES + data["unit_words"])
            elif kind == "code":
                params["q"] = random.choice(data["codes"])
            elif kind == "state":
                params["state"] = random.choice(data["states"])
            elif kind == "programme":
                params["programme"] = data["programme"]
            elif kind == "district":
                params["district"] = random.choice(data["districts"])
            elif kind == "field" and data["fields"]:
                params["field"] = random.choice(data["fields"])
            elif kind == "dates":
                params["submitted_from"] = f"2026-{random.randint(1, 6):02d}-01"
        order = random.choice(ORDERS)
        if order:
            params["o"] = order
        return params

    def url(self, page):
        """(role, path, params) of one request to ``page``."""
        if page == "alive":
            return "staff", "/accounts/alive/", {}
        if page in ("list", "list-admin"):
            params = {**self._filters(), "page": random.randint(1, self.max_page)}
            return ("staff" if page == "list" else "admin"), "/staff/applications/", params
        if page == "detail":
            return "staff", f"/applications/{random.choice(self.data['applications'])}/", {}
        if page == "workspace":
            return "applicant", "/workspace/", {}
        if page == "directory":
            params = {"page": random.randint(1, self.max_page)}
            if random.random() < 0.3:
                params["q"] = random.choice(SEARCHES)
            return None, "/directory/", params
        if page == "publicity":
            return None, "/publicity/", {}
        if page == "export":
            return "staff", "/staff/applications/export.xlsx", random.choice(
                [{}, {"state": "decision"}, {"q": "人工智能"}, {"programme": self.data["programme"]}])
        raise ValueError(page)


def totp_code(device):
    """The code an authenticator app shows now for ``device`` (RFC 6238, as django-otp checks it)."""
    import hashlib
    import hmac
    import struct

    counter = int((time.time() - device["t0"]) // device["step"])
    digest = hmac.new(bytes.fromhex(device["key"]), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** device["digits"]).zfill(device["digits"])


async def sign_in(base, username, password, device=None):
    """The session cookies of ``username`` after the login form, as a browser posts it: the password, then
    (``device``: staff and administrators) the code of their authenticator app."""
    import aiohttp

    login = f"{base}/accounts/login/"
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar, headers={"Referer": login}) as session:

        async def post(page, step, fields):  # the form of ``page`` (a GET would start the login again)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            data = {"csrfmiddlewaretoken": token, "login_view-current_step": step, **fields}
            async with session.post(login, allow_redirects=False, data=data) as response:
                return response.status, await response.text()

        async with session.get(login) as response:
            html = await response.text()
        status, html = await post(html, "auth", {"auth-username": username, "auth-password": password})
        if device is not None:
            assert status == 200 and "token-otp_token" in html, f"login of {username}: no code step ({status})"
            status, html = await post(html, "token", {"token-otp_token": totp_code(device)})
        assert status == 302, f"login of {username} answered {status}"
        return {cookie.key: cookie.value for cookie in jar}


async def drive(base, page, visits, cookies, duration, concurrency):
    """Run ``concurrency`` clients on ``page`` for ``duration`` seconds: latencies (s) and the error count."""
    import aiohttp

    latencies, errors = [], []
    deadline = time.monotonic() + duration
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    sessions = {role: aiohttp.ClientSession(cookies=jar, timeout=timeout,
                                            connector=aiohttp.TCPConnector(limit=concurrency, force_close=True),
                                            headers={"Accept-Language": "zh-CN,zh;q=0.9"})
                for role, jar in cookies.items()}

    async def client():
        while time.monotonic() < deadline:
            role, path, params = visits.url(page)
            started = time.monotonic()
            method, headers = "GET", {}
            if page == "export":  # the list's export button: a POST with the CSRF token (the cookie's secret)
                method, headers = "POST", {"X-CSRFToken": cookies[role]["csrftoken"], "Referer": f"{base}/"}
            try:
                async with sessions[role].request(method, f"{base}{path}", params=params, headers=headers,
                                                  allow_redirects=False) as response:
                    await response.read()
                    ok = response.status < 400
            except (TimeoutError, aiohttp.ClientError):
                ok = False
            (latencies if ok else errors).append(time.monotonic() - started)

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.monotonic() - started
    for session in sessions.values():
        await session.close()
    return {"requests": len(latencies), "errors": len(errors), "rps": len(latencies) / elapsed, "seconds": elapsed,
            "latencies": latencies, **percentiles(latencies)}


def merged(rows):
    """One row of several turns of the same page: their requests over their time, their latencies together."""
    latencies = [latency for row in rows for latency in row["latencies"]]
    seconds = sum(row["seconds"] for row in rows)
    return {"requests": len(latencies), "errors": sum(row["errors"] for row in rows), "rps": len(latencies) / seconds,
            "seconds": seconds, "latencies": latencies, **percentiles(latencies)}


async def beside_alive(base, page, visits, cookies, duration, concurrency, turns=2):
    """``page`` for ``duration`` seconds in ``turns`` turns, each followed by a turn of the trivial page as long:
    the page's row, with ``alive_rps``, the trivial page's rate over the turns beside it.  Its ratio then compares
    two measurements of the same minutes (this kind of shared machine serves the trivial page at 300 to 650 req/s
    from one run to the next; measured once at the start, it made the ratios follow the machine)."""
    rows, alive = [], []
    for _ in range(turns):
        rows.append(await drive(base, page, visits, cookies, duration / turns, concurrency))
        alive.append(await drive(base, "alive", visits, cookies, duration / turns, concurrency))
    return {**merged(rows), "alive_rps": merged(alive)["rps"]}


def percentiles(latencies):
    if not latencies:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    ordered = sorted(latencies)

    def at(q):
        return ordered[min(int(q * len(ordered)), len(ordered) - 1)] * 1000

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99)}


async def wait_until_up(base, seconds=60):
    import aiohttp

    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(f"{base}/accounts/login/") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer at {base} within {seconds} s")


async def signed_in(base, data):
    """The cookies of each role (and of the public, ``None``) on the server at ``base``."""
    await wait_until_up(base)
    cookies = {None: {}}
    for role, username in data["users"].items():
        cookies[role] = await sign_in(base, username, data["password"], data["totp"].get(role))
    return cookies


async def measure(args, data, port):
    base = f"http://127.0.0.1:{port}"
    cookies = await signed_in(base, data)
    visits = Visits(data, args.max_page)
    results = {}
    for page in args.pages:
        # Warm each worker's caches and connections (not counted).
        await drive(base, page, visits, cookies, min(2.0, args.duration), min(args.concurrency, 4))
        if page == "alive":
            results[page] = await drive(base, page, visits, cookies, args.duration, args.concurrency)
        else:
            results[page] = await beside_alive(base, page, visits, cookies, args.duration, args.concurrency)
        row = results[page]
        beside = f"   (alive beside it {row['alive_rps']:.1f} req/s)" if "alive_rps" in row else ""
        print(f"  {page:<11} {row['rps']:8.1f} req/s   p50 {row['p50']:7.1f}  p95 {row['p95']:7.1f}  "
              f"p99 {row['p99']:7.1f} ms   errors {row['errors']}{beside}", flush=True)
    if "export" in args.pages:
        results["export-job"] = await background_export(base, cookies["admin"])
    return results


async def background_export(base, cookies, timeout=300):
    """The administrator's export of every application: queued, then polled on its page until the file is
    ready; prints its rows and how long it took from the request to the file."""
    import aiohttp

    started = time.monotonic()
    async with aiohttp.ClientSession(cookies=cookies) as session:
        async with session.post(f"{base}/staff/applications/export.xlsx", allow_redirects=False,
                                headers={"X-CSRFToken": cookies["csrftoken"], "Referer": f"{base}/"}) as response:
            location = response.headers.get("Location", "")
        if response.status != 302 or "/staff/exports/" not in location:
            print(f"  export job  not queued (answer {response.status})", flush=True)
            return {"rows": 0, "seconds": float("nan"), "errors": 1}
        state = {}
        while time.monotonic() - started < timeout:
            async with session.get(f"{base}{location}status/") as response:
                state = await response.json()
            if state["finished"]:
                break
            await asyncio.sleep(0.5)
    seconds = time.monotonic() - started
    ok = state.get("status") == "done"
    print(f"  export job  {state.get('total', 0):,} rows in the background: {state.get('status')} after "
          f"{seconds:.1f} s (progress polled on its page)", flush=True)
    return {"rows": state.get("total", 0), "seconds": seconds, "errors": 0 if ok else 1}


class Scale:
    """One data set served: written to its throwaway database, gunicorn and a Celery worker started on it; all
    stopped (and the database dropped unless ``--keep``) when the ``with`` block ends."""

    def __init__(self, args, scale):
        self.args, self.scale = args, scale

    def __enter__(self):
        print(f"scale {self.scale:,}: writing the data set …", flush=True)
        prepared = subprocess.run([PYTHON, __file__, "--prepare", str(self.scale)], cwd=ROOT,
                                  env=server_env(self.scale, "x"), capture_output=True, text=True, timeout=1800)
        if prepared.returncode:
            sys.exit(f"preparing the data set failed:\n{prepared.stderr[-4000:]}")
        self.data = json.loads(prepared.stdout.strip().splitlines()[-1])
        counts = self.data["counts"]
        print(f"  {counts['applications']:,} applications, {counts['members']:,} members, {counts['timeline']:,} "
              f"timeline entries, {counts['units']:,} units in {counts['seconds']} s", flush=True)
        self.port, self.queue = free_port(), f"load-{uuid.uuid4().hex[:8]}"
        self.processes, self.log = start_servers(self.args, self.scale, self.port, self.queue)
        return self

    def measure(self):
        print(f"scale {self.scale:,}: gunicorn ({self.args.workers} sync workers) on 127.0.0.1:{self.port}; "
              f"{self.args.concurrency} clients, {self.args.duration:g} s per page", flush=True)
        return asyncio.run(measure(self.args, self.data, self.port))

    def __exit__(self, *exc):
        stop_servers(self.processes, self.log)
        purge_queue(self.queue)
        if not self.args.keep:
            drop_database(self.scale)


async def alternate_lists(args, small, large, rounds=6):
    """The staff list of both scales, measured in turns (``rounds`` of ``--duration``/4 seconds each, one scale
    then the other), so that a slower moment of a shared machine falls on both: ``{"p50": (small, large)}`` over
    every request of the turns, in ms, and the errors of the turns."""
    sides = []
    for scale in (small, large):
        base = f"http://127.0.0.1:{scale.port}"
        sides.append((base, Visits(scale.data, args.max_page), await signed_in(base, scale.data), []))
    turn, errors = max(args.duration / 4, 2.0), 0
    for number in range(rounds):
        p50s = []
        for base, visits, cookies, latencies in sides:
            row = await drive(base, "list", visits, cookies, turn, args.concurrency)
            latencies += row["latencies"]
            errors += row["errors"]
            p50s.append(row["p50"])
        print(f"  turn {number + 1}: list p50 {p50s[0]:7.1f} ms at {small.scale:,}, {p50s[1]:7.1f} ms at "
              f"{large.scale:,}", flush=True)
    return {"p50": tuple(percentiles(latencies)["p50"] for _base, _visits, _cookies, latencies in sides),
            "errors": errors}


def summary(results_by_scale, base_scale):
    results = results_by_scale[base_scale]
    alive = results["alive"]["rps"]
    # Each page against the trivial page measured beside it (``beside_alive``), else against the first one.
    ratios = {page: row["rps"] / row.get("alive_rps", alive) for page, row in results.items()
              if "rps" in row and page != "alive" and row.get("alive_rps", alive)}
    errors = sum(row["errors"] for key, rows in results_by_scale.items() if key != "alternate"
                 for row in rows.values()) + results_by_scale.get("alternate", {}).get("errors", 0)
    lines = [f"ratio {page} {ratio:.3f}" for page, ratio in ratios.items()]
    worst = f"{min(ratios.values()):.3f}" if ratios else "n/a"  # n/a: only the trivial page was asked for
    lines.append(f"min ratio {worst}")
    growth = None
    if "alternate" in results_by_scale:
        small, large = results_by_scale["alternate"]["p50"]
        growth = large / small
        lines.append(f"growth {growth:.2f} (staff list p50 {large:.1f} ms at 100,000 / {small:.1f} ms at 10,000, "
                     f"measured in turns)")
    lines.append(f"min ratio {worst}, growth {f'{growth:.2f}' if growth is not None else 'n/a'}, "
                 f"errors {errors}")
    return lines


def main(argv=None):
    args = parse_args(argv)
    if args.prepare:
        prepare(args.prepare)
        return
    if not args.growth:
        with Scale(args, args.scale) as served:
            results = {args.scale: served.measure()}
        base = args.scale
    else:
        # Both data sets served at once: each scale's pages in turn, then the staff list of both, alternately.
        with Scale(args, 10_000) as small, Scale(args, 100_000) as large:
            results = {10_000: small.measure(), 100_000: large.measure()}
            print("growth: the staff list of both scales in turns …", flush=True)
            results["alternate"] = asyncio.run(alternate_lists(args, small, large))
        base = 10_000
    for line in summary(results, base):
        print(line)


if __name__ == "__main__":
    main()
