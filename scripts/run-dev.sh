#!/usr/bin/env bash
# Starts the background worker and the web app on the embedded SQLite database.
set -euo pipefail
host="$1"; port="$2"
.venv/bin/python manage.py run_huey --workers 2 --quiet &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  orderflow is running:  http://${host}:${port}/
  Demo logins (password for all: demo12345):
$(.venv/bin/python manage.py load_demo --print-logins)

MSG
exec .venv/bin/python manage.py runserver "${host}:${port}" --noreload
