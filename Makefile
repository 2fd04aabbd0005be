# Kolbridge: `make run` starts the product, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# The first Python >= 3.11 on the PATH.
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))'; \
	then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
RUN_ENV = KOLBRIDGE_SECRET_KEY="$$(cat var/secret_key)" KOLBRIDGE_SECURE_COOKIES=0

.PHONY: run install test test-sqlite test-postgres lint bench clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Kolbridge needs Python 3.11 or newer on the PATH." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(PY_STAMP) $(NODE_STAMP)

# A random secret for this machine, kept out of the repository.
var/secret_key:
	@mkdir -p var
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: install var/secret_key
	@$(RUN_ENV) $(BIN)/kolbridge migrate --noinput -v0
	@$(RUN_ENV) $(BIN)/kolbridge collectstatic --noinput -v0
	@$(RUN_ENV) $(BIN)/kolbridge seed-demo --if-empty
	@$(RUN_ENV) $(BIN)/kolbridge demo-logins
	@$(RUN_ENV) $(BIN)/kolbridge content-expire --schedule
	@$(RUN_ENV) $(BIN)/kolbridge insights-regroup --schedule
	@echo "Kolbridge is serving on http://$(HOST):$(PORT)/ (API docs: http://$(HOST):$(PORT)/api/v1/docs). Ctrl-C stops it."
	@# The task worker (the daily content expiry) runs beside the web server and stops with it.
	@$(RUN_ENV) bash -c '$(BIN)/kolbridge db_worker --interval 5 -v0 & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT; \
		$(BIN)/gunicorn kolbridge.wsgi --bind $(HOST):$(PORT) --workers 2 \
		--worker-class sync --access-logfile - --log-level warning'

lint: install
	$(BIN)/ruff check src tests benchmarks
	KOLBRIDGE_DEBUG=1 $(BIN)/mypy

test-sqlite: install
	$(BIN)/pytest

test-postgres: install
	KOLBRIDGE_TEST_DB=postgres $(BIN)/pytest

test: lint test-sqlite test-postgres

bench: install
	$(BIN)/python benchmarks/kol_api.py

clean:
	rm -rf $(VENV) node_modules var/staticfiles
