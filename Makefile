# Småjob: the two commands are `make run` and `make test`; everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
CATALOG := marketplace/translations/da/LC_MESSAGES
STAMP := $(VENV)/.installed

.PHONY: run test lint format worker serve backup restore bench bench-town bench-load translations extract-messages node-deps clean

# A fresh machine needs only Python 3.11+; the venv is rebuilt when the dependencies change.
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

# Compiled catalogs are build output (not committed), rebuilt when the Danish catalog changes.
$(CATALOG)/messages.mo: $(CATALOG)/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -d marketplace/translations

translations: $(CATALOG)/messages.mo

# axe-core for the browser tests' accessibility check and vnu-jar (the Nu Html Checker, run
# on the machine's Java) for the HTML of every page the tests render; skipped where npm is missing.
node-deps:
	@if command -v npm >/dev/null 2>&1; then \
		[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: browser tests will be skipped"; fi

# Another port: `make run PORT=8000`; links in e-mail follow it unless BASE_URL is set.
PORT ?= 5000
run: export BASE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP) translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --debug --host 127.0.0.1 --port $(PORT)

test: $(STAMP) translations node-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# An rq worker with its scheduler, and the cron process that enqueues the sweep and the
# daily digests; needs REDIS_URL. Ctrl-C stops both.
worker: $(STAMP) translations
	@trap 'kill 0' INT TERM EXIT; $(FLASK) cron & $(FLASK) worker

# The Procfile's web (gunicorn), worker and cron under honcho, on PostgreSQL and Redis (see
# docs/OPERATIONS.md). Defaults for this machine; create the database once with
# `createdb -h 127.0.0.1 -U postgres smajob`. Plain http here, so the session cookie is not Secure.
serve: export DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/smajob
serve: export REDIS_URL ?= redis://127.0.0.1:6379/0
serve: export BASE_URL ?= http://127.0.0.1:$(PORT)
serve: export SESSION_COOKIE_SECURE ?= false
# One directory the three processes' metrics add up in; emptied at each start.
serve: export PROMETHEUS_MULTIPROC_DIR ?= $(CURDIR)/instance/prometheus
serve: $(STAMP) translations
	$(FLASK) db upgrade
	rm -rf "$$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$$PROMETHEUS_MULTIPROC_DIR"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile -p $(PORT)

# `make backup` writes instance/backups/smajob-<UTC time>.dump of DATABASE_URL (default:
# instance/smajob.sqlite);
# `make restore BACKUP=file` loads one into an empty database (docs/OPERATIONS.md: the drill).
BACKUP ?= instance/backups/smajob-$(shell date -u +%Y%m%dT%H%M%SZ).dump
backup: $(STAMP)
	$(FLASK) backup $(BACKUP)

restore: $(STAMP)
	@[ -n "$(filter command line environment,$(origin BACKUP))" ] || { echo "usage: make restore BACKUP=path/to/file.dump"; exit 2; }
	$(FLASK) restore $(BACKUP)

# Refresh the message template and merge new strings into the Danish catalog.
extract-messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o marketplace/translations/messages.pot .
	$(BIN)/pybabel -q update -i marketplace/translations/messages.pot -d marketplace/translations --no-fuzzy-matching

bench: $(STAMP) translations
	$(BIN)/python -m bench
	$(BIN)/python -m bench.matching
	$(BIN)/python -m bench.hours

# A national-scale town left in the database for benchmarks (BENCH_DATABASE_URL; SCALE=1.0).
SCALE ?= 1.0
bench-town: $(STAMP)
	$(BIN)/python -m bench.town --scale $(SCALE)

# Load through a real server (docs/PERFORMANCE.md): gunicorn with 2 sync workers and wrk at
# 16 connections on a bench.town database (BENCH_DATABASE_URL, default the national town
# postgresql://postgres@127.0.0.1:5432/town_national), each key page and the confirm POST
# beside a hello-world route. It reopens the busiest company's last weeks there and confirms
# them again. Not part of `make test`; more options: `make bench-load BENCH_LOAD_ARGS=--help`.
BENCH_LOAD_ARGS ?=
bench-load: $(STAMP) translations
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: apt-get install -y wrk"; exit 2; }
	$(BIN)/python -m bench.load $(BENCH_LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules
