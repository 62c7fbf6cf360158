#!/usr/bin/env bash
# The suite must run on PostgreSQL: fail loudly, never skip, if none is reachable.
set -euo pipefail
url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! .venv/bin/python - "$url" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=5).close()
except Exception as exc:
    print(f"PostgreSQL is not reachable at {sys.argv[1]}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  echo "FAILED: the test suite requires PostgreSQL (set DATABASE_URL)." >&2
  exit 1
fi
