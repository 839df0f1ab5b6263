# Shouwang: `make run` to try it, `make test` to check it. Everything installs into .venv.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app webapp.app
PYBABEL := $(VENV)/bin/pybabel
TRANSLATIONS := webapp/translations
PORT ?= 5000

.PHONY: run serve test lint bench bench-engine bench-web bench-phone wrk install install-dev translations compile-translations static chromium db-upgrade clean

$(PY):
	python3 -m venv $(VENV)

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed-run
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-run
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@

install: $(VENV)/.installed-run compile-translations static

install-dev: $(VENV)/.installed-dev compile-translations static

compile-translations: $(VENV)/.installed-run
	$(PYBABEL) -q compile -d $(TRANSLATIONS)

# Static files under content-hashed names with gzip and brotli copies (webapp/assets.py), rebuilt
# when a file under webapp/static changes.
STATIC_SOURCES := $(shell find webapp/static -type f -not -name '.*')
build/static/manifest.json: $(STATIC_SOURCES) webapp/assets.py $(VENV)/.installed-run
	$(PY) -m webapp.assets

static: build/static/manifest.json

# After changing UI strings: extract them, merge into the catalogs, then translate the new entries.
translations: $(VENV)/.installed-run
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --no-wrap \
		-o $(TRANSLATIONS)/messages.pot webapp templates
	$(PYBABEL) update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date --no-wrap

db-upgrade: install
	$(FLASK) db upgrade

# Local demo over plain http on 127.0.0.1, so the session cookie cannot be marked Secure here.
# Werkzeug's development server (`flask run`'s), keeping connections alive (webapp/devserver.py).
# The worker runs beside the dev server for the periodic jobs (outbox, reminders, stale solves);
# without a mail server it writes each message to this terminal (OUTBOX_TO_LOG), SMS included;
# the web process knows it too, so that people without e-mail are texted (to the log).
run: db-upgrade
	$(FLASK) seed-demo --if-empty
	@OUTBOX_TO_LOG=1 $(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	OUTBOX_TO_LOG=1 SESSION_COOKIE_SECURE=0 $(PY) -m webapp.devserver --host 127.0.0.1 --port $(PORT)

# A county's server: gunicorn (gunicorn.conf.py) against DATABASE_URL, behind a TLS proxy.
# Honours PORT, WEB_CONCURRENCY and GUNICORN_CMD_ARGS (e.g. "--threads 4"); SECRET_KEY is required.
# The worker (`flask worker`) runs beside it: the periodic jobs (outbox over SMTP, reminders, the
# sweep of dead solves) and, with REDIS_URL set, solve runs from the queue.
serve: install
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY, e.g. export SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" >&2; exit 1; }
	@test -n "$$DATABASE_URL" || { echo "make serve: set DATABASE_URL, e.g. postgresql+psycopg://shouwang@127.0.0.1:5432/shouwang" >&2; exit 1; }
	$(FLASK) db upgrade
	@$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(VENV)/bin/gunicorn --config gunicorn.conf.py 'webapp.app:create_app()'

# Chromium for the end-to-end tests, and CJK fonts so that screenshots show Chinese text.
chromium:
	@if [ "$$(id -u)" = 0 ]; then \
		if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
		fi; \
	elif ! command -v chromium >/dev/null 2>&1; then \
		echo "Chromium is missing: run 'sudo apt-get install -y chromium fonts-noto-cjk'" >&2; exit 1; \
	fi

test: install-dev chromium
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

# Benchmarks print JSON lines. The list/import figures use the database in DATABASE_URL (the goal
# is stated for PostgreSQL); the bench migrates it first and removes what it creates. The
# benchmarks are modules, not commands of the app (nothing the app imports imports them).
bench: install-dev db-upgrade
	$(PY) -m webapp.bench.volunteers
	$(PY) -m webapp.bench.feeds
	$(PY) -m webapp.bench.planning
	$(PY) -m webapp.bench.coverage
	$(PY) -m webapp.scheduling.bench all
	$(PY) -m webapp.scheduling.bench --seeds $(SEEDS)

# The engine's multi-seed table alone (about 35 minutes on 2 cores; run it on a quiet machine):
# every generated family over SEEDS, d05100/d10100 and the held-out GAP pair at 30 s.
SEEDS ?= 101-120
bench-engine: $(PY)
	$(PY) -m webapp.scheduling.bench --seeds $(SEEDS)

# Pages on a 390 px phone over emulated slow and fast 3G (Chromium, CDP), warm and cold; served
# as `make run` serves them, on a fresh demo county; prints JSON lines. About 3 minutes.
bench-phone: install-dev chromium
	$(PY) -m webapp.bench.phone

# wrk, the thin load driver of `make bench-web`'s throughput rounds (Debian's package).
wrk:
	@if ! command -v wrk >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
		else echo "wrk is missing: run 'sudo apt-get install -y wrk'" >&2; exit 1; fi; \
	fi

# The served app under load (locust paced, wrk flat out; bounded): `make serve` against the
# PostgreSQL database in DATABASE_URL, and a bare Flask app served the same way; prints JSON.
# About 5 minutes.
bench-web: $(VENV)/.installed-bench compile-translations static wrk
	$(PY) -m webapp.bench.web

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts build
