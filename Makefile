# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: run serve test test-postgres lint format pytest install clean bench bench-instructions screenshots audit

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# npm dev tools (package.json): the Nu HTML Checker for the tests, Lighthouse for `make audit`.
# --ignore-scripts: vnu-jar's install script would download a Java runtime; Debian's is used.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

## make run: set up, load the lesson and demo accounts, serve on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## make serve: the production stack on this machine: DEBUG off, gunicorn (gunicorn.conf.py),
## hashed and compressed static files from WhiteNoise, on http://127.0.0.1:8000. Over plain http
## (LOCAL_HTTP=true, loopback only); production runs behind HTTPS (docs/deploy.md). Demo
## accounts load only with DEBUG on: run `make run` once first to have them.
serve: $(STAMP)
	@set -e; \
	if [ -z "$${SECRET_KEY:-}" ]; then \
	  echo "make serve: WARNING: SECRET_KEY is not set; using a throwaway key, so logins end when the server stops." >&2; \
	  SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	fi; \
	export SECRET_KEY DEBUG=false LOCAL_HTTP=true SECURE_SSL_REDIRECT=false \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0; \
	$(BIN)/python manage.py migrate --noinput; \
	exec $(BIN)/gunicorn --config gunicorn.conf.py

## make bench: the classroom-load benchmark (docs/performance.md): seeds a school on SQLite and on
## PostgreSQL (if one answers at BENCH_POSTGRES_URL), measures over loopback with gunicorn,
## prints a table and writes bench/results.json. About 15 minutes; sizes via BENCH_* variables.
bench: $(STAMP)
	$(BIN)/python -m bench

## make bench-instructions: instructions per request of the autosave, the workspace and the
## dashboard, counted by valgrind's callgrind (the same from run to run, unlike timings); writes
## bench/instructions.json. About 3 minutes.
bench-instructions: $(STAMP)
	$(BIN)/python -m bench.instructions

## make screenshots: docs/screenshots/*.png of the key pages at 1280 and 360 px, from a throwaway
## server (temporary SQLite database, demo data, a free local port). Needs /usr/bin/chromium;
## pngquant, if installed, makes the files smaller.
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

## make test: set up and run lint and the whole test suite
test: $(STAMP) lint pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	# Production settings must pass Django's deployment checks, warnings included.
	DEBUG=false ALLOWED_HOSTS=example.org \
	  SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

pytest: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest -n auto

## make test-postgres: the whole test suite on PostgreSQL (test database: test_<name> of POSTGRES_URL)
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/lessons
test-postgres: $(STAMP) $(NODE_STAMP)
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n auto

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

## make audit: Lighthouse on the student workspace and the teacher's progress page, logged in and
## offline; fails unless accessibility is 100 and best practices at least 95. Scores go to
## docs/audit.md, full reports to audit-reports/.
audit: $(STAMP) $(NODE_STAMP)
	$(BIN)/python scripts/audit.py
