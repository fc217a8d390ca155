# make book: set up .venv if needed, build the default edition and period, print where the site and its PDF are
#   (EDITION=met PERIOD=2016-03 or EDITION=city-of-london PERIOD=2017-06 build the other editions).
# make editions: build the three shipped editions at their reference periods.
# make test: lint, then the whole test suite (unit, notebooks with nbval, integration build, browser).
# make test-fast: lint and the unit tests only (no notebook execution, no Jupyter Book, no browser).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EDITION ?= west-midlands
PERIOD ?= 2014-11
AS_OF ?=
export PYTHONHASHSEED := 0

.PHONY: book editions test test-fast lint verify bench browser clean

# axe-core (for the accessibility check in the browser tests) comes from the npm registry into .venv/node.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node axe-core@4.14.1
	touch $(STAMP)

book: $(STAMP) browser
	$(BIN)/spcb ingest --edition $(EDITION)
	$(BIN)/spcb build --edition $(EDITION) --period $(PERIOD) $(if $(AS_OF),--as-of $(AS_OF))
	$(BIN)/spcb pdf --edition $(EDITION) --period $(PERIOD)

editions:
	$(MAKE) book
	$(MAKE) book EDITION=met PERIOD=2016-03
	$(MAKE) book EDITION=city-of-london PERIOD=2017-06

# Browser tests drive Debian's Chromium, and the PDF test reads the PDF with poppler's pdftotext; install
# them when they are missing (needs root, as on CI).
browser:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq chromium poppler-utils >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check src tests

test: lint browser
	$(BIN)/python -m pytest

test-fast: lint
	$(BIN)/python -m pytest -m "not integration and not browser and not slow and not faults"

verify: $(STAMP)
	$(BIN)/spcb verify --edition $(EDITION) --period $(PERIOD)

bench: $(STAMP)
	$(BIN)/python tests/bench.py

clean:
	rm -rf _build book/report book/.report-*
