#!/usr/bin/env bash
# Command 1: the portal at http://127.0.0.1:8000 with demo data, on an embedded SQLite file
# (var/portal.sqlite3).  Celery tasks run in-process because no broker is configured.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '[demo] %s\n' "$*"; }

bash scripts/setup.sh

# The demo is the development profile on SQLite with in-process Celery, whatever the shell says.
unset DATABASE_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND
export PORTAL_ENV=development
mkdir -p "${VAR_DIR:-$ROOT/var}"

PY="$ROOT/.venv/bin/python"
say "migrate (SQLite)"
"$PY" manage.py migrate --noinput --verbosity 1
say "demo data"
"$PY" manage.py demo_data
say "supervision profiles of the seed programmes"
"$PY" manage.py load_supervision --demo
say "signing certificates of the demo CA (one per issuing office; made on first use otherwise)"
"$PY" manage.py signing_keys
say "back-office logins ask for a code after the password: run '.venv/bin/python manage.py demo_codes' for the current ones"
say "serving http://127.0.0.1:8000 (Ctrl-C stops)"
exec "$PY" manage.py runserver 127.0.0.1:8000
