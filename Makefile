# The two commands a fresh machine needs: `make lab` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
# Extra options for `make lab`, e.g. LAB_ARGS=--no-browser on a machine without a browser.
LAB_ARGS ?=
# `make app`: Voilà's port and extra options (APP_ARGS=--no-browser on a machine without a browser).
APP_PORT ?= 8866
APP_ARGS ?=
# Voilà 0.5 cannot shut a page's kernel down when the learner leaves it (its request lacks the XSRF token:
# voila-dashboards/voila#1458), so the kernels of pages left behind are culled once idle for this many
# seconds; the page in view is connected and never culled.
APP_CULL_SECONDS ?= 120
# JupyterLab refuses to start as root unless told; containers and CI machines often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# pytest's temporary folders (every test's answer store, the notebooks it runs, the servers' files) on a
# RAM-backed filesystem where the machine has one (Linux's /dev/shm). The answer store flushes each save to
# disk (synchronous=EXTRA), as it must for a learner: how much that costs depends on the disk. Measured, the
# fast tests took 193-232 s on one machine's disk against 99 s in RAM, and 67 s against 63 s on a machine
# whose disk flushes in 0.2 ms. `make test TEST_TMPDIR=` keeps the system's temporary folder.
TEST_TMPDIR ?= $(shell [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm)
# The tests run in parallel, test by test, one worker more than there are cores (at most 4: each worker may
# start its own JupyterLab and Chromium). A browser test keeps about 1.2 cores busy, as the test, its
# browser and its kernel wait on one another in turn: through a whole run, the two cores here were 89 % busy
# with one worker per core and 97 % with one more. The tests of a module whose fixture is costly (the Binder venv, the wheel)
# are one xdist_group and stay on one worker. `make test WORKERS=0` runs them in one process.
WORKERS ?= $(shell $(PYTHON) -c "import os; print(min((os.cpu_count() or 1) + 1, 4))")
PYTEST := $(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR) ,)$(BIN)/python -m pytest $(if $(filter 0,$(WORKERS)),,-n $(WORKERS) --maxprocesses 4 --dist loadgroup)

.PHONY: lab app test test-fast test-e2e screens lint typecheck format sync-notebooks bench handout binder-lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[app]"
	touch $(VENV)/.installed $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

lab: $(VENV)/.installed
	@echo "Starting JupyterLab on notebooks/ — open the URL printed below (it carries the login token)."
	$(BIN)/jupyter lab --port $(PORT) $(ROOT_FLAG) $(LAB_ARGS) --ServerApp.root_dir=notebooks \
		--LabApp.default_url=/lab/tree/00_start.ipynb

# The notebooks as an app with the code hidden: Voilà serves the whole folder, so that each notebook's links
# to the next and the previous one open (started on one notebook, Voilà serves no other: "403 Forbidden").
app: $(VENV)/.installed-app
	@echo "Starting Voilà on notebooks/ — open http://localhost:$(APP_PORT)/voila/render/00_start.ipynb"
	@echo "(English: http://localhost:$(APP_PORT)/voila/render/en/00_welcome.ipynb)"
	$(BIN)/voila notebooks --port=$(APP_PORT) $(APP_ARGS) \
		'--VoilaConfiguration.extension_denylist=["jupyterlab-jupytext"]' \
		--MappingKernelManager.cull_idle_timeout=$(APP_CULL_SECONDS) --MappingKernelManager.cull_interval=30 \
		--MappingKernelManager.cull_connected=False

test: $(VENV)/.installed-test
	$(PYTEST)

test-fast: $(VENV)/.installed-test
	$(PYTEST) -m "not slow and not browser"

test-e2e: $(VENV)/.installed-test
	$(PYTEST) tests/e2e

# The browser tests again, saving what a person looks at before a release: every notebook's screens scrolled
# through at 1366×768 and 1920×1080 in JupyterLab and Voilà, and a window shot after each test, in
# a new /tmp/casekit-screens-* folder or SCREENS_DIR (make test saves a screenshot only of a test that failed).
screens: $(VENV)/.installed-test
	@dir="$${SCREENS_DIR:-$$(mktemp -d /tmp/casekit-screens-XXXXXX)}"; \
	CASEKIT_E2E_SCREENS=1 CASEKIT_E2E_ARTIFACTS="$$dir" $(PYTEST) tests/e2e; status=$$?; \
	echo "Screenshots: $$dir/screens and $$dir"; exit $$status

lint: $(VENV)/.installed-test
	$(BIN)/ruff check casekit tests benchmarks
	$(BIN)/ruff format --check casekit tests benchmarks

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format casekit tests benchmarks
	$(BIN)/ruff check --fix casekit tests benchmarks

# Each notebook is paired with text/<name>.py in its folder (jupytext.toml at the repository root says so).
sync-notebooks: $(VENV)/.installed
	$(BIN)/jupytext --sync notebooks/*.ipynb notebooks/instructor/*.ipynb notebooks/en/*.ipynb notebooks/en/instructor/*.ipynb

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

handout: $(VENV)/.installed
	$(BIN)/casekit handout -o handout.html

# binder/requirements.txt is a lock of what Binder runs: a fresh venv (with the Python of binder/runtime.txt)
# gets casekit from this repository plus voila, and `pip freeze` without casekit itself is the file.
binder-lock:
	@set -eu; \
	want=$$(sed -n 's/^python-//p' binder/runtime.txt); \
	have=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	if [ "$$want" != "$$have" ]; then \
		echo "binder/runtime.txt says python-$$want, $(PYTHON) is $$have: make binder-lock PYTHON=python$$want" >&2; \
		exit 1; \
	fi; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "Locking binder/requirements.txt in a fresh venv ($$tmp) with Python $$have"; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet --upgrade pip; \
	"$$tmp/venv/bin/python" -m pip install --quiet . voila; \
	{ \
		echo "# Binder (repo2docker) installs this lock, then binder/postBuild installs casekit from this repository."; \
		echo "# Made by \`make binder-lock\` on $$(date -u +%Y-%m-%d): a fresh venv with Python $$have, \`pip install . voila\`,"; \
		echo "# then \`pip freeze\` without casekit, pip, setuptools and wheel. Do not edit by hand: run it again."; \
		"$$tmp/venv/bin/python" -m pip freeze --exclude casekit | grep -viE '^(pip|setuptools|wheel)=='; \
	} > "$$tmp/requirements.txt"; \
	mv "$$tmp/requirements.txt" binder/requirements.txt; \
	echo "binder/requirements.txt: $$(grep -c '==' binder/requirements.txt) pins"

clean:
	rm -rf $(VENV) build dist .pytest_cache
