# Everyday commands. Each sets up what it needs on a fresh machine (a .venv from pinned
# requirements with the project's own package, scripts/kb, installed in it; for the tests also
# Debian's Chromium), so `make serve` and `make test` are the whole quick start.
#   make serve               build and serve at http://127.0.0.1:8000, rebuilding on edits
#   make build [DATA=dir]    validate, then build site/ (left untouched if anything fails)
#   make validate [DATA=dir] report every problem in the data as file:line: CODE message
#   make new ID=<id>         scaffold data/instruments/<id>.yaml from the annotated template
#   make format              rewrite records into the canonical format (format-check: show the diff)
#   make docs                write the generated parts of CONTRIBUTING.md (the rule-code table)
#   make manifest            after a release: record the published URLs and anchors (never removes any)
#   make diff OLD=rev NEW=rev what changed in the knowledge (revisions or data folders; FORMAT=markdown|changelog)
#   make lint                ruff over the code and the tests
#   make test                every test: lint, unit, data, build and browser
#   make test-fast           the tests that need no browser (and no second build of the site)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= data
SITE   ?= site
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build validate new format format-check docs manifest diff lint test test-fast bench browser-deps clean

$(VENV)/.runtime: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test: requirements.txt requirements-test.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

validate: $(VENV)/.runtime
	@$(BIN)/kb validate --data "$(DATA)"

build: $(VENV)/.runtime
	@$(BIN)/kb build --data "$(DATA)" --site "$(SITE)"

new: $(VENV)/.runtime
	@test -n "$(ID)" || { echo "usage: make new ID=<jurisdiction>-<issuer>-<year>-<slug>"; exit 2; }
	@$(BIN)/kb new --data "$(DATA)" --id "$(ID)"

format: $(VENV)/.runtime
	@$(BIN)/kb format --data "$(DATA)"

format-check: $(VENV)/.runtime
	@$(BIN)/kb format --check --data "$(DATA)"

docs: $(VENV)/.runtime
	@$(BIN)/kb docs

manifest: $(VENV)/.runtime
	@$(BIN)/kb manifest --data "$(DATA)"

OLD    ?= HEAD
NEW    ?= $(DATA)
FORMAT ?= text
diff: $(VENV)/.runtime
	@$(BIN)/kb diff "$(OLD)" "$(NEW)" --format "$(FORMAT)"

serve: $(VENV)/.runtime
	@$(BIN)/kb validate --data "$(DATA)"
	KB_DATA="$(abspath $(DATA))" $(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:8000

lint: $(VENV)/.test
	$(BIN)/ruff check scripts tests

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

test: $(VENV)/.test browser-deps node_modules/.installed lint format-check
	$(BIN)/python -m pytest tests

test-fast: $(VENV)/.test lint format-check
	$(BIN)/python -m pytest tests -m "not browser and not slow"

# Performance figures (medians of several runs), not a pass/fail test; see docs/performance.md.
bench: $(VENV)/.test browser-deps
	$(BIN)/python -m kb.bench

clean:
	rm -rf $(SITE) .pytest_cache
