# Council digital maturity self-assessment. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# The first Python 3.12 or newer found on the PATH (pyenv shims honour .python-version).
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
export CHROMIUM

.PHONY: help run test lint bench loadtest assets clean check-python

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.12 or newer is needed (Django 6.1 requires it), and none was found on the PATH."; \
		echo "Install it (for example 'pyenv install 3.12') or run: make PYTHON=/path/to/python3.12 <target>"; \
		exit 1; fi

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,lint]"
	@touch $@ $(VENV)/.installed-run

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to install GOV.UK Frontend: install Node.js 20 or newer."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/build/application.css: static/scss/application.scss node_modules/.installed
	npx sass --no-source-map --load-path=node_modules --quiet-deps --style=compressed $< $@

assets: static/build/application.css ## Install GOV.UK Frontend and build the stylesheet

run: $(VENV)/.installed-run assets ## Run the service locally on SQLite with demo data
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py load_question_bank
	DEBUG=true $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  The service is at http://$(HOST):$(PORT)/ (stop it with Ctrl+C)"
	@echo "  Background tasks (rendering reports) run inline in each request here, with no worker (TASKS_INLINE)."
	@echo ""
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-test assets ## Run the whole test suite (DATABASE_URL=postgres://… for PostgreSQL)
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$CI" = "true" ]; then echo "Chromium is missing at $(CHROMIUM), and CI never skips the browser tests."; exit 1; fi; \
		echo "Chromium was not found at $(CHROMIUM), so the browser tests will be SKIPPED."; \
		echo "Install it to run them: sudo apt-get install -y chromium"; fi
	DEBUG=true DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test ## Check style, formatting (ruff) and types (mypy with django-stubs)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy assessment config

loadtest: $(VENV)/.installed-test assets ## Officers saving at once against gunicorn on PostgreSQL and Redis, a worker killed part way (LOADTEST_ARGS="--database sqlite --officers 10" for the embedded default)
	$(BIN)/python -m tests.load.run $(LOADTEST_ARGS)

bench: $(VENV)/.installed-test assets ## Print speed and memory figures (scoring, results page, PDF) on a throwaway database
	@rm -f .bench.sqlite3
	DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/.bench.sqlite3 $(BIN)/python manage.py migrate --no-input -v0
	DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/.bench.sqlite3 $(BIN)/python manage.py benchmark
	@rm -f .bench.sqlite3

clean: ## Remove the virtual environment, installed packages, built assets and the local database
	rm -rf $(VENV) node_modules static/build staticfiles db.sqlite3
