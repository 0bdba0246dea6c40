"""bench/faults' own PostgreSQL cluster and Redis server: throwaway, on free local ports, never the machine's.

``Postgres`` runs ``initdb`` from /usr/lib/postgresql/*/bin into the bench's temporary folder (as the
``postgres`` system user when the bench runs as root), listens on 127.0.0.1 only, and can be restarted
(fast shutdown, then start).  ``Redis`` runs ``redis-server`` without persistence (a restart loses every
queued message, as a crash would), on 127.0.0.1 only.  Both run in process groups of their own and
are stopped by ``stop()`` whatever happened.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command):
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Postgres:
    def __init__(self, folder):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
        self.bin = os.path.dirname(found[-1])
        self.folder, self.data = folder, os.path.join(folder, "pgdata")
        self.port = free_port()
        self.log = os.path.join(folder, "postgres.log")
        self.running = False

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _ctl(self, *args, timeout=60):
        subprocess.run(_as_postgres([f"{self.bin}/pg_ctl", "-D", self.data, "-l", self.log, *args]), check=True,
                       timeout=timeout, stdout=subprocess.DEVNULL, start_new_session=True)

    def start(self):
        if not os.path.exists(self.data):
            os.makedirs(self.data, mode=0o700)
            if os.geteuid() == 0:
                shutil.chown(self.data, "postgres", "postgres")
                shutil.chown(self.folder, "postgres")
            subprocess.run(_as_postgres([f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                                         "-E", "UTF8", "--locale=C.UTF-8"]), check=True, timeout=120,
                           stdout=subprocess.DEVNULL)
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._ctl("-o", options, "-w", "start")
        self.running = True

    def restart(self):
        """Fast shutdown (every connection dropped, open transactions rolled back), then start again."""
        self._ctl("-m", "fast", "-w", "restart")

    def stop(self):
        if self.running:
            self._ctl("-m", "immediate", "-w", "stop", timeout=30)
            self.running = False


class Redis:
    def __init__(self, folder):
        self.folder, self.port, self.process = folder, free_port(), None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.folder, "--logfile", os.path.join(self.folder, "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        import redis

        client, deadline = redis.Redis.from_url(self.url), time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
