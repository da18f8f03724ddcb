# Rumbo — the make targets are the interface (README: `make demo`, `make test`).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: setup demo test test-fast lint format bench clean migrations-check

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/rumbo demo --port $(PORT)
	$(BIN)/rumbo serve --port $(PORT)

test: setup
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
	$(BIN)/python bench/load.py --users 20 --duration 30 --think 3

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts
