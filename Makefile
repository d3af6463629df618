# capgraph: `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) backend/manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install portcheck run test lint format schema release-schema bench stack clean frontend webapp

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > $(VENV)/requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check -r $(VENV)/requirements.txt
	touch $(STAMP)

# The web app (frontend/): locked npm install, then checks and a production build that
# `make run` serves at /. `make frontend` is what CI runs: generated hooks and manifest must
# equal what is committed (codegen --check), then types, lint, unit tests (Vitest), build.
WEB := frontend
WEB_STAMP := $(WEB)/node_modules/.package-lock.json

$(WEB_STAMP): $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund
	touch $@

frontend: $(WEB_STAMP)
	cd $(WEB) && npm run codegen:check && npm run typecheck && npm run lint && npm test && npm run build

$(WEB)/dist/index.html: $(WEB_STAMP) $(shell find $(WEB)/src $(WEB)/index.html $(WEB)/vite.config.ts -type f 2>/dev/null)
	cd $(WEB) && npm run build

# Builds the app when Node is here; without it the API still runs (and says so at /).
webapp:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(WEB)/dist/index.html; \
	else echo "npm not found: serving the API without the web app (needs Node 20)"; fi

# First of all: a second `make run` on a taken port says so and stops (no new token).
portcheck:
	@$(PYTHON) deploy/check_port.py $(HOST) $(PORT)

run: portcheck install webapp
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) seed_demo --url http://$(HOST):$(PORT)
	$(VENV)/bin/uvicorn --app-dir backend config.asgi:application --host $(HOST) --port $(PORT) --lifespan off

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	PYTHONPATH=backend:. $(VENV)/bin/lint-imports --no-cache  # the layers (docs/design.md)
	$(MANAGE) makemigrations --check --dry-run -v 0
	$(MANAGE) check_schema --no-registry  # against released.graphql (docs/api.md)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Every test on the configured database (PostgreSQL and Redis when DATABASE_URL and
# REDIS_URL are set, as in CI), then again on the embedded SQLite and in-process cache.
# Without DATABASE_URL the PostgreSQL-only tests (EXPLAIN, row locks, live server) are left
# out and the run says so; CI always sets it.
test: lint frontend
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

# Cut a release of the schema: after a passing check, released.graphql becomes schema.graphql
# and CHANGELOG.md's Unreleased entries go under "## $(RELEASE)" (default: today's date).
release-schema: install
	$(MANAGE) check_schema --no-registry --release $(RELEASE)

# The per-operation benchmarks, then (on PostgreSQL) the load test: 50 and 100 concurrent
# clients for 30 s each against 1, 2 and 4 API worker processes, and the balance check:
# 2 workers >= 1.6x the throughput of 1 at 20 clients, in 3 alternating pairs of runs
# (tests/bench/load.py; docs/scaling.md).
# ARGS go to run.py: `make bench ARGS="--people 10000"` measures the reports at 10,000 people
# only (docs/benchmarks.md), without the load test.
bench: install
	$(PY) tests/bench/run.py $(ARGS)
	@if [ -n "$(ARGS)" ]; then \
		echo "--- load test left out: run.py was given ARGS"; \
	elif [[ "$$DATABASE_URL" == postgres* ]]; then \
		echo && $(PY) tests/bench/load.py --clients 50,100 --seconds 30 --workers 1,2,4 && \
		echo && $(PY) tests/bench/load.py --balance 3 --clients 20 --seconds 15; \
	else \
		echo "--- load test left out: it needs DATABASE_URL=postgres://..."; \
	fi

# docker-compose.yml's api (same command, same worker count), Celery worker and beat,
# natively on the local PostgreSQL and Redis (DATABASE_URL, REDIS_URL; the database is
# created if missing); migrates, waits for /readyz, prints the URLs. Ctrl-C stops them all.
stack: install
	$(PY) deploy/stack.py

clean:
	rm -rf $(VENV) capgraph.sqlite3*
