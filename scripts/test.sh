#!/usr/bin/env bash
# Command 2: set everything up and run the whole test suite on PostgreSQL.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/project/test_compose.py -x`.
# DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/portal; an exported one is kept.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '[test] %s\n' "$*"; }
die() { printf '[test] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'printf "[test] FAILED (exit %s) at line %s: %s\n" "$?" "$LINENO" "$BASH_COMMAND" >&2' ERR

bash scripts/setup.sh

export PATH="$ROOT/.venv/bin:$PATH"
PY="$ROOT/.venv/bin/python"

# Tests run the development profile against PostgreSQL; Celery tasks run in-process (eager),
# so a broker configured in the calling shell must not leak in.
export PORTAL_ENV=development
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}"
export CELERY_BROKER_URL="" CELERY_RESULT_BACKEND=""
REDIS_HOST=127.0.0.1 REDIS_PORT=6379

# --- PostgreSQL -----------------------------------------------------------------------------
read -r DB_HOST DB_PORT < <("$PY" -c '
import os, urllib.parse
u = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
print(u.hostname or "127.0.0.1", u.port or 5432)')
is_local() { case "$1" in 127.0.0.1|localhost|::1) return 0 ;; *) return 1 ;; esac; }

wait_for() {  # wait_for NAME SECONDS COMMAND...
    local name="$1" seconds="$2"; shift 2
    for _ in $(seq "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
    die "$name did not answer within ${seconds}s"
}

if ! pg_isready -q -h "$DB_HOST" -p "$DB_PORT"; then
    if is_local "$DB_HOST" && [ -d /etc/postgresql ]; then
        version="$(ls /etc/postgresql | sort -V | tail -n1)"
        say "starting PostgreSQL $version"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    fi
    wait_for PostgreSQL 30 pg_isready -q -h "$DB_HOST" -p "$DB_PORT"
fi
say "PostgreSQL answers at $DB_HOST:$DB_PORT"

# Create the database named in DATABASE_URL if missing (makemigrations checks its history).
"$PY" - <<'PY'
import os

import dj_database_url
import psycopg
from psycopg import errors, sql

db = dj_database_url.parse(os.environ["DATABASE_URL"])
if "postgresql" in db["ENGINE"]:
    params = {"dbname": "postgres", "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
              "host": db.get("HOST") or None, "port": db.get("PORT") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                print(f"[test] created database {db['NAME']}")
            except errors.DuplicateDatabase:
                pass
PY

# --- Redis ----------------------------------------------------------------------------------
redis_up() { [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }
if ! redis_up; then
    if is_local "$REDIS_HOST"; then
        say "starting Redis"
        redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
    fi
    wait_for Redis 30 redis_up
fi
say "Redis answers at $REDIS_HOST:$REDIS_PORT"

# --- Static checks --------------------------------------------------------------------------
say "makemigrations --check"
"$PY" manage.py makemigrations --check --dry-run

say "ruff check"
ruff check .

say "lint-imports (the layers and the no-cycle contract in pyproject.toml)"
lint-imports --no-cache

if find . \( -path ./.venv -o -path ./node_modules -o -path ./.git \) -prune -o -name '*.po' -print -quit | grep -q .; then
    say "compilemessages"
    "$PY" manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0
fi

# --- pytest ---------------------------------------------------------------------------------
mkdir -p artefacts
if [ "$#" -eq 0 ]; then
    # The demo runs on the embedded SQLite: the tests marked `sqlite` (every seed route through its
    # stage pages) run there too, so a PostgreSQL-only query cannot break the README's walk unseen.
    say "pytest -m sqlite on the demo's embedded SQLite"
    mkdir -p var && rm -f var/test-demo.sqlite3
    DATABASE_URL="sqlite:///$ROOT/var/test-demo.sqlite3" PORTAL_TEST_ON_SQLITE=1 \
        "$PY" -m pytest -m sqlite -q -p no:cacheprovider --durations=0 --durations-min=60
fi
# The whole suite runs in PYTEST_WORKERS processes (pytest-xdist; 2 by default, one per core of the machines it
# runs on), each on a test database of its own, a test file at a time (so a file's module fixtures are made
# once), in two passes: the tests that run in a transaction rolled back at their end, then the transactional
# ones, which flush every table at their end (the seed programmes and the migrations' rows too; in one process
# pytest-django runs them last for that reason).  Arguments given (a file, a test) run in one process, as plain
# pytest does.  PYTEST_WORKERS=0: the whole suite in one process.
run_pytest() {
    say "pytest $* (DATABASE_URL=$DATABASE_URL, CI=${CI:-})"
    local rc=0
    "$PY" -m pytest "$@" || rc=$?
    if [ "$rc" -eq 5 ]; then
        printf '[test] FAILED: pytest collected no tests\n' >&2
    fi
    return "$rc"
}
trap - ERR
set +e
if [ "$#" -eq 0 ] && [ "${PYTEST_WORKERS:-2}" != "0" ]; then
    parallel=(-n "${PYTEST_WORKERS:-2}" --dist loadfile)
    run_pytest "${parallel[@]}" -m "not transactional"
    first=$?
    run_pytest "${parallel[@]}" -m transactional
    second=$?
    [ "$first" -eq 0 ] && [ "$second" -eq 0 ]
    exit $?
fi
run_pytest "$@"
exit $?
