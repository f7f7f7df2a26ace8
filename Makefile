# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The settings refuse a weak SECRET_KEY whenever DEBUG is off: commands run here use make run's key file
# (below) unless one is given, so what they sign (sessions, the ledger's checkpoints) stays verifiable.
SECRET_KEY_FILE := $(VENV)/secret_key
ifndef SECRET_KEY
export SECRET_KEY = $(shell cat $(SECRET_KEY_FILE) 2>/dev/null)
endif

.PHONY: setup run serve test test-services bench migrate seeds screenshots clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

migrate: setup $(SECRET_KEY_FILE)
	$(BIN)/python manage.py migrate --noinput

seeds: migrate
	$(BIN)/python manage.py load_seeds

# `make run` shows what users see: DEBUG off (no debug pages), static files served by the app
# (whitenoise, collected), a strong secret key made once into an untracked file (SECRET_KEY_FILE, above).
RUN_ENV = DEBUG=0 SECRET_KEY="$$(cat $(SECRET_KEY_FILE))" ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0

$(SECRET_KEY_FILE): | $(STAMP)
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: setup $(SECRET_KEY_FILE)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_seeds
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "scotimeline is serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@echo 'Create an admin user first with:  SECRET_KEY="$$(cat $(SECRET_KEY_FILE))" $(BIN)/python manage.py createsuperuser'
	@echo ""
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/pytest

# The same suite against real PostgreSQL and Redis; tests needing them fail instead of skipping.
test-services: setup
	SECRET_KEY=test-only DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/scotimeline} \
	TEST_REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/15} SECURE_SSL_REDIRECT=0 REQUIRE_SERVICES=1 $(BIN)/pytest

# Quick sizes by default; `make bench BENCH_EVENTS=1000000` for the full run, BENCH_ONLY=bench_scale for one.
BENCH_EVENTS ?= 10000
bench: setup $(SECRET_KEY_FILE)
	BENCH_EVENTS=$(BENCH_EVENTS) BENCH_ONLY=$(BENCH_ONLY) $(BIN)/python -m tests.benchmarks

# The README's screenshots (docs/screenshots/), from a fresh seeded database, in headless Chromium.
screenshots: setup $(SECRET_KEY_FILE)
	$(BIN)/python -m tests.browser.screenshots

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles
