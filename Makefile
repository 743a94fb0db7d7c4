# fupin-graph: `make run` serves the demo, `make test` runs everything CI runs.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha256sum | cut -c1-12)
PYTHON ?= python3

.PHONY: install browser run neo4j-start neo4j-stop migrate seed serve test lint typecheck pytest schema bench bench-peer clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The pages' browser assets (GraphiQL's, cytoscape for /explore): the npm packages pinned
# in web/package-lock.json, copied into api/static/vendor (git-ignored; api/vendor.py) and
# served by the app, never from a CDN.
VENDOR_STAMP := api/static/vendor/.vendored-$(shell cat web/package-lock.json api/vendor.py | sha256sum | cut -c1-12)

$(VENDOR_STAMP): $(STAMP) web/package.json web/package-lock.json api/vendor.py
	cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	$(BIN)/python -m api.vendor web/node_modules
	touch $@

install: $(STAMP) $(VENDOR_STAMP)

# The pages' browser tests need Debian's Chromium (tests/browser.py), zbarimg (zbar-tools,
# to decode the QR codes it draws) and a Chinese font (for the screenshots of the Chinese
# pages): installed with apt when missing (as root, as CI runs, or through sudo).
# Playwright never downloads a browser.
CHROMIUM ?= /usr/bin/chromium
ZBARIMG ?= /usr/bin/zbarimg
CJK_FONT ?= /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
browser:
	@missing=; test -x $(CHROMIUM) || missing=" chromium"; \
	test -x $(ZBARIMG) || missing="$$missing zbar-tools"; \
	test -f $(CJK_FONT) || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  echo "missing for the browser tests, installing from Debian:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

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

# The suite on TEST_WORKERS workers (pytest-xdist), a test file to a worker, each worker
# with a Neo4j of its own (tests/conftest.py); TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= 2
pytest: install browser
	FUPIN_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

## Lint, types, then the whole suite against a Neo4j of the suite's own
test: lint typecheck pytest

schema: install
	$(BIN)/fupin schema export

# The benchmark runs on a Neo4j of its own (port 7694, .data/neo4j-bench) and an API on
# :8094, so it never touches the demo's data. `make bench BENCH_RESEED=0` keeps the seeded graph.
BENCH_ENV := FUPIN_NEO4J_PORT=7694 FUPIN_NEO4J_HOME=.data/neo4j-bench \
	FUPIN_NEO4J_HEAP_MB=4096 FUPIN_NEO4J_PAGECACHE_MB=4096 API_PORT=8094
BENCH_HOUSEHOLDS ?= 152000
BENCH_RESEED ?= 1

## Seed the full-scale graph (timed), serve it, measure HTTP latencies (see bench/README.md)
bench: install
	$(BENCH_ENV) $(BIN)/fupin neo4j start
	$(BENCH_ENV) $(BIN)/fupin db migrate
	if [ "$(BENCH_RESEED)" != 0 ]; then \
	  $(BENCH_ENV) $(BIN)/python -m bench.seed --households $(BENCH_HOUSEHOLDS) --seed 1; fi
	$(BENCH_ENV) $(BIN)/fupin serve > .data/bench-serve.log 2>&1 & pid=$$!; \
	  trap 'kill $$pid' EXIT; \
	  for i in $$(seq 120); do \
	    curl -sf http://127.0.0.1:8094/healthz > /dev/null && break; sleep 0.5; done; \
	  $(BENCH_ENV) $(BIN)/python -m bench.http

## Side by side with @neo4j/graphql on the bench graph, both servers one process (bench/README.md).
## `make bench-peer PEER_LABEL=x FUPIN_SERVE_ARGS="--workers 2"`; results in bench/results/peer/
bench-peer: install
	$(BENCH_ENV) bench/peer.sh $(PEER_LABEL)

clean:
	-$(BIN)/fupin neo4j stop
	rm -rf $(VENV) .data web/node_modules api/static/vendor
