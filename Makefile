# The knowledge map. `make run` serves it with demo data; `make test` runs the whole suite on SQLite;
# `make serve` runs it as in production (DEBUG off, gunicorn, whitenoise, a job worker) on plain http at
# 127.0.0.1. Both run the job worker (manage.py db_worker) beside the server, which sends the mails.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# Development defaults; anything set in the environment wins.
export DEBUG ?= 1

# `make serve`'s SECRET_KEY when the environment has none: made once, kept out of git (.gitignore).
SERVE_SECRET_KEY_FILE := .serve-secret-key

.PHONY: lock run serve serve-cached loadtest lighthouse bench eval-matching eval-search test test-postgres lint format check migrate clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The exact versions of requirements/dev.txt (the lock, made from pyproject.toml by `make lock`), so that
# every machine, CI and the container run what was tested. Reinstalled only when the lock changes.
$(VENV)/.installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	@touch $@

# After changing the dependencies in pyproject.toml: pin them again (uv, from the dev requirements). Each
# lock holds exact versions for Python 3.11: base (the site), s3 (with S3 uploads), dev (tests and tools).
LOCK = $(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet --no-header --annotation-style line
lock: $(VENV)/.installed
	$(LOCK) -o requirements/base.txt
	$(LOCK) --extra s3 -o requirements/s3.txt
	$(LOCK) --extra dev -o requirements/dev.txt

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_dev
	@echo "The job worker runs beside the server: the mails the site sends are printed in this terminal."
	@$(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

$(SERVE_SECRET_KEY_FILE): | $(BIN)/python
	@umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# Production settings on plain http, for this machine only. The same steps as a deployment: collect static
# files (served by whitenoise), migrate (a release step there), then gunicorn with gunicorn.conf.py and
# one job worker.
# INSECURE_HTTP=1 is the one thing a real deployment does not set.
serve: $(VENV)/.installed $(SERVE_SECRET_KEY_FILE)
	@export DEBUG=0 INSECURE_HTTP="$${INSECURE_HTTP:-1}" PORT=$(PORT) \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1]}" \
	  SECRET_KEY="$${SECRET_KEY:-$$(cat $(SERVE_SECRET_KEY_FILE))}" \
	&& $(BIN)/python manage.py collectstatic --noinput --verbosity 0 \
	&& $(BIN)/python manage.py migrate --noinput \
	&& echo "Serving on http://127.0.0.1:$(PORT)/ with a job worker beside it (Ctrl-C stops both)" \
	&& { $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	     trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	     $(BIN)/gunicorn --config gunicorn.conf.py knowledgemap.wsgi; }

# `make serve` behind the caching proxy of deploy/nginx.conf (Debian's nginx: apt-get install nginx): nginx on
# PORT, gunicorn on UPSTREAM_PORT (PORT + 1), the site trusting the proxy's X-Forwarded-For. The cache and
# nginx's files are in .serve-cached/ (git ignores it); the cache starts empty every time.
UPSTREAM_PORT ?= $(shell echo $$(($(PORT) + 1)))
NGINX ?= $(shell command -v nginx || echo /usr/sbin/nginx)
SERVE_CACHED_DIR := $(CURDIR)/.serve-cached
serve-cached: $(VENV)/.installed
	@rm -rf $(SERVE_CACHED_DIR) && mkdir -p $(SERVE_CACHED_DIR)/cache
	@sed -e "s|@LISTEN@|127.0.0.1:$(PORT)|" -e "s|@UPSTREAM@|127.0.0.1:$(UPSTREAM_PORT)|" \
	  -e "s|@RUN_DIR@|$(SERVE_CACHED_DIR)|" -e "s|@CACHE_DIR@|$(SERVE_CACHED_DIR)/cache|" \
	  deploy/nginx.conf > $(SERVE_CACHED_DIR)/nginx.conf
	@$(NGINX) -q -t -p $(SERVE_CACHED_DIR) -c $(SERVE_CACHED_DIR)/nginx.conf
	@echo "The caching proxy on http://127.0.0.1:$(PORT)/, in front of gunicorn on 127.0.0.1:$(UPSTREAM_PORT)"
	@$(NGINX) -p $(SERVE_CACHED_DIR) -c $(SERVE_CACHED_DIR)/nginx.conf & proxy=$$!; \
	  trap 'kill $$proxy 2>/dev/null' EXIT INT TERM; \
	  TRUSTED_PROXIES="$${TRUSTED_PROXIES:-127.0.0.1}" $(MAKE) --no-print-directory serve PORT=$(UPSTREAM_PORT)

# 50 clients for 60 s against `make serve`, which the script starts and stops on a throwaway SQLite file
# (bench/) or on LOADTEST_DATABASE_URL. Arguments: LOADTEST_ARGS="--clients 10 --duration 20".
loadtest: $(VENV)/.installed
	$(BIN)/python bench/loadtest.py $(LOADTEST_ARGS)

# Lighthouse's SEO audit (every page must score 100) of the home, browse, a product page and the needs form in
# the four languages, under `make serve` on a throwaway database with the demo data. Needs Lighthouse from npm
# (npm install -g lighthouse, or LIGHTHOUSE=path) and Chromium.
# LIGHTHOUSE_ARGS="--categories performance,accessibility,seo --languages en,nl".
lighthouse: $(VENV)/.installed
	$(BIN)/python bench/lighthouse.py $(LIGHTHOUSE_ARGS)

# A benchmark, not a test: server-side latency and queries of the public pages at 1,000, 10,000 and 100,000
# products on SQLite and PostgreSQL, a web process's memory and the indexes' sizes; prints tables, writes
# bench/results.json and draws bench/growth.png. Settings: BENCH_SIZES=1000,10000 (1000000 on PostgreSQL
# for the growth curve: generating takes minutes) BENCH_DATABASES=postgresql BENCH_REQUESTS=30
# BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 (see bench/run.py).
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

# How well needs are matched to products, on the evaluation set (bench/evaluation/matching_needs.toml), against
# a plain BM25 ranking, on a fresh database of each kind with the demo data. Settings: EVAL_DATABASES=sqlite
# EVAL_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 (see bench/eval_matching.py).
eval-matching: $(VENV)/.installed
	$(BIN)/python bench/eval_matching.py

# How well the browse page's search finds what people mean, on the evaluation set
# (bench/evaluation/search_queries.toml), on a fresh database of each kind with the demo data. Settings as
# for eval-matching (see bench/eval_search.py).
eval-search: $(VENV)/.installed
	$(BIN)/python bench/eval_search.py

# The Nu Html Checker (vnu-jar, run with Java) for the HTML checks, from package-lock.json. Its install
# script, which would fetch a Java runtime, is not run: the machine's Java is used.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the HTML validity checks will be skipped"; fi

# Browser tests run in /usr/bin/chromium (CHROMIUM=… for another); without it they are skipped, and the
# summary at the end says why. CI (.ci/run) sets REQUIRE_ALL_CHECKS=1, which turns such skips into failures.
test: $(VENV)/.installed node_modules/.installed
	@test -x "$${CHROMIUM:-/usr/bin/chromium}" || echo "Chromium not found: the browser tests will be skipped (apt-get install chromium)"
	$(BIN)/python -m pytest

# The suite against PostgreSQL; DATABASE_URL must point at a server the tests may create a database on.
test-postgres: $(VENV)/.installed node_modules/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/knowledgemap} $(BIN)/python -m pytest

# ruff, and the layers contract (pyproject.toml, docs/architecture.md): no package imports one above it.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(VENV)/.installed
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# The catalogues (Dutch, French, Spanish): collect the strings marked for translation into
# locale/<code>/LC_MESSAGES/django.po, then compile them. Translate every empty msgstr (and check every
# "fuzzy" one) with the terms of locale/GLOSSARY.md, and commit each django.po and django.mo: a fresh clone
# then shows every language without GNU gettext. Needs GNU gettext (apt-get install gettext).
LOCALES := --locale=nl --locale=fr --locale=es
MAKEMESSAGES_IGNORE := --ignore=node_modules --ignore=staticfiles --ignore=media --ignore=tests \
	--ignore=fixtures --ignore=scripts --ignore=bench
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages $(LOCALES) --no-location --no-wrap $(MAKEMESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages $(LOCALES) --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache .hypothesis
