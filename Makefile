# Everyday commands. Each sets up what it needs on a fresh machine (a .venv from pinned
# requirements; for the tests also Debian's Chromium), so `make serve` and `make test` are
# the whole quick start.
#   make serve               build and serve at http://127.0.0.1:8000, rebuilding on edits
#   make build [DATA=dir]    validate, then build site/ (left untouched if anything fails)
#   make validate [DATA=dir] report every problem in the data as file:line: CODE message
#   make new ID=<id>         scaffold data/instruments/<id>.yaml from the annotated template
#   make format              rewrite records into the canonical format (format-check: show the diff)
#   make manifest            after a release: record the published URLs and anchors (never removes any)
#   make test                every test: unit, data, build and browser

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= data
SITE   ?= site
export PYTHONPATH := $(CURDIR)/scripts
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build validate new format format-check manifest test bench browser-deps clean

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: requirements.txt requirements-test.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

validate: $(VENV)/.runtime
	@$(BIN)/python -m kb validate --data "$(DATA)"

build: $(VENV)/.runtime
	@$(BIN)/python -m kb build --data "$(DATA)" --site "$(SITE)"

new: $(VENV)/.runtime
	@test -n "$(ID)" || { echo "usage: make new ID=<jurisdiction>-<issuer>-<year>-<slug>"; exit 2; }
	@$(BIN)/python -m kb new --data "$(DATA)" --id "$(ID)"

format: $(VENV)/.runtime
	@$(BIN)/python -m kb format --data "$(DATA)"

format-check: $(VENV)/.runtime
	@$(BIN)/python -m kb format --check --data "$(DATA)"

manifest: $(VENV)/.runtime
	@$(BIN)/python -m kb manifest --data "$(DATA)"

serve: $(VENV)/.runtime
	@$(BIN)/python -m kb validate --data "$(DATA)"
	KB_DATA="$(abspath $(DATA))" $(BIN)/python -m mkdocs serve --dev-addr 127.0.0.1:8000

# Browser tests drive Debian's Chromium (never a browser download); the HTML check runs the Nu
# checker (npm package vnu-jar) on Java; the citation tests render CSL-JSON with pandoc.
browser-deps:
	@command -v chromium >/dev/null 2>&1 && command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium and a Java runtime for the browser and HTML tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium default-jre-headless >/dev/null; }
	@command -v pandoc >/dev/null 2>&1 || { \
	  echo "Installing Debian's pandoc for the citation tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pandoc >/dev/null; }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

test: $(VENV)/.test browser-deps node_modules/.installed format-check
	$(BIN)/python -m pytest tests

# Performance figures (medians of several runs), not a pass/fail test; see docs/performance.md.
bench: $(VENV)/.test browser-deps
	$(BIN)/python -m kb.bench

clean:
	rm -rf $(SITE) .pytest_cache
