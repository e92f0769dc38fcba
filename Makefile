# One command installs everything, one command runs every check (see README).
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: install install-system install-python test lint typecheck check bench

install: install-system install-python

# System packages: Debian's Chromium for browser mode and the browser tests.
install-system:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	fi

install-python:
	$(PIP) install -q -e '.[dev]'

lint:
	ruff check rgpd_check tests benchmarks
	ruff format --check rgpd_check

typecheck:
	mypy

test:
	$(PYTHON) -m pytest -q

# What CI runs: lint, types, then the whole test suite.
check: lint typecheck test

bench:
	$(PYTHON) benchmarks/run_all.py
