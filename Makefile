# IOM Hub. Two commands matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_PEOPLE ?= 500
# The demo is a development environment, said so explicitly: with IOMHUB_ENV unset the service
# runs as production (ADR 0012). Demo mode lets the demo's own users skip the second factor.
DEMO_ENV := IOMHUB_ENV=dev IOMHUB_DEMO=1
# The drift checks import the settings: the test posture (no secrets needed, nothing outside).
CHECK_ENV := DJANGO_SETTINGS_MODULE=iomhub.config.test_settings

.PHONY: run test install install-dev migrate demo lint typecheck check bench browser clean serve-production smoke-production resilience

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(DEMO_ENV) $(BIN)/python -m iomhub migrate --no-input -v 0

demo: migrate
	$(DEMO_ENV) $(BIN)/python -m iomhub demo --people $(DEMO_PEOPLE) --if-empty

## make run: install, migrate the embedded SQLite database, load the demo, serve on 127.0.0.1:$(PORT)
run: demo
	@echo ""
	@echo "IOM Hub is starting on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	@echo "Sign in with any demo username above and the demo password."
	$(DEMO_ENV) $(BIN)/python -m iomhub runserver 127.0.0.1:$(PORT) --noreload

## make serve-production: gunicorn with the production settings, which come from the environment
## (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS...; docs/operations.md). Migrates and collects the
## static files first; IOMHUB_BIND (default 127.0.0.1:8000) and WEB_CONCURRENCY choose where and how many.
serve-production: install
	IOMHUB_ENV=production $(BIN)/python -m iomhub check --deploy --fail-level ERROR
	IOMHUB_ENV=production $(BIN)/python -m iomhub migrate --no-input -v 1
	IOMHUB_ENV=production $(BIN)/python -m iomhub collectstatic --no-input -v 0
	IOMHUB_ENV=production exec $(BIN)/gunicorn -c python:iomhub.config.gunicorn iomhub.config.wsgi

## make smoke-production: start the production server on 127.0.0.1 against a scratch PostgreSQL
## database, check /health, /ready, the sign-in page and a static file, then stop it.
smoke-production: install
	bash scripts/smoke_production.sh

## make resilience: gunicorn as serve-production on a scratch PostgreSQL database: kill a worker and the
## server mid-write, terminate the database's connections mid-load, then a short Locust run (issue 13 §7).
resilience: install-dev
	$(BIN)/python scripts/resilience.py

## Debian's Chromium for the browser tests (Playwright never downloads a browser here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	  else echo "Chromium is missing: install Debian's chromium package (apt-get install chromium) for the browser tests"; fi; \
	fi

## make test: install and run the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL)
test: install-dev browser check
	$(BIN)/pytest

## Drift and quality checks that run before the tests
check: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(CHECK_ENV) $(BIN)/python -m iomhub makemigrations --check --dry-run -v 0
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

lint: check

## make bench: the benchmark (issue 15; docs/operations.md, "Benchmark"): BENCH_PROFILE=small (default,
## a few minutes) or national (500,000 people, 5,000,000 events; under 45 minutes on a fresh machine),
## on PostgreSQL at 127.0.0.1 (BENCH_DATABASE_URL), gunicorn under 1 and 20 users; var/bench/results.json.
BENCH_PROFILE ?= small
bench: install-dev
	$(DEMO_ENV) $(BIN)/python bench/run.py --profile $(BENCH_PROFILE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
