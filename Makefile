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
OPERATOR_EMAIL ?= operator@demo.example

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

# The address the demo serves; e-mailed links and the banners use it, and it is an allowed host.
run: export SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost,[::1],$(HOST)
run: setup
	$(BIN)/python manage.py seed_demo --password "$(DEMO_PASSWORD)"
	@$(BIN)/python manage.py ensure_operator --email "$(OPERATOR_EMAIL)" --password "$(DEMO_PASSWORD)"
	@# exec: the launcher is make's own child, so Ctrl-C or a SIGTERM to make stops the server and the worker.
	@exec $(BIN)/python -m iepteam.localrun --host "$(HOST)" --port "$(PORT)"

test: setup-dev browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf "$${IEPTEAM_VAR_DIR:-var}"
