# Two commands on a fresh machine: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The PostgreSQL server for `make test-postgres`; the suite creates and drops its own database there.
SANFUWU_TEST_PG ?= postgres://postgres@127.0.0.1:5432
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=
PORT ?= 8000

.PHONY: demo serve test test-postgres lint typecheck pytest browser-deps messages bench bench-http api-check reliability clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium and CJK fonts for the browser tests; Playwright never downloads a browser.
browser-deps:
	@if ! command -v chromium >/dev/null || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk fontconfig; \
	fi

demo: $(VENV)/.installed node_modules/.installed
	$(BIN)/sanfuwu demo
	$(BIN)/sanfuwu serve --port $(PORT)

serve: $(VENV)/.installed node_modules/.installed
	$(BIN)/sanfuwu serve --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev node_modules/.installed browser-deps
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

test-postgres: $(VENV)/.installed-dev node_modules/.installed browser-deps
	SANFUWU_DATABASE_URL=$(SANFUWU_TEST_PG)/sanfuwu_ci_$$$$ $(BIN)/pytest $(PYTEST_ARGS)

# schemathesis over /api/openapi.json against a served small demo: every phase, every check.
api-check: $(VENV)/.installed-dev
	$(BIN)/python tools/api_check.py

# A 10-minute mixed load on a served demo and the fault drills (a private PostgreSQL stopped under
# writes, a server killed mid-import), written to docs/reliability.md. RELIABILITY_MINUTES, _RATE.
reliability: $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m tools.reliability

# Recompile the translations after editing sanfuwu/locale/*/LC_MESSAGES/django.po (needs gettext).
messages: $(VENV)/.installed
	cd sanfuwu && ../$(BIN)/sanfuwu makemessages -l en --no-obsolete --no-location && ../$(BIN)/sanfuwu compilemessages

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache .pytest_cache

# Benchmarks report times and ratios measured in one run; they never fail a build.
bench: $(VENV)/.installed
	BENCH_DUP_POSTGRES=$(SANFUWU_TEST_PG)/postgres $(BIN)/python -m bench.suggestions
	$(BIN)/python -m bench.targets_scope
	$(BIN)/python -m bench.issue_lists
	$(BIN)/python -m bench.ranking
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.exports
	$(BIN)/python -m bench.home
	$(BIN)/python -m bench.dashboard
	$(BIN)/python -m bench.triage

# The pages people open daily, over HTTP with wrk, beside the framework's floor (see bench/http.py):
#   make bench-http SANFUWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanfuwu_http BENCH_ISSUES=1000000
# with two server processes and the peer (django-helpdesk) in the same run:
#   make bench-http BENCH_ISSUES=1000000 BENCH_HTTP_WORKERS=2 BENCH_HTTP_PEER=1
bench-http: $(VENV)/.installed
	@command -v wrk >/dev/null || $(SUDO) apt-get install -y -qq wrk
	$(BIN)/python -m bench.http
