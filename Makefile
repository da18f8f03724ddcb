# Rumbo — the make targets are the interface (README: `make demo`, `make test`).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: system-packages setup demo test test-fast lint format bench clean migrations-check

# Chromium prints the PDFs (rumbo/core/pdf.py: chromium-headless-shell) and runs the browser
# tests (chromium); poppler-utils reads PDFs in the tests. Installed with apt when missing
# and we are root; otherwise the PDFs fall back to WeasyPrint and the browser tests skip.
SYSTEM_PACKAGES := chromium chromium-headless-shell poppler-utils fonts-dejavu-core

system-packages:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromium-headless-shell ] \
	  || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y $(SYSTEM_PACKAGES) >/dev/null \
	      || { apt-get update >/dev/null && apt-get install -y $(SYSTEM_PACKAGES) >/dev/null; } \
	      || echo "apt-get could not install $(SYSTEM_PACKAGES)" >&2; \
	  else \
	    echo "Install $(SYSTEM_PACKAGES) (apt-get install, as root): PDFs print with Chromium" >&2; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup system-packages
	$(BIN)/rumbo demo --port $(PORT)
	$(BIN)/rumbo serve --port $(PORT)

test: setup system-packages
	$(BIN)/pytest -n 2 --dist loadfile

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy rumbo config
	$(BIN)/lint-imports --no-cache

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: setup
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/budget.py
	$(BIN)/python bench/physical_financial.py
	$(BIN)/python bench/load.py --users 20 --duration 30 --think 3

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts
