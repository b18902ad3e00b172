# Two commands: `make run` (the workspace on the embedded default) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# pip on some machines warns about missing local index folders; those lines are noise.
QUIET_PIP := grep -v "is ignored: it is neither a file nor a directory" || true
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= demo-pass-2026
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup setup-dev browser worker clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

setup: $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt 2>&1 | { $(QUIET_PIP); }
	$(BIN)/python manage.py migrate --noinput -v0

setup-dev: $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 | { $(QUIET_PIP); }

# Chromium for the browser tests, from Debian's packages (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "Chromium is missing: sudo apt-get install chromium (browser tests will be skipped)"; fi; }

run: setup
	$(BIN)/python manage.py seed_demo --password "$(DEMO_PASSWORD)"
	@mkdir -p var/celery
	@echo "Starting the Celery worker (embedded beat, file-system broker); log in var/celery/worker.log"
	@$(BIN)/celery -A iepteam worker -B --loglevel=INFO --concurrency=1 \
	   --schedule var/celery/beat-schedule > var/celery/worker.log 2>&1 & echo $$! > var/celery/worker.pid
	@trap 'kill $$(cat var/celery/worker.pid) 2>/dev/null' EXIT INT TERM; \
	  echo "Open http://$(HOST):$(PORT)/ and sign in with one of the demo logins above."; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup-dev browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf var
