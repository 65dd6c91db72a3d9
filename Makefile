# The project's front door: `make serve` and `make test` set everything up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CHROMIUM := /usr/bin/chromium

.PHONY: serve cms build check test lint bench audit screenshots lock chromium java git-restore-mtime clean

serve: $(VENV)/.installed ## build the bundled content and serve it at http://127.0.0.1:8000
	$(BIN)/dvk serve --dev-addr 127.0.0.1:8000

cms: $(VENV)/.installed node_modules/.installed ## serve the site with the form-based editor at http://127.0.0.1:8000/quan-tri/, saving into content/
	$(BIN)/dvk serve --cms --dev-addr 127.0.0.1:8000

build: $(VENV)/.installed ## build site/
	$(BIN)/dvk build

check: $(VENV)/.installed ## validate the content
	$(BIN)/dvk check

test: $(VENV)/.installed-test node_modules/.installed chromium java git-restore-mtime ## run every test, browser tests included
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-bench chromium ## build 1,000 / 10,000 / 50,000 synthetic entries against Hugo + Pagefind
	$(BIN)/python -m bench $(BENCH_ARGS)

audit: $(VENV)/.installed-test node_modules/.installed chromium ## a phone's first and repeat visit per page type: bytes, and Lighthouse (median of 3)
	$(BIN)/python -m bench.audit $(AUDIT_ARGS)

screenshots: $(VENV)/.installed-test chromium ## photograph /thong-ke/, a press section and a contest page into docs/screenshots/
	$(BIN)/python -m bench.screenshots

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy

# Every Python install comes from the hashed locks in requirements/ (`make lock` below), so
# a new release of anything cannot change what a clean clone gets. --no-deps: pip fetches
# nothing the lock does not name. --no-build-isolation: an sdist in the lock, and the
# project itself, are built with the locked setuptools rather than one fetched for the
# build. `pip check` then stops here when pyproject.toml asks for something the lock
# lacks (run `make lock`). The stamps depend on the locks, so a changed lock reinstalls.
PIP_LOCKED  = $(BIN)/python -m pip install --quiet --require-hashes --no-deps --no-build-isolation -r
PIP_PROJECT = $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . && \
	$(BIN)/python -m pip check

# A new .venv first gets the locked pip and setuptools (requirements/bootstrap.in): an
# unpinned `pip install --upgrade pip` would be the one install no lock covers.
$(VENV)/.created: requirements/bootstrap.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_LOCKED) requirements/bootstrap.txt
	touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml requirements/run.txt
	$(PIP_LOCKED) requirements/run.txt
	$(PIP_PROJECT)
	touch $@

# dev.txt is run.txt plus the test and bench extras, the shared packages at the same versions.
$(VENV)/.installed-test: $(VENV)/.created pyproject.toml requirements/dev.txt
	$(PIP_LOCKED) requirements/dev.txt
	$(PIP_PROJECT)
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: $(VENV)/.created pyproject.toml requirements/dev.txt
	$(PIP_LOCKED) requirements/dev.txt
	$(PIP_PROJECT)
	touch $@ $(VENV)/.installed

# Refresh the locks to the newest versions pyproject.toml allows, for the Python that runs
# this (3.11, as CI and the deploy); review the diff and commit requirements/. Dependabot
# proposes the same updates weekly (.github/dependabot.yml). inputs.py first copies
# pyproject.toml's requirements into the .in files pip-compile (and Dependabot) read;
# each layer is compiled after the one it is constrained by (bootstrap < run < dev).
# The flags: a hash for every file; pip and setuptools locked too (--allow-unsafe);
# extras stripped, so a lock also works as a constraints file; and no index,
# trusted-host or find-links line, so the files name no package registry and no local
# path, whatever pip's configuration. pip-tools itself comes from dev.txt.
LOCK = $(BIN)/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-trusted-host --no-emit-find-links
LOCK_PYTHON := 3.11
lock: $(VENV)/.created ## refresh the Python locks, requirements/*.txt, from pyproject.toml
	@$(BIN)/python -c 'import sys; v = "%d.%d" % sys.version_info[:2]; \
	  sys.exit(v != "$(LOCK_PYTHON)" and f"make lock: .venv runs Python {v}; the locks are for $(LOCK_PYTHON)")'
	$(PIP_LOCKED) requirements/dev.txt
	$(BIN)/python requirements/inputs.py
	$(LOCK) --output-file=requirements/bootstrap.txt requirements/bootstrap.in
	$(LOCK) --output-file=requirements/run.txt requirements/run.in
	$(LOCK) --output-file=requirements/dev.txt requirements/dev.in

# From npm (package.json), at the versions package-lock.json pins: the checkers the tests
# run over the built site (axe-core, the Nu Html Checker), and the form-based editor (Decap
# CMS, its local backend decap-server, the yaml library). Reinstalled when the lock changes.
node_modules/.installed: package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=true npm ci
	touch $@

# The Nu Html Checker (vnu.jar) runs on Java 11 or later (tests/test_validity.py).
java:
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; \
	  else \
	    echo "java is missing: run 'sudo apt-get install default-jre-headless' (the HTML validity test will fail)"; \
	  fi; \
	fi

# The deploy workflow dates each checked-out file by its last commit with it, so that the
# build cache it keeps recognises unchanged files (tests/test_workflows.py runs it).
git-restore-mtime:
	@if ! git restore-mtime --help >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git-restore-mtime; \
	  else \
	    echo "git-restore-mtime is missing: run 'sudo apt-get install git-restore-mtime' (a deploy test will fail)"; \
	  fi; \
	fi

# Debian's Chromium drives the browser tests (Playwright cannot download its own here).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; \
	  fi; \
	fi

clean:
	rm -rf site .cache .pytest_cache .mypy_cache .ruff_cache node_modules
