# The book's commands. Start with `make help`.
#
# Everything runs inside .venv, created on first use from requirements.lock
# (exact, hashed versions). Only python3 (3.11 or 3.12) and make are needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
BUILD  ?= _build
JOBS   ?= auto
SPHINXOPTS ?= -W --keep-going -j $(JOBS)
# Doctrees stay out of the published folder; -j reads (and executes) pages in
# parallel, one process per core.
SPHINX := $(BIN)/python -m sphinx -c . -d $(BUILD)/doctrees $(SPHINXOPTS)
# Reproducible builds: whatever would read the clock (Sphinx, matplotlib) uses
# the date of the last commit instead, so two builds of a commit are identical.
# Outside a git checkout it stays unset (an empty value would break Sphinx).
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null)
endif
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

.DEFAULT_GOAL := help
.PHONY: help html update-po test test-fast lint linkcheck livehtml lock clean venv venv-checked bench pdf epub review-diff

help: ## List the targets
	@echo "Targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(READY): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3, 11), (3, 12)) else "Python 3.11 or 3.12 is needed (requirements.lock is made and tested for them), found " + sys.version.split()[0] + ": run make with PYTHON=python3.12 or PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	touch $@

venv: venv-checked ## Create .venv with the locked versions (done by every target)

# Before every target: .venv must be this clone's, made by a supported Python,
# with the locked versions (tools/check_venv.py says what is wrong). If not, it
# is made again from requirements.lock, never used as it is.
venv-checked: $(READY)
	@$(BIN)/python tools/check_venv.py 2>/dev/null || { \
	  $(BIN)/python tools/check_venv.py; \
	  echo "Making .venv again from requirements.lock"; \
	  rm -rf $(VENV) && $(MAKE) --no-print-directory $(READY) && \
	  $(BIN)/python tools/check_venv.py; }

# Two languages, one build: the English site in $(BUILD)/html, the Chinese one
# (translations in locales/zh_CN) in $(BUILD)/html/zh, each with its doctrees
# and execution cache. LANGUAGES=en builds the English site alone.
LANGUAGES ?= en zh_CN
SPHINX_ZH := $(BIN)/python -m sphinx -c . -d $(BUILD)/doctrees-zh_CN $(SPHINXOPTS) -D language=zh_CN

html: venv-checked ## Build the site into _build/html, the Chinese edition into _build/html/zh
	$(SPHINX) -b html book $(BUILD)/html
	$(if $(filter zh_CN,$(LANGUAGES)),$(SPHINX_ZH) -b html book $(BUILD)/html/zh)
	@echo "The site is in $(BUILD)/html/index.html$(if $(filter zh_CN,$(LANGUAGES)), (中文: $(BUILD)/html/zh/index.html))"

# The Chinese edition's catalogues (CONTRIBUTING: "Translating the book"):
# extract every message of the English pages, then merge them into
# locales/zh_CN/LC_MESSAGES/*.po; a changed message becomes fuzzy, a new one
# empty, and `make test` names each until it is translated.
update-po: venv-checked ## Refresh the Chinese catalogues in locales/ after an English edit
	$(BIN)/python -m sphinx -c . -d $(BUILD)/doctrees-gettext $(SPHINXOPTS) -b gettext book $(BUILD)/gettext
	$(BIN)/sphinx-intl update -p $(BUILD)/gettext -l zh_CN -d locales -w 76
	$(BIN)/python tools/check_translations.py --pot $(BUILD)/gettext || true

# The offline copies, from the same execution cache as the site
# ($(BUILD)/.jupyter_cache: nothing executes again after `make html`), each with
# doctrees of its own (myst-nb picks each output's format for its builder).
# tools/install-tex.sh installs the Debian packages they need (as root) or
# names them. The PDF: Sphinx's LaTeX builder, then xelatex through latexmk.
BOOK_NAME := guess-compare-adjust
OFFLINE = $(BIN)/python -m sphinx -c . $(SPHINXOPTS) -d $(BUILD)/doctrees-$(1) -b $(1) book $(BUILD)/$(1)

pdf: venv-checked ## Build the book as one PDF: _build/pdf/guess-compare-adjust.pdf
	tools/install-tex.sh pdf
	$(call OFFLINE,latex)
	cd $(BUILD)/latex && latexmk -pdfxe -interaction=nonstopmode -halt-on-error -file-line-error $(BOOK_NAME).tex >latexmk.log 2>&1 \
	  || { tail -40 latexmk.log; echo "xelatex failed: see $(BUILD)/latex/$(BOOK_NAME).log"; exit 1; }
	mkdir -p $(BUILD)/pdf && cp $(BUILD)/latex/$(BOOK_NAME).pdf $(BUILD)/pdf/
	@echo "The PDF is $(BUILD)/pdf/$(BOOK_NAME).pdf"

epub: venv-checked ## Build the book as an EPUB 3, checked by epubcheck: _build/epub/guess-compare-adjust.epub
	tools/install-tex.sh epub
	$(call OFFLINE,epub)
	java -jar /usr/share/java/epubcheck.jar --quiet $(BUILD)/epub/$(BOOK_NAME).epub
	@echo "The EPUB is $(BUILD)/epub/$(BOOK_NAME).epub"

test: venv-checked ## Run the whole test suite (includes building the book)
	$(BIN)/python -m pytest

test-fast: venv-checked ## The package's tests and doctests only: no book build, no browser
	$(BIN)/python -m pytest -n auto -m "not build and not browser and not tooling and not slow" tests/test_*.py code/nnbasics

# pre-commit runs the hooks of .pre-commit-config.yaml (ruff, codespell, the
# whitespace fixers, YAML/TOML/workflow checks, zizmor) with the tools in .venv:
# no network, no `pre-commit install` needed. Its cache goes to the build folder.
# Hooks that fix files (whitespace, ruff format) leave the fix in place; in CI
# (CI=true) the diff they made is printed too.
lint: venv-checked ## Run every check of .pre-commit-config.yaml on every file
	PRE_COMMIT_HOME="$(abspath $(BUILD))/.pre-commit" $(BIN)/python -m pre_commit run --all-files $(if $(CI),--show-diff-on-failure)

linkcheck: venv-checked ## Check every external link of the book (needs the network)
	$(SPHINX) -b linkcheck book $(BUILD)/linkcheck

# What the working tree does to the book (tools/review_diff): builds the book at
# BASE (default: the merge base of HEAD with main) in $(BUILD)/review/base and
# the working tree in $(BUILD)/review/head, each with its own execution cache,
# and compares them. Report: $(BUILD)/review/report.md and
# $(BUILD)/review/report/index.html. Figures are compared as pixels: SVGs are
# rasterised by rsvg-convert (Debian's librsvg2-bin, which .ci/run installs).
BASE ?=
review-diff: venv-checked ## Report what the working tree changes in the built book (BASE=<git ref>)
	@command -v rsvg-convert >/dev/null || { echo "make review-diff needs rsvg-convert to compare figures: apt-get install librsvg2-bin"; exit 2; }
	$(BIN)/python -m tools.review_diff --build $(BUILD) --jobs $(JOBS) $(if $(BASE),--base $(BASE))

livehtml: venv-checked ## Preview while editing: rebuilds and reloads on save
	$(BIN)/python -m sphinx_autobuild -c . -d $(BUILD)/doctrees $(SPHINXOPTS) --watch code book $(BUILD)/html

# The benchmarks (benchmarks/): builds of a copy of the project (cold with
# -j auto and -j 1, no change, prose, code-cell and code/ edits), then the
# built site served gzip-compressed on 127.0.0.1 and measured by Lighthouse
# (pinned in benchmarks/package-lock.json; installed here with npm ci) in
# /usr/bin/chromium, mobile and desktop. Medians of BENCH_RUNS runs each; an
# idle machine gives the least noisy numbers.
BENCH_RUNS ?= 3
CHROME_PATH ?= /usr/bin/chromium
export CHROME_PATH

bench: html benchmarks/node_modules/.package-lock.json ## Time the builds and measure the site's pages (bytes, Lighthouse)
	$(BIN)/python benchmarks/run.py --runs $(BENCH_RUNS) --html $(BUILD)/html --json $(BUILD)/bench/results.json

benchmarks/node_modules/.package-lock.json: benchmarks/package.json benchmarks/package-lock.json
	cd benchmarks && npm ci --no-audit --no-fund
	touch $@

lock: venv-checked ## Regenerate requirements.lock from pyproject.toml (needs the network)
	$(BIN)/python -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --fork-strategy fewest \
	  --generate-hashes --custom-compile-command "make lock" --output-file requirements.lock
	@echo "requirements.lock updated: run 'make html' to install it"

clean: ## Remove the build folder (the execution cache with it)
	rm -rf $(BUILD)
