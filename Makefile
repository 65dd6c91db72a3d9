# The project's front door: `make serve` and `make test` set everything up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CHROMIUM := /usr/bin/chromium

.PHONY: serve build check test lint bench screenshots chromium java clean

serve: $(VENV)/.installed ## build the bundled content and serve it at http://127.0.0.1:8000
	$(BIN)/dvk serve --dev-addr 127.0.0.1:8000

build: $(VENV)/.installed ## build site/
	$(BIN)/dvk build

check: $(VENV)/.installed ## validate the content
	$(BIN)/dvk check

test: $(VENV)/.installed-test node_modules/.installed chromium java ## run every test, browser tests included
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-bench chromium ## build 1,000 / 10,000 / 50,000 synthetic entries against Hugo + Pagefind
	$(BIN)/dvk bench $(BENCH_ARGS)

screenshots: $(VENV)/.installed-test chromium ## photograph /thong-ke/ of the bundled site into docs/screenshots/
	$(BIN)/python -m bench.screenshots

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.created pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: $(VENV)/.created pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed

# The checkers the tests run over the built site (package.json): axe-core and the
# Nu Html Checker, at the versions package-lock.json pins. Reinstalled when the lock changes.
node_modules/.installed: package.json package-lock.json
	npm ci
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
