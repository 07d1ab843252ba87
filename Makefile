# iCAP competency standards pipeline: raw/ → interim/ → curated/.
# Every data step is a real file per document and stage (interim/<file>/<stage>.json) rebuilt
# only when older than its input or its code: a new or edited file in raw/, or an edited stage
# module, re-runs just the steps that depend on it; nothing changed, nothing runs.

# The variables (make VAR=value): `make help` lists each with HELP_<VAR> and its value.
HELP_VARIABLES := RAW INTERIM CURATED JOBS QUIET VERBOSE V DOC_TIME_LIMIT BASE FAIL_ON_CHANGE \
	PORT N SEED BENCH_N FUZZ_SEED FUZZ_JOBS FUZZ_TIME_LIMIT VENV PYTHON
RAW ?= raw
HELP_RAW := the source documents, subfolders included (never modified)
INTERIM ?= interim
HELP_INTERIM := one folder per document holding the output of each step
CURATED ?= curated
HELP_CURATED := the curated tables, reports and run report
# Documents processed at once, every core by default (the output is the same whatever the number).
CORES := $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
JOBS ?= $(CORES)
HELP_JOBS := documents processed at once (default: every core)
HELP_QUIET := QUIET=1 prints only errors
HELP_VERBOSE := VERBOSE=1 prints a line per document and every warning
HELP_V := V=1 shows the commands make runs
# Seconds one document may take to extract before it is rejected with time-limit.
DOC_TIME_LIMIT ?= 300
HELP_DOC_TIME_LIMIT := seconds one document may take before it is rejected (time-limit)
HELP_BASE := make diff: the folder to compare curated/ with (default: curated/ at git HEAD)
HELP_FAIL_ON_CHANGE := make diff: FAIL_ON_CHANGE=1 exits 1 when the tables differ (for CI)
VENV ?= .venv
HELP_VENV := the virtual environment make creates and uses
PYTHON ?= python3
HELP_PYTHON := the Python that creates it (3.11 or later)

PY := $(VENV)/bin/python
# Commands are not echoed unless V=1; QUIET=1 prints only errors, VERBOSE=1 a line per document.
Q := $(if $(V),,@)
PIPELINE = $(strip $(PY) -m $(PKG) $(if $(QUIET),--quiet) $(if $(VERBOSE),--verbose))
STAMP := $(VENV)/.installed
PKG := pipeline

# Every file of raw/ and of its subfolders is a document (hidden files and folders aside): its
# content, not its name, says what it is. File names never reach a shell: the steps below list
# raw/ themselves. Names make cannot hold in a prerequisite list (spaces, ; : # = | $$ % and
# quotes) are left out of it; the document list below still holds them, so adding, removing or
# editing such a file in place triggers a build like any other.
LIST_RAW = find '$(RAW)' -mindepth 1 -name '.*' -prune -o -type f
SOURCES := $(sort $(shell $(LIST_RAW) ! -name '*[][ ;:\#=|$$%*?]*' ! -name "*'*" ! -name '*"*' \
	! -name '*\\*' -print 2>/dev/null))

# The document list is a file whose content (not its date) changes when raw/ gains or loses a
# file, so curated/ is re-assembled then and only then.
# Holds each file's path under raw/, size and modification time, so that a file replaced by one
# with an older timestamp (cp -p, wget) or edited in place still changes it.
MANIFEST := $(INTERIM)/.documents
STATE := $(shell $(LIST_RAW) -printf '%P %s %T@\n' 2>/dev/null | sort)
$(shell mkdir -p '$(INTERIM)')
ifneq ($(strip $(file <$(MANIFEST))),$(strip $(STATE)))
$(file >$(MANIFEST),$(STATE))
else ifeq ($(wildcard $(MANIFEST)),)
$(file >$(MANIFEST),$(STATE))
endif

.PHONY: all help setup test lint docs clean roundtrip diff serve lo-fixtures bench layouts \
	layout-fixtures fuzz
.DELETE_ON_ERROR:

all: $(CURATED)/.built ## set up .venv if needed and build curated/ from raw/ (default)

help: ## list the targets and the variables
	@echo "Targets (make TARGET):"
	@grep -E '^[a-zA-Z_./$$()-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | \
		awk -F'\t' '{printf "  %-14s %s\n", $$1, $$2}'
	@echo "Variables (make VAR=value; the value now in brackets):"
	@$(foreach v,$(HELP_VARIABLES),printf '  %-16s %s [%s]\n' '$(v)' '$(HELP_$(v))' '$($(v))';)

setup: $(STAMP) ## create .venv and install the package with its dependencies

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# One step brings every document's interim files up to date: pipeline/build.py re-runs, per
# document and per stage, exactly what is older than its input or its code (make's rule), in one
# process or JOBS of them, so Python and pdfplumber start once, not once per stage and document.
# Export exits 1 when a document was rejected; the stamp is then not written, so the next make
# reports the rejection again instead of looking up to date.
$(CURATED)/.built: $(RAW) $(SOURCES) $(MANIFEST) $(wildcard $(PKG)/*.py) | $(STAMP)
	$(Q)$(PIPELINE) build --raw '$(RAW)' --interim '$(INTERIM)' --jobs $(JOBS) \
		--time-limit $(DOC_TIME_LIMIT)
	$(Q)$(PIPELINE) export --raw '$(RAW)' --interim '$(INTERIM)' --curated '$(CURATED)'
	$(Q)touch $@

PORT ?= 8001
HELP_PORT := make serve: the port on 127.0.0.1
serve: $(CURATED)/.built ## browse curated/icap.sqlite in Datasette on http://127.0.0.1:8001/ (PORT)
	$(Q)$(PY) -m $(PKG) serve --curated '$(CURATED)' --host 127.0.0.1 --port $(PORT)

test: $(STAMP) ## run the test suite
	$(PY) -m pytest

# BASE=dir compares with that folder; without it, with the curated/ committed at git HEAD.
# Differences are reported, not a failure: FAIL_ON_CHANGE=1 makes them exit 1 (for CI).
diff: $(CURATED)/.built ## build, then compare curated/ with BASE (default: curated/ at git HEAD)
	$(Q)$(PY) -m $(PKG) diff --curated '$(CURATED)' $(if $(BASE),--base '$(BASE)') \
		$(if $(FAIL_ON_CHANGE),--fail-on-change) --report '$(INTERIM)/diff-report.md'

roundtrip: $(STAMP) ## render every real-content standard as a PDF and compare all fields with its truth
	$(PY) -m tests.render.roundtrip

# Needs LibreOffice and Chromium (apt-get install libreoffice-writer-nogui chromium and the CJK
# fonts listed in tests/layouts/forms.py); rendered PDFs are cached in .cache/layouts/.
N ?= 200
HELP_N := make layouts: how many documents to render; make fuzz: inputs to try (default 5000)
SEED ?= 1
HELP_SEED := make layouts: the seed their layouts are drawn from
layouts: $(STAMP) ## render N=200 documents in layouts drawn from SEED=1, read them, report (docs/layouts-results.json)
	$(PY) -m tests.layouts.runner --n $(N) --seed '$(SEED)'

layout-fixtures: $(STAMP) ## re-render the committed layout sample in tests/fixtures/layouts/ (by hand)
	$(PY) -m tests.layouts.make_sample

BENCH_N ?= 900
HELP_BENCH_N := make bench: documents in the synthetic catalogue
bench: $(STAMP) ## time the whole pipeline on BENCH_N rendered documents against pdfplumber alone
	BENCH_N=$(BENCH_N) $(PY) -m tests.render.bench

# The fuzzing campaign (tests/fuzz/): N mutants of the committed PDFs and text exports beside
# the sample, through the command line a batch at a time, FUZZ_JOBS build workers, each document
# stopped after FUZZ_TIME_LIMIT seconds; writes docs/fuzz-results.md and .json, exits 1 on any
# crash or hang. `make test` runs a seeded sample of it.
# (N is shared with `make layouts`, whose default is 200: the campaign's own is 5,000.)
FUZZ_N = $(if $(filter command line environment,$(origin N)),$(N),5000)
FUZZ_SEED ?= icap-15
HELP_FUZZ_SEED := make fuzz: the seed every input is drawn from
FUZZ_JOBS ?= 2
HELP_FUZZ_JOBS := make fuzz: build workers per batch
FUZZ_TIME_LIMIT ?= 60
HELP_FUZZ_TIME_LIMIT := make fuzz: seconds one document may take (a batch past them all: a hang)
fuzz: $(STAMP) ## fuzz N mutated PDFs and text exports beside the sample (docs/fuzz-results.md)
	$(PY) -m tests.fuzz.campaign --inputs $(FUZZ_N) --seed $(FUZZ_SEED) --jobs $(FUZZ_JOBS) \
		--time-limit $(FUZZ_TIME_LIMIT)

# Needs LibreOffice (apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-uming);
# CI only reads the committed PDFs.
lo-fixtures: $(STAMP) ## re-render the committed LibreOffice PDFs in tests/fixtures/lo/ (by hand)
	$(PY) -m tests.render.make_lo_fixtures

lint: $(STAMP) ## ruff and mypy on pipeline/
	$(PY) -m ruff check $(PKG) tests
	$(PY) -m mypy $(PKG)

docs: $(STAMP) ## regenerate docs/data-dictionary.md (pipeline/spec.py), docs/findings.md (pipeline/severity.py) and docs/cli.md
	$(PY) -m $(PKG) docs docs/data-dictionary.md --cli docs/cli.md

clean: ## remove interim/ build products (raw/ and curated/ are kept)
	rm -rf $(INTERIM)/*/ $(MANIFEST) $(INTERIM)/.snapshot.json $(INTERIM)/run-error.log \
		$(CURATED)/.built
