#!/usr/bin/env bash
# The production profile must pass Django's deployment checks.
set -euo pipefail
DJANGO_SETTINGS_MODULE=orderflow.settings.prod \
DJANGO_SECRET_KEY="ci-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" \
DJANGO_ALLOWED_HOSTS="orderflow.example.com" \
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}" \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
