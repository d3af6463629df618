# capgraph: `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) backend/manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format schema bench stack clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > $(VENV)/requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check -r $(VENV)/requirements.txt
	touch $(STAMP)

run: install
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) seed_demo --url http://$(HOST):$(PORT)
	$(VENV)/bin/uvicorn --app-dir backend config.asgi:application --host $(HOST) --port $(PORT) --lifespan off

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run -v 0

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Every test on the configured database (PostgreSQL and Redis when DATABASE_URL and
# REDIS_URL are set, as in CI), then again on the embedded SQLite and in-process cache.
# Without DATABASE_URL the PostgreSQL-only tests (EXPLAIN, row locks, live server) are left
# out and the run says so; CI always sets it.
test: lint
	@if [ -n "$$DATABASE_URL" ]; then \
		$(VENV)/bin/pytest && \
		echo "--- again on the embedded defaults (SQLite, in-process cache)" && \
		env -u DATABASE_URL -u REDIS_URL $(VENV)/bin/pytest -m "not postgres"; \
	else \
		echo "--- DATABASE_URL is unset: SQLite only, PostgreSQL-only tests deselected"; \
		$(VENV)/bin/pytest -m "not postgres"; \
	fi

# Rewrite the committed SDL contract from the code (the drift test fails until you do).
schema: install
	$(MANAGE) export_schema

bench: install
	$(PY) tests/bench/run.py

# docker-compose.yml's api (same command, same worker count) and Celery worker, natively on
# the local PostgreSQL and Redis (DATABASE_URL, REDIS_URL; the database is created if
# missing); migrates, waits for /readyz, prints the URLs. Ctrl-C stops both.
stack: install
	$(PY) deploy/stack.py

clean:
	rm -rf $(VENV) capgraph.sqlite3*
