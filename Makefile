# orderflow: two commands for a fresh machine, `make run` and `make test`.
SHELL := /bin/bash
PY_BOOT := $(shell command -v python3.12 || command -v python3.13 || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
APT_PACKAGES := chromium fonts-noto-cjk gettext poppler-utils libpango-1.0-0 libpangoft2-1.0-0

.PHONY: run test setup system-packages lint test-pg test-sqlite bench clean

setup: system-packages $(VENV)/.installed node_modules/.installed locale-compiled

# Debian packages: Chromium for browser tests, CJK fonts for PDFs, gettext for translations.
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install (as root): apt-get install$$missing"; exit 1; fi; \
	fi

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PY_BOOT) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

locale-compiled: $(VENV)/.installed
	@$(MANAGE) compilemessages -v 0 --ignore=.venv --ignore=node_modules

run: setup
	@mkdir -p data
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) load_demo --if-empty
	@bash scripts/run-dev.sh $(HOST) $(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(MANAGE) makemigrations --check --dry-run -v 0
	DJANGO_SETTINGS_MODULE=orderflow.settings.test $(PY) -m orderflow.orders.docs --check
	$(PY) scripts/check-translations.py

# The whole suite on PostgreSQL (fails, never skips, when none is reachable),
# then the end-to-end tests again on the embedded SQLite default. Both on every core
# (pytest-xdist: one database per worker, test_<name>_gw0, _gw1...).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
test: lint
	@bash scripts/check-prod-settings.sh
	@bash scripts/require-postgres.sh
	$(VENV)/bin/pytest -q -n $(TEST_WORKERS)
	ORDERFLOW_TEST_DB=sqlite $(VENV)/bin/pytest -q -n $(TEST_WORKERS) -m e2e

bench: setup
	$(PY) bench/orders.py
	$(PY) bench/review_approval.py
	$(PY) bench/execution.py
	$(PY) bench/lifecycle.py

clean:
	rm -rf $(VENV) node_modules staticfiles
