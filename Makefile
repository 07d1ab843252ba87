# iCAP competency standards pipeline: raw/ → interim/ → curated/.
# Every data step is a real file per document and stage (interim/<file>/<stage>.json) rebuilt
# only when older than its input or its code: a new or edited file in raw/, or an edited stage
# module, re-runs just the steps that depend on it; nothing changed, nothing runs.

RAW ?= raw
INTERIM ?= interim
CURATED ?= curated
VENV ?= .venv
PYTHON ?= python3
# Seconds one document may take to extract before it is rejected with time-limit.
DOC_TIME_LIMIT ?= 300

# Documents processed at once (the output is the same whatever the number).
JOBS ?= 1

PY := $(VENV)/bin/python
# Commands are not echoed unless V=1; QUIET=1 prints only errors, VERBOSE=1 a line per document.
Q := $(if $(V),,@)
PIPELINE = $(strip $(PY) -m $(PKG) $(if $(QUIET),--quiet) $(if $(VERBOSE),--verbose))
STAMP := $(VENV)/.installed
PKG := pipeline

# Every file of raw/ is a document: its content, not its name, says what it is. File names never
# reach a shell: the steps below list raw/ themselves. Names make cannot hold in a prerequisite
# list (spaces, ; : # = | $$ % and quotes) are left out of it — raw/ itself is a prerequisite, so
# adding or removing such a file still triggers a build; only an edit in place goes unseen.
SOURCES := $(sort $(shell find '$(RAW)' -maxdepth 1 -type f ! -name '.*' \
	! -name '*[][ ;:\#=|$$%*?]*' ! -name "*'*" ! -name '*"*' ! -name '*\\*' 2>/dev/null))
DOCS := $(notdir $(SOURCES))

# The document list is a file whose content (not its date) changes when raw/ gains or loses a
# file, so curated/ is re-assembled then and only then.
# Holds each file's name, size and modification time, so that a file replaced by one with an older
# timestamp (cp -p, wget) still changes it.
MANIFEST := $(INTERIM)/.documents
STATE := $(shell find '$(RAW)' -maxdepth 1 -type f ! -name '.*' -printf '%f %s %T@\n' 2>/dev/null \
	| sort)
$(shell mkdir -p '$(INTERIM)')
ifneq ($(strip $(file <$(MANIFEST))),$(strip $(STATE)))
$(file >$(MANIFEST),$(STATE))
endif


.PHONY: all help setup test lint docs clean roundtrip diff lo-fixtures bench layouts layout-fixtures \
	fuzz
.DELETE_ON_ERROR:

all: $(CURATED)/.built ## set up .venv if needed and build curated/ from raw/ (default)

help: ## list the targets
	@grep -E '^[a-zA-Z_./$$()-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | \
		awk -F'\t' '{printf "  %-14s %s\n", $$1, $$2}'
	@echo "  Variables: RAW=$(RAW) INTERIM=$(INTERIM) CURATED=$(CURATED)"

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

test: $(STAMP) ## run the test suite
	$(PY) -m pytest

# BASE=dir compares with that folder; without it, with the curated/ committed at git HEAD.
diff: $(CURATED)/.built ## build, then compare curated/ with BASE (default: curated/ at git HEAD)
	$(PY) -m $(PKG) diff --curated $(CURATED) $(if $(BASE),--base $(BASE)) \
		--report $(INTERIM)/diff-report.md

roundtrip: $(STAMP) ## render every real-content standard as a PDF and compare all fields with its truth
	$(PY) -m tests.render.roundtrip

# Needs LibreOffice and Chromium (apt-get install libreoffice-writer-nogui chromium and the CJK
# fonts listed in tests/layouts/forms.py); rendered PDFs are cached in .cache/layouts/.
N ?= 200
SEED ?= 1
layouts: $(STAMP) ## render N=200 documents in layouts drawn from SEED=1, read them, report (docs/layouts-results.json)
	$(PY) -m tests.layouts.runner --n $(N) --seed '$(SEED)'

layout-fixtures: $(STAMP) ## re-render the committed layout sample in tests/fixtures/layouts/ (by hand)
	$(PY) -m tests.layouts.make_sample

BENCH_N ?= 900
bench: $(STAMP) ## time the whole pipeline on BENCH_N rendered documents against pdfplumber alone
	BENCH_N=$(BENCH_N) $(PY) -m tests.render.bench

# The fuzzing campaign (tests/fuzz/): N mutants of the committed PDFs and text exports beside
# the sample, through the command line a batch at a time, FUZZ_JOBS build workers, each document
# stopped after FUZZ_TIME_LIMIT seconds; writes docs/fuzz-results.md and .json, exits 1 on any
# crash or hang. `make test` runs a seeded sample of it.
# (N is shared with `make layouts`, whose default is 200: the campaign's own is 5,000.)
FUZZ_N = $(if $(filter command line environment,$(origin N)),$(N),5000)
FUZZ_SEED ?= icap-15
FUZZ_JOBS ?= 2
FUZZ_TIME_LIMIT ?= 60
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

docs: $(STAMP) ## regenerate docs/data-dictionary.md from pipeline/spec.py
	$(PY) -m $(PKG) docs docs/data-dictionary.md

clean: ## remove interim/ build products (raw/ and curated/ are kept)
	rm -rf $(INTERIM)/*/ $(MANIFEST) $(INTERIM)/.snapshot.json $(INTERIM)/run-error.log \
		$(CURATED)/.built
