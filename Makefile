# Two commands do all the set-up: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# Test processes (pytest-xdist): one per core; a test file runs whole in one process, so its module
# fixtures (a crawl shared by its tests) are built once. PYTEST_WORKERS=0 runs everything in this process.
PYTEST_WORKERS ?= auto

.PHONY: demo test install install-test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip setuptools wheel >/dev/null

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP)

install-test: $(TEST_STAMP)

## Set everything up and run the main job against the bundled replica portal.
demo: $(STAMP)
	$(BIN)/disclosure demo

## Install the test extras into the same .venv and run the test suite.
test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/disclosure bench all

clean:
	rm -rf $(VENV) data build *.egg-info
