# The two commands a fresh machine needs: `make lab` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
# Extra options for `make lab`, e.g. LAB_ARGS=--no-browser on a machine without a browser.
LAB_ARGS ?=
# JupyterLab refuses to start as root unless told; containers and CI machines often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test test-fast test-e2e lint typecheck format sync-notebooks bench handout clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

lab: $(VENV)/.installed
	@echo "Starting JupyterLab on notebooks/ — open the URL printed below (it carries the login token)."
	$(BIN)/jupyter lab --port $(PORT) $(ROOT_FLAG) $(LAB_ARGS) --ServerApp.root_dir=notebooks \
		--LabApp.default_url=/lab/tree/00_start.ipynb

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not slow and not browser"

test-e2e: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests/e2e

lint: $(VENV)/.installed-test
	$(BIN)/ruff check casekit tests benchmarks
	$(BIN)/ruff format --check casekit tests benchmarks

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format casekit tests benchmarks
	$(BIN)/ruff check --fix casekit tests benchmarks

sync-notebooks: $(VENV)/.installed
	$(BIN)/jupytext --sync notebooks/*.ipynb notebooks/instructor/*.ipynb

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

handout: $(VENV)/.installed
	$(BIN)/casekit handout -o handout.html

clean:
	rm -rf $(VENV) build dist .pytest_cache
