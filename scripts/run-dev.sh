#!/usr/bin/env bash
# Starts the background worker and the web app on the embedded SQLite database.
# Ctrl-C (or the end of either process) stops both.
set -euo pipefail
host="${1:-127.0.0.1}"; port="${2:-8000}"

pids=()
stop() { trap - EXIT INT TERM; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT TERM

.venv/bin/python manage.py run_huey --workers 2 --quiet &
pids+=($!)

cat <<MSG

  orderflow is running:  http://${host}:${port}/
  Django admin (master data and configuration, as admin): http://${host}:${port}/admin/

  Demo logins (password for all: demo12345):
$(.venv/bin/python manage.py load_demo --print-logins)

  Stop with Ctrl-C.

MSG
.venv/bin/python manage.py runserver "${host}:${port}" --noreload &
pids+=($!)
wait -n
