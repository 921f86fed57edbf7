#!/usr/bin/env bash
# The deployment drill (deploy/drill.py): two API nodes behind HAProxy, through PgBouncer, with Redis and the
# reminder worker, restarted one after the other under load. Needs the OS packages haproxy, pgbouncer and
# redis-server, and a PostgreSQL server (default 127.0.0.1:5432, user postgres). Usage: deploy/drill.sh [--base URL]
set -euo pipefail
cd "$(dirname "$0")/.."

for program in haproxy pgbouncer redis-server; do
  command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || {
    echo "$program is not installed (apt-get install $program)" >&2
    exit 2
  }
done
exec "${DRILL_PYTHON:-.venv/bin/python}" -m deploy.drill "$@"
