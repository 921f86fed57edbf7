# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint check-migrations check-schema schema migrations install clean

$(STAMP): pyproject.toml constraints.txt deploy/install.sh
	PYTHON=$(PYTHON) deploy/install.sh dev
	touch $(STAMP)

install: $(STAMP)

## Start the service with demo data on SQLite: http://127.0.0.1:8000/graphql
run: $(STAMP)
	$(PY) -m app migrate
	$(PY) -m app seed --demo
	$(PY) -m app serve

## Run every test (SQLite unless TEST_DATABASE_URL names a PostgreSQL database)
test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check-migrations: $(STAMP)
	$(PY) -m app makemigrations --check

check-schema: $(STAMP)
	$(PY) -m app export-schema --check
	$(PY) -m app check-breaking-changes

schema: $(STAMP)
	$(PY) -m app export-schema

migrations: $(STAMP)
	$(PY) -m app makemigrations

clean:
	rm -rf $(VENV) var
