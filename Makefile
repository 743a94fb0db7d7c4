# fupin-graph: `make run` serves the demo, `make test` runs everything CI runs.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha256sum | cut -c1-12)
PYTHON ?= python3

.PHONY: install run neo4j-start neo4j-stop migrate seed serve test lint typecheck pytest schema bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

neo4j-start: install
	$(BIN)/fupin neo4j start

neo4j-stop: install
	$(BIN)/fupin neo4j stop

migrate: neo4j-start
	$(BIN)/fupin db migrate

seed: migrate
	$(BIN)/fupin seed

serve: install
	$(BIN)/fupin serve

## The demo: a local Neo4j with the demo story, the API at http://127.0.0.1:8000/graphql
run: seed serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

## Lint, types, then the whole suite against a Neo4j of the suite's own
test: lint typecheck pytest

schema: install
	$(BIN)/fupin schema export

clean:
	-$(BIN)/fupin neo4j stop
	rm -rf $(VENV) .data
